import { join } from 'node:path';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway } from '../src/gateway.ts';

const events: { name: string; event: APIGatewayProxyEventV2 }[] = [];
let gateway: Awaited<ReturnType<typeof startGateway>>;
let custom: Awaited<ReturnType<typeof startGateway>>;

const options = {
  port: 0,
  routes: [
    { method: 'GET', path: '/api/items/{code}', functionName: 'getItem', auth: 'none' as const },
    { method: 'POST', path: '/api/halls/x/cases', functionName: 'fileCase', auth: 'jwt' as const },
  ],
  invoke: async (name: string, event: APIGatewayProxyEventV2) => {
    events.push({ name, event });
    if (name === 'getItem') return { code: event.pathParameters?.code };
    return {
      statusCode: 201,
      headers: { 'content-type': 'application/json' },
      body: '{"ok":true}',
      cookies: ['a=1'],
    };
  },
  verifyToken: async (token: string) => {
    if (token !== 'good') throw new Error('bad token');
    return { sub: 'u1', roles: ['staff', 'operator'], exp: 2 };
  },
  staticDir: join(import.meta.dirname, 'fixtures/site'),
};

beforeAll(async () => {
  gateway = await startGateway(options);
  custom = await startGateway({
    ...options,
    apiPrefix: '/v1',
    routes: [],
    errorBody: (error, status) => ({ error: { code: error, status } }),
  });
});
afterAll(async () => {
  await gateway.stop();
  await custom.stop();
});

describe('the HTTP gateway', () => {
  it('builds payload 2.0 events with path parameters and query strings; a plain value is 200 JSON', async () => {
    const res = await fetch(`${gateway.url}/api/items/%E5%B1%85%E6%B0%91?q=1&q=2`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ code: '居民' });
    const { name, event } = events.at(-1)!;
    expect(name).toBe('getItem');
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'GET /api/items/{code}',
      rawPath: '/api/items/%E5%B1%85%E6%B0%91',
      queryStringParameters: { q: '1,2' },
      requestContext: { accountId: '000000000000', stage: '$default', http: { method: 'GET' } },
    });
  });

  it('answers a malformed percent-escape in a path parameter with 400, before the token', async () => {
    const res = await fetch(`${gateway.url}/api/items/%E4%B8`);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ message: 'Bad Request' });
  });

  it('applies the JWT authorizer: no token 401, a bad one 401, claims as strings', async () => {
    const url = `${gateway.url}/api/halls/x/cases`;
    const none = await fetch(url, { method: 'POST', body: '{}' });
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({ message: 'Unauthorized' });
    expect((await fetch(url, { method: 'POST', headers: { authorization: 'Bearer bad' } })).status).toBe(401);
    const ok = await fetch(url, {
      method: 'POST',
      headers: { authorization: 'Bearer good', 'content-type': 'application/json' },
      body: '{"a":1}',
    });
    expect(ok.status).toBe(201);
    expect(ok.headers.get('set-cookie')).toBe('a=1');
    const { event } = events.at(-1)!;
    const context = event.requestContext as unknown as { authorizer: { jwt: { claims: unknown } } };
    expect(context.authorizer.jwt.claims).toEqual({
      sub: 'u1',
      roles: '[staff operator]',
      exp: '2',
    });
    expect(event.body).toBe('{"a":1}');
    expect(event.isBase64Encoded).toBe(false);
  });

  it('serves the static site outside the API prefix, and answers unknown routes with its error body', async () => {
    expect(await (await fetch(`${gateway.url}/docs/`)).text()).toContain('<title>docs</title>');
    const missing = await fetch(`${gateway.url}/nothing/here`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('<title>missing</title>');
    const route = await fetch(`${gateway.url}/api/nothing`);
    expect(route.status).toBe(404);
    expect(await route.json()).toEqual({ message: 'Not Found' });
    const custom404 = await fetch(`${custom.url}/v1/nothing`);
    expect(await custom404.json()).toEqual({ error: { code: 'route-not-found', status: 404 } });
    expect((await fetch(`${custom.url}/api/items/x`)).status).toBe(404); // /api is not the API here
  });

  it('compresses text of 1,000 bytes or more as CloudFront does: br, else gzip, else plain', async () => {
    const plain = await (
      await fetch(`${gateway.url}/guide.html`, { headers: { 'accept-encoding': 'identity' } })
    ).text();
    expect(plain.length).toBeGreaterThan(1000);
    for (const [accept, encoding] of [
      ['gzip, deflate, br', 'br'],
      ['gzip', 'gzip'],
      ['br;q=0, gzip', 'gzip'],
      ['identity', null],
    ] as const) {
      // fetch decodes br and gzip itself: the header says what travelled, the text that it decoded right.
      const res = await fetch(`${gateway.url}/guide.html`, { headers: { 'accept-encoding': accept } });
      expect(res.headers.get('content-encoding'), accept).toBe(encoding);
      expect(res.headers.get('vary')).toBe('accept-encoding');
      expect(await res.text()).toBe(plain);
    }
    // Too small to be worth it (CloudFront's floor is 1,000 bytes).
    const small = await fetch(`${gateway.url}/docs/`, { headers: { 'accept-encoding': 'br' } });
    expect(small.headers.get('content-encoding')).toBeNull();
  });

  it('refuses bodies over 10 MB as API Gateway does', async () => {
    const res = await fetch(`${gateway.url}/api/halls/x/cases`, {
      method: 'POST',
      headers: { authorization: 'Bearer good' },
      body: Buffer.alloc(10 * 1024 * 1024 + 1),
    });
    expect(res.status).toBe(413);
  });
});

describe('the gateway as an edge', () => {
  it('listens on 127.0.0.1 unless told otherwise', async () => {
    expect(gateway.server.address()).toMatchObject({ address: '127.0.0.1' });
    const other = await startGateway({ ...options, host: '127.0.0.2' });
    try {
      expect(other.server.address()).toMatchObject({ address: '127.0.0.2' });
    } finally {
      await other.stop();
    }
  });

  it('adds the response headers given for a path to pages, API answers and its own refusals', async () => {
    const edge = await startGateway({
      ...options,
      responseHeaders: (path): Record<string, string> =>
        path.startsWith('/api/')
          ? {
              'content-security-policy': "default-src 'none'",
              'x-content-type-options': 'nosniff',
              'cache-control': 'public',
            }
          : { 'content-security-policy': "default-src 'self'", 'x-content-type-options': 'nosniff' },
    });
    try {
      const page = await fetch(`${edge.url}/docs/`);
      expect(page.headers.get('content-security-policy')).toBe("default-src 'self'");
      const missing = await fetch(`${edge.url}/nothing/here`);
      expect(missing.status).toBe(404);
      expect(missing.headers.get('content-security-policy')).toBe("default-src 'self'");
      const item = await fetch(`${edge.url}/api/items/x`);
      expect(item.headers.get('content-security-policy')).toBe("default-src 'none'");
      const refused = await fetch(`${edge.url}/api/halls/x/cases`, { method: 'POST' });
      expect(refused.status).toBe(401);
      expect(refused.headers.get('x-content-type-options')).toBe('nosniff');
      // A response's own header of the same name wins (the refusal's cache-control).
      expect(refused.headers.get('cache-control')).toBe('no-store');
      const filed = await fetch(`${edge.url}/api/halls/x/cases`, {
        method: 'POST',
        headers: { authorization: 'Bearer good' },
      });
      expect(filed.status).toBe(201);
      expect(filed.headers.get('content-security-policy')).toBe("default-src 'none'");
    } finally {
      await edge.stop();
    }
  });
});
