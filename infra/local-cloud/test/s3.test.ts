import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { S3Event } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessPolicy } from '../src/iam.ts';
import { arns } from '../src/names.ts';
import { type LocalS3, postPolicySignature, startS3 } from '../src/s3.ts';

const A = arns();
const policy = new AccessPolicy({
  uploader: [{ actions: ['s3:GetObject', 's3:PutObject'], resources: [`${A.bucket('materials')}/*`] }],
  reader: [{ actions: ['s3:GetObject'], resources: [`${A.bucket('materials')}/*`] }],
});
let s3: LocalS3;
const clients: S3Client[] = [];
/** Events the notification delivered, and those waiting for one. */
const events: S3Event[] = [];
const waiting: { match: (e: S3Event) => boolean; resolve: (e: S3Event) => void }[] = [];
let failNext = 0;
const nextEvent = (key: string) =>
  new Promise<S3Event>((resolve) => {
    const match = (e: S3Event) => e.Records[0].s3.object.key === key;
    const seen = events.find(match);
    if (seen) resolve(seen);
    else waiting.push({ match, resolve });
  });
const client = (accessKeyId: string, secretAccessKey = 'local') => {
  const c = new S3Client({
    endpoint: s3.endpoint,
    region: 'cn-north-1',
    forcePathStyle: true,
    credentials: { accessKeyId, secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 1,
  });
  clients.push(c);
  return c;
};

beforeAll(async () => {
  s3 = await startS3({
    buckets: [{ name: 'materials', browserUploads: true }],
    policy,
    notifications: [
      {
        bucket: 'materials',
        events: ['s3:ObjectCreated:*'],
        prefix: 'incoming/',
        id: 'verify',
        async deliver(event) {
          // A handler that fails is invoked again (twice), as S3's asynchronous invocation does.
          if (failNext > 0) {
            failNext--;
            throw new Error('handler failed');
          }
          events.push(event);
          for (const w of waiting.filter((w) => w.match(event))) w.resolve(event);
        },
      },
    ],
  });
});
afterAll(async () => {
  for (const c of clients) c.destroy();
  await s3?.stop();
});

describe('S3 on s3rver behind the front', () => {
  it('takes any access key (s3rver alone knows only its own) and stores bodies intact', async () => {
    const body = '申请材料 ✓'.repeat(1000);
    await client('local').send(new PutObjectCommand({ Bucket: 'materials', Key: 'a/b.txt', Body: body }));
    const got = await client('whoever').send(new GetObjectCommand({ Bucket: 'materials', Key: 'a/b.txt' }));
    expect(await got.Body?.transformToString()).toBe(body);
  });

  it("checks a governed caller's grants: AccessDenied (403) on what it may not do", async () => {
    await client('uploader').send(new PutObjectCommand({ Bucket: 'materials', Key: 'u.txt', Body: 'x' }));
    const got = await client('reader').send(new GetObjectCommand({ Bucket: 'materials', Key: 'u.txt' }));
    expect(await got.Body?.transformToString()).toBe('x');
    const denied = await client('reader')
      .send(new PutObjectCommand({ Bucket: 'materials', Key: 'r.txt', Body: 'x' }))
      .catch((e) => e);
    expect(denied.name).toBe('AccessDenied');
    expect(denied.$metadata.httpStatusCode).toBe(403);
  });

  it('serves presigned browser uploads with CORS, checked against the signer', async () => {
    const put = await getSignedUrl(
      client('uploader'),
      new PutObjectCommand({ Bucket: 'materials', Key: 'upload.pdf', ContentType: 'application/pdf' }),
      { expiresIn: 300 },
    );
    const preflight = await fetch(put, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://127.0.0.1:3000',
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(preflight.status).toBe(200);
    expect(preflight.headers.get('access-control-allow-origin')).toBeTruthy();
    const uploaded = await fetch(put, {
      method: 'PUT',
      headers: { 'content-type': 'application/pdf', origin: 'http://127.0.0.1:3000' },
      body: '%PDF-1.4',
    });
    expect(uploaded.status).toBe(200);
    const readerUrl = await getSignedUrl(
      client('reader'),
      new PutObjectCommand({ Bucket: 'materials', Key: 'sneaky.pdf' }),
      { expiresIn: 300 },
    );
    expect((await fetch(readerUrl, { method: 'PUT', body: 'x' })).status).toBe(403);
    const get = await getSignedUrl(
      client('reader'),
      new GetObjectCommand({ Bucket: 'materials', Key: 'upload.pdf' }),
    );
    expect(await (await fetch(get)).text()).toBe('%PDF-1.4');
  });
});

describe('presigned POST (browser-based upload), its policy enforced as S3 does', () => {
  const pdf = '%PDF-1.4 a small document';
  const presign = (
    key: string,
    opts: { max?: number; type?: string; signer?: string; expires?: number } = {},
  ) =>
    createPresignedPost(client(opts.signer ?? 'uploader'), {
      Bucket: 'materials',
      Key: key,
      Conditions: [
        ['content-length-range', 1, opts.max ?? 1000],
        ['eq', '$Content-Type', opts.type ?? 'application/pdf'],
      ],
      Fields: { 'Content-Type': opts.type ?? 'application/pdf' },
      Expires: opts.expires ?? 300,
    });
  const post = async (
    url: string,
    fields: Record<string, string>,
    body: string = pdf,
    headers: Record<string, string> = {},
  ) => {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    form.append('file', new Blob([body]), 'x.pdf');
    const res = await fetch(url, { method: 'POST', body: form, headers });
    return { status: res.status, text: await res.text(), headers: res.headers };
  };
  const exists = (key: string) =>
    client('local')
      .send(new HeadObjectCommand({ Bucket: 'materials', Key: key }))
      .then(
        () => true,
        () => false,
      );

  it('stores the file under the policy key and notifies ObjectCreated:Post in the S3 event shape', async () => {
    const { url, fields } = await presign('incoming/d1/s1/u1');
    const res = await post(url, fields, pdf, { origin: 'http://127.0.0.1:3000' });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const got = await client('reader').send(
      new GetObjectCommand({ Bucket: 'materials', Key: 'incoming/d1/s1/u1' }),
    );
    expect(got.ContentType).toBe('application/pdf');
    expect(await got.Body?.transformToString()).toBe(pdf);
    const event = await nextEvent('incoming/d1/s1/u1');
    expect(event.Records).toHaveLength(1);
    expect(event.Records[0]).toMatchObject({
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: 'cn-north-1',
      eventName: 'ObjectCreated:Post',
      s3: {
        configurationId: 'verify',
        bucket: { name: 'materials', arn: A.bucket('materials') },
        object: { key: 'incoming/d1/s1/u1', size: pdf.length },
      },
    });
  });

  it('a CORS preflight for POST is allowed', async () => {
    const { url } = await presign('incoming/d1/s1/pre');
    const preflight = await fetch(url, {
      method: 'OPTIONS',
      headers: { origin: 'http://127.0.0.1:3000', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(200);
  });

  it('refuses another key (another slot or case), another type, a size out of range, extra fields', async () => {
    const { url, fields } = await presign('incoming/d2/s1/u1', { max: 20 });
    const refusals = [
      [{ ...fields, key: 'incoming/d2/s2/u1' }, pdf.slice(0, 10), 403, 'Policy Condition failed'],
      [{ ...fields, key: 'incoming/d9/s1/u1' }, pdf.slice(0, 10), 403, 'Policy Condition failed'],
      [{ ...fields, 'Content-Type': 'text/html' }, pdf.slice(0, 10), 403, 'Policy Condition failed'],
      [{ ...fields, 'x-amz-meta-owner': 'someone' }, pdf.slice(0, 10), 403, 'Extra input fields'],
      [fields, 'x'.repeat(21), 400, 'EntityTooLarge'],
      [fields, '', 400, 'EntityTooSmall'],
    ] as const;
    for (const [f, body, status, words] of refusals) {
      const res = await post(url, f, body);
      expect(res.status, words).toBe(status);
      expect(res.text).toContain(words);
    }
    for (const key of ['incoming/d2/s1/u1', 'incoming/d2/s2/u1', 'incoming/d9/s1/u1'])
      expect(await exists(key)).toBe(false);
  });

  it('refuses a changed policy, a wrong signature, an expired policy, no policy, and a signer without the grant', async () => {
    const { url, fields } = await presign('incoming/d3/s1/u1');
    const policy = JSON.parse(Buffer.from(fields.Policy, 'base64').toString());
    policy.conditions[0] = ['content-length-range', 1, 10_000_000];
    const widened = Buffer.from(JSON.stringify(policy)).toString('base64');
    expect((await post(url, { ...fields, Policy: widened })).text).toContain('SignatureDoesNotMatch');
    expect((await post(url, { ...fields, 'X-Amz-Signature': '0'.repeat(64) })).status).toBe(403);

    // Expired: a policy whose expiration has passed, correctly signed by the same key.
    policy.conditions[0] = ['content-length-range', 1, 1000];
    policy.expiration = new Date(Date.now() - 1000).toISOString();
    const expired = Buffer.from(JSON.stringify(policy)).toString('base64');
    const [, date, region] = fields['X-Amz-Credential'].split('/');
    const signature = postPolicySignature('local', { date, region }, expired);
    const late = await post(url, { ...fields, Policy: expired, 'X-Amz-Signature': signature });
    expect(late.status).toBe(403);
    expect(late.text).toContain('Policy expired');

    const { Policy: _p, 'X-Amz-Signature': _s, ...anonymous } = fields;
    expect((await post(url, anonymous)).status).toBe(403);

    const byReader = await presign('incoming/d3/s1/u2', { signer: 'reader' });
    const denied = await post(byReader.url, byReader.fields);
    expect(denied.status).toBe(403);
    expect(denied.text).toContain('not authorized to perform: s3:PutObject');
    for (const key of ['incoming/d3/s1/u1', 'incoming/d3/s1/u2']) expect(await exists(key)).toBe(false);
  });

  it('retries a failing notification handler twice, as asynchronous invocation does', async () => {
    failNext = 2;
    await client('local').send(new PutObjectCommand({ Bucket: 'materials', Key: 'other/x.txt', Body: 'x' }));
    await client('local').send(
      new PutObjectCommand({ Bucket: 'materials', Key: 'incoming/retry', Body: 'x' }),
    );
    const event = await nextEvent('incoming/retry');
    expect(event.Records[0].eventName).toBe('ObjectCreated:Put');
    expect(failNext).toBe(0);
    // Only the configured prefix is announced.
    expect(events.some((e) => e.Records[0].s3.object.key.startsWith('other/'))).toBe(false);
  });
});
