/** The house handler wrapper, driven with API Gateway v2 events as the gateway builds them. */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Refusal } from '#domain/refusal.ts';
import { readTokenStatesWith } from '#functions/identity/token-check.ts';
import { api, httpErrors } from '#lib/http.ts';

const handler = api(
  { auth: 'user', body: z.object({ name: z.string().min(2) }) },
  async ({ body, principal }) => ({ status: 201, body: { hello: body.name, roles: principal!.roles } }),
);
const failing = api({ auth: 'public' }, async () => {
  throw new Error('boom');
});
const refusing = api({ auth: 'public' }, async () => {
  throw httpErrors.forbidden();
});
const domainRefusing = api({ auth: 'public' }, async () => {
  throw new Refusal({ code: 'REASON_REQUIRED', message: '不予受理必须说明理由', field: 'reason' });
});
const echoParams = api({ auth: 'public' }, async ({ params }) => ({ body: params }));

function event(opts: {
  body?: string;
  type?: string;
  claims?: Record<string, string>;
}): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: 'POST /x',
    rawPath: '/x',
    rawQueryString: '',
    headers: opts.type ? { 'content-type': opts.type } : {},
    requestContext: {
      http: { method: 'POST' },
      ...(opts.claims ? { authorizer: { jwt: { claims: opts.claims } } } : {}),
    },
    body: opts.body,
    isBase64Encoded: false,
  } as unknown as APIGatewayProxyEventV2;
}

async function run(h: typeof handler, e: APIGatewayProxyEventV2) {
  const res = (await h(e, {} as never)) as APIGatewayProxyStructuredResultV2;
  return { status: res.statusCode, body: JSON.parse(res.body ?? 'null') };
}

const claims = {
  sub: 'u1',
  name: '张三',
  roles: '[applicant agent]',
  iat: String(Math.floor(Date.now() / 1000)),
};
// A live account (the revocation check itself: test/unit/identity-revocation.test.ts).
readTokenStatesWith(async () => ({ status: 'active' }));

describe('api()', () => {
  it('passes a valid request with the principal from string claims', async () => {
    const res = await run(handler, event({ body: '{"name":"张三"}', type: 'application/json', claims }));
    expect(res).toEqual({ status: 201, body: { hello: '张三', roles: ['applicant', 'agent'] } });
  });

  it('answers 401 without claims on a user route', async () => {
    const res = await run(handler, event({ body: '{"name":"张三"}', type: 'application/json' }));
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('UNAUTHENTICATED');
  });

  it.each([
    ['{"name":', 'application/json', 400, 'BAD_JSON'],
    ['name=x', 'text/plain', 415, 'UNSUPPORTED_MEDIA_TYPE'],
    [
      JSON.stringify({ name: 'x'.repeat(70_000) }),
      'application/json; charset=utf-8',
      413,
      'PAYLOAD_TOO_LARGE',
    ],
    ['{"name":"张"}', 'application/json', 400, 'VALIDATION_FAILED'],
    ['{"name":"张三"}', 'application/json; charset=utf-16', 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['{"name":"张三"}', 'application/json; charset="UTF-16LE"', 415, 'UNSUPPORTED_MEDIA_TYPE'],
  ])('refuses %#', async (body, type, status, code) => {
    const res = await run(handler, event({ body, type, claims }));
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(res.body.error.message).toMatch(/[\u4e00-\u9fa5]/);
  });

  it('maps HttpError to its status and anything else to a Chinese 500', async () => {
    expect((await run(refusing, event({}))).status).toBe(403);
    const res = await run(failing, event({}));
    expect(res.status).toBe(500);
    expect(res.body.error).toEqual({ code: 'INTERNAL', message: '系统繁忙，请稍后再试' });
  });

  it('maps a domain refusal to its status once, with the field in details', async () => {
    const res = await run(domainRefusing, event({}));
    expect(res).toEqual({
      status: 422,
      body: {
        error: {
          code: 'REASON_REQUIRED',
          message: '不予受理必须说明理由',
          details: [{ field: 'reason', message: '不予受理必须说明理由' }],
        },
      },
    });
  });

  it('refuses over-long or control-character path parameters with 400, never a 500 from the key', async () => {
    const withParams = (p: Record<string, string>) => ({ ...event({}), pathParameters: p });
    expect(await run(echoParams, withParams({ caseNo: '341602-20260302-000001' }))).toEqual({
      status: 200,
      body: { caseNo: '341602-20260302-000001' },
    });
    for (const bad of ['x'.repeat(1100), 'a\u0000b', '']) {
      const res = await run(echoParams, withParams({ alertId: bad }));
      expect(res.status, bad.slice(0, 10)).toBe(400);
      expect(res.body.error.code).toBe('BAD_PATH');
    }
  });
});
