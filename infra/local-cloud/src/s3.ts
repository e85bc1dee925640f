/**
 * S3 on s3rver, behind a small front. Browsers upload straight to it with presigned PUTs, so buckets
 * that want browser uploads get CORS, as they need in AWS.
 *
 * The front does two things s3rver cannot: it checks governed callers' grants (s3:GetObject,
 * s3:PutObject … on the bucket or object ARN; see iam.ts), and it hands s3rver the one access key
 * s3rver knows (s3rver refuses any other with InvalidAccessKeyId; it does not verify SigV4
 * signatures, so nothing else changes). Requests are path-style (`/<bucket>/<key>`), as the SDK
 * sends them to an IP-address endpoint.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { type AccessPolicy, s3Request, startFront, withAccessKey } from './iam.ts';
import { arns as arnsFor } from './names.ts';

const CORS = `<CORSConfiguration>
  <CORSRule>
    <AllowedOrigin>*</AllowedOrigin>
    <AllowedMethod>GET</AllowedMethod>
    <AllowedMethod>PUT</AllowedMethod>
    <AllowedMethod>HEAD</AllowedMethod>
    <AllowedHeader>*</AllowedHeader>
    <ExposeHeader>ETag</ExposeHeader>
    <MaxAgeSeconds>3000</MaxAgeSeconds>
  </CORSRule>
</CORSConfiguration>`;

/** s3rver's built-in account. */
const S3RVER_KEY = 'S3RVER';

export interface LocalS3 {
  endpoint: string;
  stop(): Promise<void>;
}

/** Every caller's access key id becomes s3rver's, in the Authorization header and in presigned URLs. */
function asS3rver(headers: IncomingMessage['headers'], url: string) {
  return {
    headers: withAccessKey(headers, S3RVER_KEY),
    url: url.replace(/([?&]X-Amz-Credential=)[^&%/]+/i, `$1${S3RVER_KEY}`),
  };
}

export async function startS3(opts: {
  dataDir?: string;
  buckets: { name: string; browserUploads: boolean }[];
  policy?: AccessPolicy;
}): Promise<LocalS3> {
  const directory = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'local-cloud-s3-'));
  mkdirSync(directory, { recursive: true });
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    directory,
    silent: true,
    configureBuckets: opts.buckets.map((b) => ({ name: b.name, configs: b.browserUploads ? [CORS] : [] })),
  });
  const address = (await server.run()) as { port: number };
  const arns = opts.policy?.arns ?? arnsFor();
  const front = await startFront({
    upstream: `http://127.0.0.1:${address.port}`,
    policy: opts.policy,
    buffered: false,
    // A CORS preflight carries no credentials; s3rver answers it from the bucket's CORS rules.
    requests: (req) =>
      req.method === 'OPTIONS' ? undefined : [s3Request(req.method ?? 'GET', req.url ?? '/', arns)],
    deny(res, message) {
      const body =
        '<?xml version="1.0" encoding="UTF-8"?>\n' +
        `<Error><Code>AccessDenied</Code><Message>${message.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</Message>` +
        `<RequestId>${crypto.randomUUID()}</RequestId></Error>`;
      res.writeHead(403, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    },
    rewrite: asS3rver,
  }).catch(async (err) => {
    await server.close();
    throw err;
  });
  return {
    endpoint: front.endpoint,
    async stop() {
      await front.stop();
      await server.close();
      if (!opts.dataDir) rmSync(directory, { recursive: true, force: true });
    },
  };
}
