import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessPolicy } from '../src/iam.ts';
import { arns } from '../src/names.ts';
import { type LocalS3, startS3 } from '../src/s3.ts';

const A = arns();
const policy = new AccessPolicy({
  uploader: [{ actions: ['s3:GetObject', 's3:PutObject'], resources: [`${A.bucket('materials')}/*`] }],
  reader: [{ actions: ['s3:GetObject'], resources: [`${A.bucket('materials')}/*`] }],
});
let s3: LocalS3;
const clients: S3Client[] = [];
const client = (accessKeyId: string) => {
  const c = new S3Client({
    endpoint: s3.endpoint,
    region: 'cn-north-1',
    forcePathStyle: true,
    credentials: { accessKeyId, secretAccessKey: 'x' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 1,
  });
  clients.push(c);
  return c;
};

beforeAll(async () => {
  s3 = await startS3({ buckets: [{ name: 'materials', browserUploads: true }], policy });
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
