/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  // The dev-mode badge would sit on top of the forms in npm start's app and in the browser tests' screenshots.
  devIndicators: false,
  // The app lives beside the contracts; keep Next's file tracing to this folder.
  outputFileTracingRoot: __dirname,
  // A second app beside npm start's (the keyed-URL and relay attack browser test, test/e2e/keyedRelay.e2e.ts) needs
  // its own build folder: next dev locks its own.
  distDir: process.env.FLUX_NEXT_DIST_DIR || ".next",
};

module.exports = nextConfig;
