/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  // The app lives beside the contracts; keep Next's file tracing to this folder.
  outputFileTracingRoot: __dirname,
};

module.exports = nextConfig;
