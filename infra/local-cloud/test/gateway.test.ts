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

  it('refuses bodies over 10 MB as API Gateway does', async () => {
    const res = await fetch(`${gateway.url}/api/halls/x/cases`, {
      method: 'POST',
      headers: { authorization: 'Bearer good' },
      body: Buffer.alloc(10 * 1024 * 1024 + 1),
    });
    expect(res.status).toBe(413);
  });
});
