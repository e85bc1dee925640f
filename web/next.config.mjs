import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * The portal is a static export: S3/CloudFront in AWS, the local gateway on `npm start`.
 * There is no Next server, so no image optimisation, no rewrites and no dynamic routes
 * without generateStaticParams; pages read ids from the query string instead.
 * @type {import('next').NextConfig}
 */
const nextConfig = {
  output: 'export',
  // Every page is `<route>/index.html`, which plain static hosting serves without rewrites.
  trailingSlash: true,
  images: { unoptimized: true },
  poweredByHeader: false,
  reactStrictMode: true,
  // web/ has no package.json of its own; dependencies resolve from the repository root.
  turbopack: { root: dirname(here) },
};

export default nextConfig;
