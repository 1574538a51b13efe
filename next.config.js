/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  // The dev-mode badge would sit on top of the forms in npm start's app and in the browser tests' screenshots.
  devIndicators: false,
  // The app lives beside the contracts; keep Next's file tracing to this folder.
  outputFileTracingRoot: __dirname,
};

module.exports = nextConfig;
