/**
 * S3 on s3rver, behind a small front. Browsers upload straight to it with presigned POSTs (and
 * PUTs), so buckets that want browser uploads get CORS, as they need in AWS.
 *
 * The front does what s3rver cannot:
 * - it checks governed callers' grants (s3:GetObject, s3:PutObject … on the bucket or object ARN;
 *   see iam.ts), and hands s3rver the one access key s3rver knows (s3rver refuses any other with
 *   InvalidAccessKeyId; it does not verify SigV4 signatures of headers or query strings);
 * - it answers **POST Object** (browser-based uploads) itself, enforcing the POST policy as S3 does:
 *   the SigV4 signature over the policy (with the signer's secret), its expiration, every condition
 *   (`eq`, `starts-with`, `content-length-range`, exact matches), no form field the policy does not
 *   cover, and the signer's s3:PutObject grant on the key. s3rver ignores the policy entirely;
 * - it delivers **event notifications** (s3rver's own events, reshaped as S3 sends them: event
 *   version 2.1, the region, the key URL-encoded) to the configured handlers, asynchronously and
 *   with two retries, as S3 invokes a Lambda function.
 * Requests are path-style (`/<bucket>/<key>`), as the SDK sends them to an IP-address endpoint.
 */
import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { type IncomingMessage, request, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3Event, S3EventRecord } from 'aws-lambda';
import S3rver from 's3rver';
import { localCredentials } from './dynamodb.ts';
import { type AccessPolicy, type Request, s3Request, startFront, withAccessKey } from './iam.ts';
import { type Arns, arns as arnsFor, DEFAULT_REGION } from './names.ts';

const CORS = `<CORSConfiguration>
  <CORSRule>
    <AllowedOrigin>*</AllowedOrigin>
    <AllowedMethod>GET</AllowedMethod>
    <AllowedMethod>PUT</AllowedMethod>
    <AllowedMethod>POST</AllowedMethod>
    <AllowedMethod>HEAD</AllowedMethod>
    <AllowedHeader>*</AllowedHeader>
    <ExposeHeader>ETag</ExposeHeader>
    <MaxAgeSeconds>3000</MaxAgeSeconds>
  </CORSRule>
</CORSConfiguration>`;

/** s3rver's built-in account. */
const S3RVER_KEY = 'S3RVER';

/** The largest POST Object body the front reads (S3 allows 5 GB; browsers here send documents). */
const MAX_POST_BYTES = 64 * 1024 * 1024;

export interface LocalS3 {
  endpoint: string;
  stop(): Promise<void>;
}

/** Objects created or removed in a bucket (under a prefix) are announced to `deliver`, as S3 invokes a function. */
export interface S3Notification {
  bucket: string;
  /** S3's event names with wildcards, e.g. `s3:ObjectCreated:*`. */
  events: string[];
  prefix?: string;
  suffix?: string;
  /** The notification configuration's id (the records' `configurationId`). */
  id?: string;
  deliver(event: S3Event): Promise<unknown>;
}

export interface StartS3Options {
  dataDir?: string;
  buckets: { name: string; browserUploads: boolean }[];
  policy?: AccessPolicy;
  notifications?: S3Notification[];
  /** Region in the events and the SigV4 scope of POST policies (default: the policy's ARNs' region). */
  region?: string;
  /**
   * The secret of an access key id, to verify POST policy signatures. Default: the local cloud's one
   * secret (`localCredentials`, which the Lambda workers use too); undefined = InvalidAccessKeyId.
   */
  secretOf?(accessKeyId: string): string | undefined;
  /** Where a delivery that failed three times is reported (default: stderr). */
  onDeliveryError?(err: unknown, event: S3Event): void;
}

/** Every caller's access key id becomes s3rver's, in the Authorization header and in presigned URLs. */
function asS3rver(headers: IncomingMessage['headers'], url: string) {
  return {
    headers: withAccessKey(headers, S3RVER_KEY),
    url: url.replace(/([?&]X-Amz-Credential=)[^&%/]+/i, `$1${S3RVER_KEY}`),
  };
}

/** The IAM request of a call, with the tagging subresource told apart (iam.ts maps verbs only). */
function requestOf(req: IncomingMessage, arns: Arns): Request {
  const plain = s3Request(req.method ?? 'GET', req.url ?? '/', arns);
  const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
  if (!query.has('tagging') || !plain.resource.includes('/')) return plain;
  const verb = req.method === 'PUT' ? 'Put' : req.method === 'DELETE' ? 'Delete' : 'Get';
  return { action: `s3:${verb}ObjectTagging`, resource: plain.resource };
}

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function corsHeaders(req: IncomingMessage, browserUploads: boolean): Record<string, string> {
  return req.headers.origin && browserUploads
    ? { 'access-control-allow-origin': '*', 'access-control-expose-headers': 'ETag' }
    : {};
}

function sendError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string>,
  extra: Record<string, string | number> = {},
) {
  const body =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message>` +
    Object.entries(extra)
      .map(([k, v]) => `<${k}>${xmlEscape(String(v))}</${k}>`)
      .join('') +
    `<RequestId>${randomUUID()}</RequestId></Error>`;
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/xml',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

// ---------------------------------------------------------------------------------------------
// POST Object: multipart/form-data, the policy, the signature

interface Part {
  name: string;
  filename?: string;
  contentType?: string;
  data: Buffer;
}

class Malformed extends Error {}

/** A buffered multipart/form-data body (RFC 7578) as its parts, in order. */
export function parseMultipart(body: Buffer, boundary: string): Part[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const next = Buffer.from(`\r\n--${boundary}`);
  const parts: Part[] = [];
  let at = body.indexOf(delimiter);
  if (at < 0) throw new Malformed('no boundary');
  for (;;) {
    at += delimiter.length;
    if (body[at] === 0x2d && body[at + 1] === 0x2d) return parts;
    if (body[at] !== 0x0d || body[at + 1] !== 0x0a) throw new Malformed('bad delimiter');
    const headerEnd = body.indexOf('\r\n\r\n', at);
    if (headerEnd < 0) throw new Malformed('no part headers');
    const headers = body.subarray(at + 2, headerEnd).toString('utf8');
    const end = body.indexOf(next, headerEnd + 4);
    if (end < 0) throw new Malformed('unterminated part');
    const disposition = /^content-disposition:\s*form-data(.*)$/im.exec(headers)?.[1] ?? '';
    const name = /;\s*name="([^"]*)"/i.exec(disposition)?.[1];
    if (name === undefined) throw new Malformed('part without a name');
    const filename = /;\s*filename="([^"]*)"/i.exec(disposition)?.[1];
    const contentType = /^content-type:\s*(.+)$/im.exec(headers)?.[1]?.trim();
    parts.push({ name, filename, contentType, data: body.subarray(headerEnd + 4, end) });
    at = end + 2;
  }
}

const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

/** SigV4 for a POST policy: the signature is over the base64 policy, with the scope's signing key. */
export function postPolicySignature(secret: string, scope: { date: string; region: string }, policy: string) {
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, scope.date), scope.region), 's3'), 'aws4_request');
  return createHmac('sha256', key).update(policy, 'utf8').digest('hex');
}

const FILENAME_PLACEHOLDER = ['$', '{filename}'].join('');

/** Fields that need no condition (S3: the policy, the signature, the file and x-ignore-*). */
const UNCONDITIONED = new Set(['policy', 'x-amz-signature', 'file']);

type Condition =
  | { op: 'eq' | 'starts-with'; field: string; value: string; text: string }
  | { op: 'range'; min: number; max: number; text: string };

function conditionsOf(policy: { conditions?: unknown }): Condition[] | undefined {
  if (!Array.isArray(policy.conditions)) return undefined;
  const out: Condition[] = [];
  for (const c of policy.conditions as unknown[]) {
    const text = JSON.stringify(c);
    if (Array.isArray(c)) {
      const [op, a, b] = c as unknown[];
      if (op === 'content-length-range' && Number.isInteger(a) && Number.isInteger(b))
        out.push({ op: 'range', min: a as number, max: b as number, text });
      else if ((op === 'eq' || op === 'starts-with') && typeof a === 'string' && a.startsWith('$'))
        out.push({ op, field: a.slice(1).toLowerCase(), value: String(b ?? ''), text });
      else return undefined;
    } else if (c && typeof c === 'object') {
      const entries = Object.entries(c as Record<string, unknown>);
      if (entries.length !== 1 || typeof entries[0][1] !== 'string') return undefined;
      out.push({ op: 'eq', field: entries[0][0].toLowerCase(), value: entries[0][1] as string, text });
    } else return undefined;
  }
  return out;
}

interface PostContext {
  bucket: string;
  browserUploads: boolean;
  region: string;
  arns: Arns;
  policy?: AccessPolicy;
  secretOf(accessKeyId: string): string | undefined;
  /** The object was created by a POST (its notification says ObjectCreated:Post). */
  posted(bucket: string, key: string): void;
  upstream: URL;
  turns: Turns;
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

async function postObject(req: IncomingMessage, res: ServerResponse, ctx: PostContext): Promise<void> {
  const cors = corsHeaders(req, ctx.browserUploads);
  const fail = (status: number, code: string, message: string, extra?: Record<string, string | number>) =>
    sendError(res, status, code, message, cors, extra);
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(req.headers['content-type'] ?? '');
  if (!boundary)
    return fail(412, 'PreconditionFailed', 'Bucket POST must be of the enclosure-type multipart/form-data');
  const body = await readBody(req, MAX_POST_BYTES);
  if (!body)
    return fail(
      400,
      'MaxPostPreDataLengthExceeded',
      'Your POST request fields preceeding the upload file was too large.',
    );
  let parts: Part[];
  try {
    parts = parseMultipart(body, boundary[1] ?? boundary[2]);
  } catch {
    return fail(
      400,
      'MalformedPOSTRequest',
      'The body of your POST request is not well-formed multipart/form-data.',
    );
  }
  // Field names are case-insensitive; S3 ignores whatever follows the file.
  const fileIndex = parts.findIndex((p) => p.name.toLowerCase() === 'file');
  if (fileIndex < 0)
    return fail(400, 'InvalidArgument', 'POST requires exactly one file upload per request.', {
      ArgumentName: 'file',
      ArgumentValue: 0,
    });
  const file = parts[fileIndex];
  const fields = new Map<string, string>();
  for (const p of parts.slice(0, fileIndex)) fields.set(p.name.toLowerCase(), p.data.toString('utf8'));

  const policyText = fields.get('policy');
  // Without a policy the upload is anonymous, and the bucket is private.
  if (policyText === undefined) return fail(403, 'AccessDenied', 'Access Denied');
  if (fields.get('x-amz-algorithm') !== 'AWS4-HMAC-SHA256')
    return fail(
      400,
      'InvalidArgument',
      'Only the AWS4-HMAC-SHA256 algorithm is supported for POST policies',
      {
        ArgumentName: 'x-amz-algorithm',
      },
    );
  const credential = /^([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request$/.exec(
    fields.get('x-amz-credential') ?? '',
  );
  if (!credential)
    return fail(400, 'InvalidArgument', 'Invalid according to Policy: malformed X-Amz-Credential', {
      ArgumentName: 'x-amz-credential',
    });
  const [, accessKeyId, date, region] = credential;
  const secret = ctx.secretOf(accessKeyId);
  if (secret === undefined)
    return fail(
      403,
      'InvalidAccessKeyId',
      'The AWS Access Key Id you provided does not exist in our records.',
    );
  const expected = Buffer.from(postPolicySignature(secret, { date, region }, policyText));
  const given = Buffer.from((fields.get('x-amz-signature') ?? '').toLowerCase());
  if (region !== ctx.region || given.length !== expected.length || !timingSafeEqual(given, expected))
    return fail(
      403,
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    );

  let policy: { expiration?: unknown; conditions?: unknown };
  try {
    policy = JSON.parse(Buffer.from(policyText, 'base64').toString('utf8'));
  } catch {
    return fail(400, 'InvalidPolicyDocument', 'Invalid Policy: Invalid JSON.');
  }
  const expiration = typeof policy.expiration === 'string' ? Date.parse(policy.expiration) : NaN;
  const conditions = conditionsOf(policy);
  if (Number.isNaN(expiration) || !conditions)
    return fail(400, 'InvalidPolicyDocument', 'Invalid Policy: Invalid expiration or conditions.');
  if (Date.now() > expiration)
    return fail(403, 'AccessDenied', 'Invalid according to Policy: Policy expired.');

  // S3 substitutes the uploaded file's name for this placeholder in the key.
  const key = fields.get('key')?.replaceAll(FILENAME_PLACEHOLDER, file.filename ?? '');
  if (!key)
    return fail(400, 'InvalidArgument', "Bucket POST must contain a field named 'key'.", {
      ArgumentName: 'key',
    });
  const fieldValue = (field: string) =>
    field === 'bucket' ? ctx.bucket : field === 'key' ? key : fields.get(field);
  for (const c of conditions) {
    if (c.op === 'range') continue;
    const value = fieldValue(c.field);
    const holds = value !== undefined && (c.op === 'eq' ? value === c.value : value.startsWith(c.value));
    if (!holds)
      return fail(403, 'AccessDenied', `Invalid according to Policy: Policy Condition failed: ${c.text}`);
  }
  const covered = new Set(conditions.flatMap((c) => (c.op === 'range' ? [] : [c.field])));
  const extra = [...fields.keys()].find(
    (f) => !UNCONDITIONED.has(f) && !f.startsWith('x-ignore-') && !covered.has(f),
  );
  if (extra) return fail(403, 'AccessDenied', `Invalid according to Policy: Extra input fields: ${extra}`);
  for (const c of conditions) {
    if (c.op !== 'range') continue;
    if (file.data.length < c.min)
      return fail(400, 'EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed size', {
        ProposedSize: file.data.length,
        MinSizeAllowed: c.min,
      });
    if (file.data.length > c.max)
      return fail(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', {
        ProposedSize: file.data.length,
        MaxSizeAllowed: c.max,
      });
  }
  // The signer's grants: a presigned POST can do only what its signer may do.
  const denial = ctx.policy?.denial(accessKeyId, [
    { action: 's3:PutObject', resource: `${ctx.arns.bucket(ctx.bucket)}/${key}` },
  ]);
  if (denial) return fail(403, 'AccessDenied', denial);

  // Store it through s3rver as a PUT (anonymous: s3rver lets unsigned requests through).
  const headers: Record<string, string | number> = {
    'content-type': fields.get('content-type') ?? 'binary/octet-stream',
    'content-length': file.data.length,
  };
  for (const [name, value] of fields)
    if (
      name.startsWith('x-amz-meta-') ||
      ['cache-control', 'content-disposition', 'content-encoding', 'expires'].includes(name)
    )
      headers[name] = value;
  ctx.posted(ctx.bucket, key);
  const release = await ctx.turns.take(ctx.bucket);
  const stored = await new Promise<{ status: number; etag?: string }>((resolve, reject) => {
    const out = request(
      {
        host: ctx.upstream.hostname,
        port: ctx.upstream.port,
        method: 'PUT',
        path: `/${encodeURIComponent(ctx.bucket)}/${key.split('/').map(encodeURIComponent).join('/')}`,
        headers,
      },
      (answer) => {
        answer.resume();
        answer.on('end', () =>
          resolve({ status: answer.statusCode ?? 502, etag: answer.headers.etag as string | undefined }),
        );
      },
    );
    out.on('error', reject);
    out.end(file.data);
  }).finally(release);
  if (stored.status !== 200)
    return fail(
      Math.max(stored.status, 500),
      'InternalError',
      'We encountered an internal error. Please try again.',
    );
  const location = `${ctx.upstream.protocol}//${req.headers.host}/${ctx.bucket}/${key}`;
  const replyHeaders = { ...cors, etag: stored.etag ?? '', location };
  const status = fields.get('success_action_status');
  if (status === '201') {
    const xml =
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
      `<PostResponse><Location>${xmlEscape(location)}</Location><Bucket>${xmlEscape(ctx.bucket)}</Bucket>` +
      `<Key>${xmlEscape(key)}</Key><ETag>${xmlEscape(stored.etag ?? '')}</ETag></PostResponse>`;
    res.writeHead(201, {
      ...replyHeaders,
      'content-type': 'application/xml',
      'content-length': Buffer.byteLength(xml),
    });
    res.end(xml);
    return;
  }
  res.writeHead(status === '200' ? 200 : 204, { ...replyHeaders, 'content-length': 0 });
  res.end();
}

/** One at a time per key: `take` resolves with the function that lets the next one go. */
class Turns {
  private readonly tails = new Map<string, Promise<void>>();
  async take(key: string): Promise<() => void> {
    const before = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = before.then(() => mine);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    await before;
    return release;
  }
}

// ---------------------------------------------------------------------------------------------
// Event notifications

const eventMatches = (patterns: string[], name: string) =>
  patterns.some((p) =>
    new RegExp(
      `^${p
        .replace(/^s3:/, '')
        .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')}$`,
    ).test(name),
  );

/** S3 URL-encodes keys in event records (a space as `+`). */
const eventKey = (key: string) => encodeURIComponent(key).replace(/%2F/g, '/').replace(/%20/g, '+');

export async function startS3(opts: StartS3Options): Promise<LocalS3> {
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
  const upstream = new URL(`http://127.0.0.1:${address.port}`);
  const arns = opts.policy?.arns ?? arnsFor(opts.region ?? DEFAULT_REGION);
  const region = opts.region ?? arns.region;
  const browserUploads = new Map(opts.buckets.map((b) => [b.name, b.browserUploads]));
  const secretOf = opts.secretOf ?? (() => localCredentials.secretAccessKey);

  const turns = new Turns();
  // Objects the front stored for a POST: their s3rver event (a PUT) is reported as the POST it was.
  const posted = new Set<string>();
  const deliver = (n: S3Notification, event: S3Event) => {
    void (async () => {
      // Asynchronous invocation: S3 does not wait, and Lambda retries a failed event twice.
      for (let attempt = 1; ; attempt++) {
        try {
          await n.deliver(event);
          return;
        } catch (err) {
          if (attempt >= 3) {
            (
              opts.onDeliveryError ??
              ((e) => console.error('[s3] notification failed:', (e as Error).message))
            )(err, event);
            return;
          }
        }
      }
    })();
  };
  server.on('event', (raw: S3Event) => {
    for (const r of raw.Records ?? []) {
      const bucket = r.s3.bucket.name;
      const key = r.s3.object.key;
      let eventName = r.eventName;
      if (eventName === 'ObjectCreated:Put' && posted.delete(`${bucket}/${key}`))
        eventName = 'ObjectCreated:Post';
      for (const n of opts.notifications ?? []) {
        if (n.bucket !== bucket || !eventMatches(n.events, eventName)) continue;
        if ((n.prefix && !key.startsWith(n.prefix)) || (n.suffix && !key.endsWith(n.suffix))) continue;
        const record = {
          eventVersion: '2.1',
          eventSource: 'aws:s3',
          awsRegion: region,
          eventTime: new Date().toISOString(),
          eventName,
          userIdentity: { principalId: 'AWS:LOCAL' },
          requestParameters: { sourceIPAddress: r.requestParameters?.sourceIPAddress ?? '127.0.0.1' },
          responseElements: {
            'x-amz-request-id': randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase(),
            'x-amz-id-2': createHash('sha256').update(key).digest('base64'),
          },
          s3: {
            s3SchemaVersion: '1.0',
            configurationId: n.id ?? 'local-notification',
            bucket: { name: bucket, ownerIdentity: { principalId: 'LOCAL' }, arn: arns.bucket(bucket) },
            object: {
              key: eventKey(key),
              ...(r.s3.object.size !== undefined ? { size: r.s3.object.size } : {}),
              ...(r.s3.object.eTag ? { eTag: r.s3.object.eTag } : {}),
              sequencer: r.s3.object.sequencer,
            },
          },
        } as S3EventRecord;
        deliver(n, { Records: [record] });
      }
    }
  });

  const front = await startFront({
    upstream: upstream.href,
    policy: opts.policy,
    buffered: false,
    // A CORS preflight carries no credentials; s3rver answers it from the bucket's CORS rules.
    requests: (req) => (req.method === 'OPTIONS' ? undefined : [requestOf(req, arns)]),
    async intercept(req, res) {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const [, bucket = '', ...rest] = url.pathname.split('/');
      // s3rver removes a deleted object's emptied folders, racing any write into them at that
      // moment (a 500 for one or the other): writes and deletes of a bucket take turns.
      // (A POST takes its turn only once its body has arrived: a slow phone holds nobody up.)
      if (req.method === 'PUT' || req.method === 'DELETE') {
        const release = await turns.take(decodeURIComponent(bucket));
        res.once('close', release);
      }
      // POST Object: to the bucket itself, multipart (a POST with ?delete or ?uploads is another API).
      if (req.method !== 'POST' || !bucket || rest.join('') !== '' || url.search) return false;
      const name = decodeURIComponent(bucket);
      if (!browserUploads.has(name)) {
        sendError(res, 404, 'NoSuchBucket', 'The specified bucket does not exist', {}, { BucketName: name });
        return true;
      }
      await postObject(req, res, {
        bucket: name,
        browserUploads: browserUploads.get(name) ?? false,
        region,
        arns,
        policy: opts.policy,
        secretOf,
        posted: (b, k) => posted.add(`${b}/${k}`),
        upstream,
        turns,
      });
      return true;
    },
    deny(res, message) {
      sendError(res, 403, 'AccessDenied', message, {});
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
