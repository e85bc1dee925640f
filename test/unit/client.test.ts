/**
 * The caller's address and the edge check (functions/lib/client.ts), driven through `api()` with API
 * Gateway v2 events. Behind CloudFront the secret comes from the Parameters and Secrets extension;
 * here a small HTTP server answers its API on localhost (there is no emulator of the extension), the
 * way the extension does: the session token header is required and AWSPREVIOUS may be absent.
 */
import { createServer, type Server } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  cameThroughEdge,
  clientIp,
  ORIGIN_SECRET_ENV,
  ORIGIN_VERIFY_HEADER,
  originSecrets,
  viewerAddress,
} from '#lib/client.ts';
import { api } from '#lib/http.ts';

const SECRET_ARN = 'arn:aws:secretsmanager:ap-east-1:123456789012:secret:OriginVerifySecret-AbCdEf';
const SESSION = 'session-token-of-the-function';
let stages: Record<string, string> = {};
let extensionCalls = 0;
let extension: Server;

beforeAll(async () => {
  extension = createServer((req, res) => {
    extensionCalls++;
    const url = new URL(req.url ?? '/', 'http://localhost');
    const value = stages[url.searchParams.get('versionStage') ?? 'AWSCURRENT'];
    if (req.headers['x-aws-parameters-secrets-token'] !== SESSION) res.writeHead(401).end();
    else if (url.pathname !== '/secretsmanager/get' || url.searchParams.get('secretId') !== SECRET_ARN)
      res.writeHead(400).end();
    else if (!value) res.writeHead(400).end('ResourceNotFoundException');
    else
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ SecretString: value }));
  });
  await new Promise<void>((resolve) => extension.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  await new Promise((resolve) => extension.close(resolve));
});

/** Behind CloudFront: the stack's variable, the extension's port, the function's session token. */
function behindCloudFront() {
  vi.stubEnv(ORIGIN_SECRET_ENV, SECRET_ARN);
  vi.stubEnv(
    'PARAMETERS_SECRETS_EXTENSION_HTTP_PORT',
    String((extension.address() as { port: number }).port),
  );
  vi.stubEnv('AWS_SESSION_TOKEN', SESSION);
}

afterEach(() => {
  vi.unstubAllEnvs();
  vi.useRealTimers();
  originSecrets.reset();
  stages = {};
});

const seen: (string | undefined)[] = [];
const handler = api({ auth: 'public' }, async ({ event }) => {
  seen.push(clientIp(event));
  return { body: { ip: clientIp(event) ?? null } };
});

function event(headers: Record<string, string> = {}, sourceIp = '130.176.0.9'): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: 'GET /api/halls',
    rawPath: '/api/halls',
    rawQueryString: '',
    headers,
    requestContext: { http: { method: 'GET', sourceIp } },
    isBase64Encoded: false,
  } as unknown as APIGatewayProxyEventV2;
}

async function run(e: APIGatewayProxyEventV2) {
  const res = (await handler(e, {} as never)) as APIGatewayProxyStructuredResultV2;
  return { status: res.statusCode, body: JSON.parse(res.body ?? 'null') };
}

describe('locally (the gateway is the edge)', () => {
  it('admits every request and takes sourceIp as the client, whatever headers claim', async () => {
    const res = await run(event({ 'cloudfront-viewer-address': '203.0.113.7:443' }, '127.0.0.11'));
    expect(res).toEqual({ status: 200, body: { ip: '127.0.0.11' } });
    expect(extensionCalls).toBe(0);
  });
});

describe('behind CloudFront', () => {
  it('a request without the origin header (straight to execute-api) is refused with a stable code in Chinese', async () => {
    behindCloudFront();
    stages = { AWSCURRENT: 'current-secret' };
    const before = seen.length;
    const res = await run(event({ 'cloudfront-viewer-address': '203.0.113.7:443' }));
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('NOT_THROUGH_PORTAL');
    expect(res.body.error.message).toMatch(/[\u4e00-\u9fa5]/);
    expect(seen.length, 'the handler never ran').toBe(before);
  });

  it('a wrong secret is refused, and is not believed about the address', async () => {
    behindCloudFront();
    stages = { AWSCURRENT: 'current-secret' };
    const e = event({ [ORIGIN_VERIFY_HEADER]: 'guess', 'cloudfront-viewer-address': '203.0.113.7:443' });
    expect((await run(e)).status).toBe(403);
    expect(clientIp(e)).toBeUndefined();
  });

  it('the right secret is admitted, and the client is CloudFront-Viewer-Address, not the edge node', async () => {
    behindCloudFront();
    stages = { AWSCURRENT: 'current-secret' };
    const v4 = await run(
      event({ [ORIGIN_VERIFY_HEADER]: 'current-secret', 'cloudfront-viewer-address': '203.0.113.7:46532' }),
    );
    expect(v4).toEqual({ status: 200, body: { ip: '203.0.113.7' } });
    const v6 = await run(
      event({
        [ORIGIN_VERIFY_HEADER]: 'current-secret',
        'cloudfront-viewer-address': '2001:db8::8a2e:370:7334:443',
      }),
    );
    expect(v6.body.ip).toBe('2001:db8::8a2e:370:7334');
    // Without the header there is no address to believe (never the edge's sourceIp).
    const none = await run(event({ [ORIGIN_VERIFY_HEADER]: 'current-secret' }));
    expect(none).toEqual({ status: 200, body: { ip: null } });
  });

  it('reads the secret once a minute, not per request', async () => {
    behindCloudFront();
    stages = { AWSCURRENT: 'current-secret' };
    const before = extensionCalls;
    for (let i = 0; i < 5; i++)
      expect((await run(event({ [ORIGIN_VERIFY_HEADER]: 'current-secret' }))).status).toBe(200);
    // AWSCURRENT, AWSPREVIOUS, AWSPENDING: one read of each.
    expect(extensionCalls - before).toBe(3);
  });

  it('during a rotation both values pass; a new value is picked up within 30 s of its first use', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    behindCloudFront();
    stages = { AWSCURRENT: 'old-secret' };
    expect((await run(event({ [ORIGIN_VERIFY_HEADER]: 'old-secret' }))).status).toBe(200);
    // put-secret-value: the old value becomes AWSPREVIOUS.
    stages = { AWSCURRENT: 'new-secret', AWSPREVIOUS: 'old-secret' };
    // Within 30 s of the last read an unknown value is refused without asking again…
    vi.advanceTimersByTime(10_000);
    expect((await run(event({ [ORIGIN_VERIFY_HEADER]: 'new-secret' }))).status).toBe(403);
    // …after that it is looked up once more, and both values pass.
    vi.advanceTimersByTime(25_000);
    expect((await run(event({ [ORIGIN_VERIFY_HEADER]: 'new-secret' }))).status).toBe(200);
    expect((await run(event({ [ORIGIN_VERIFY_HEADER]: 'old-secret' }))).status).toBe(200);
  });

  it('cameThroughEdge compares in constant time whatever the length', async () => {
    behindCloudFront();
    stages = { AWSCURRENT: 'current-secret' };
    for (const sent of ['', 'c', 'current-secre', 'current-secret-', 'x'.repeat(5000)])
      expect(await cameThroughEdge(event({ [ORIGIN_VERIFY_HEADER]: sent }))).toBe(false);
  });
});

describe('viewerAddress', () => {
  it('strips the port of IPv4 and unbracketed IPv6 values and refuses anything else', () => {
    expect(viewerAddress('198.51.100.10:46532')).toBe('198.51.100.10');
    expect(viewerAddress('2001:0db8:85a3:0000:0000:8a2e:0370:7334:443')).toBe(
      '2001:0db8:85a3:0000:0000:8a2e:0370:7334',
    );
    for (const bad of [
      undefined,
      '',
      '198.51.100.10',
      ':443',
      'evil.example:443',
      '1.2.3.4:port',
      '1.2.3.4; drop:1',
    ])
      expect(viewerAddress(bad), String(bad)).toBeUndefined();
  });
});
