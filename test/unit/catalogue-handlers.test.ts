/** The catalogue handlers with the table read replaced by the seed catalogue (the index is the real one). */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { buildIndex } from '#functions/catalogue/search/index.ts';
import { loadSeedCatalogue } from '#functions/catalogue/store.ts';
import { readTokenStatesWith } from '#functions/identity/token-check.ts';

const seed = loadSeedCatalogue();
const index = buildIndex(seed);
vi.mock('#functions/catalogue/runtime.ts', () => ({
  catalogueIndex: async () => index,
  currentCatalogue: async () => seed,
}));

const { handler: search } = await import('#functions/catalogue/search.ts');
const { handler: suggest } = await import('#functions/catalogue/suggest.ts');
const { handler: item } = await import('#functions/catalogue/item.ts');
const { handler: departments } = await import('#functions/catalogue/departments.ts');
const { handler: halls } = await import('#functions/catalogue/halls.ts');
const { handler: importer } = await import('#functions/catalogue/import.ts');

function event(opts: {
  query?: Record<string, string>;
  params?: Record<string, string>;
  body?: string;
  type?: string;
  claims?: Record<string, string>;
}): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: 'GET /x',
    rawPath: '/x',
    rawQueryString: '',
    headers: opts.type ? { 'content-type': opts.type } : {},
    queryStringParameters: opts.query,
    pathParameters: opts.params,
    requestContext: {
      http: { method: 'GET' },
      ...(opts.claims ? { authorizer: { jwt: { claims: opts.claims } } } : {}),
    },
    body: opts.body,
    isBase64Encoded: false,
  } as unknown as APIGatewayProxyEventV2;
}

type H = (e: APIGatewayProxyEventV2, c: never) => Promise<unknown>;
async function run(h: H, e: APIGatewayProxyEventV2) {
  const res = (await h(e, {} as never)) as APIGatewayProxyStructuredResultV2;
  return { status: res.statusCode, body: JSON.parse(res.body ?? 'null') };
}

describe('GET /api/items', () => {
  it('answers { total, items: [{ code, name, … }] } by relevance', async () => {
    const r = await run(search as H, event({ query: { q: '身份证丢了', limit: '3' } }));
    expect(r.status).toBe(200);
    expect(r.body.total).toBeGreaterThan(0);
    expect(r.body.items).toHaveLength(3);
    expect(r.body.items[0]).toMatchObject({
      name: '居民身份证补领',
      code: expect.any(String),
      deptName: expect.stringContaining('公安'),
    });
    expect(Object.keys(r.body.items[0])).toEqual(
      expect.arrayContaining([
        'code',
        'name',
        'type',
        'hallId',
        'deptCode',
        'level',
        'audience',
        'themes',
        'onlineDepth',
        'visits',
        'promisedDays',
        'legalDays',
        'caseKind',
      ]),
    );
  });
  it('suggests alternatives when nothing matches', async () => {
    const r = await run(search as H, event({ query: { q: '火星签证' } }));
    expect(r.body.total).toBe(0);
    expect(r.body.suggestions.length).toBeGreaterThan(0);
  });
  it.each([
    [{ q: 'x'.repeat(101) }],
    [{ level: 'planet' }],
    [{ audience: 'alien' }],
    [{ theme: '不存在的主题' }],
    [{ limit: '51' }],
    [{ limit: 'ten' }],
    [{ offset: '-1' }],
    [{ onlineDepth: '5' }],
    [{ hallId: '../etc' }],
  ])('malformed %o → 400 with a Chinese message', async (query) => {
    const r = await run(search as H, event({ query }));
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('VALIDATION_FAILED');
    expect(r.body.error.details[0].message).toMatch(/[\u4e00-\u9fa5]/);
  });
});

describe('other read routes', () => {
  it('suggest, item, departments, halls', async () => {
    const s = await run(suggest as H, event({ query: { q: 'jieh' } }));
    expect(s.body.suggestions[0]).toMatchObject({ name: '结婚登记', code: expect.any(String) });
    const code = seed.items.find((i) => i.processTemplate === 'joint')?.code as string;
    const it0 = await run(item as H, event({ params: { code } }));
    expect(it0.status).toBe(200);
    expect(it0.body.item.code).toBe(code);
    expect(it0.body.department.code).toBe(it0.body.item.deptCode);
    expect(it0.body.steps.length).toBeGreaterThan(1);
    // The forms as data: the application form the item names, the templates its materials name.
    expect(it0.body.applicationForm.id).toBe(it0.body.item.applicationForm);
    expect(it0.body.applicationForm.fields.length).toBeGreaterThan(3);
    const named = it0.body.item.materials
      .map((m: { formTemplate?: string }) => m.formTemplate)
      .filter(Boolean);
    expect(Object.keys(it0.body.formTemplates).sort()).toEqual([...new Set(named)].sort());
    expect((await run(item as H, event({ params: { code: 'NOPE' } }))).status).toBe(404);
    const d = await run(departments as H, event({ query: { hallId: 'lixin' } }));
    expect(d.body.departments.length).toBeGreaterThan(10);
    expect(d.body.departments.every((x: { hallId: string }) => x.hallId === 'lixin')).toBe(true);
    const h = await run(halls as H, event({}));
    expect(h.body.halls).toHaveLength(6);
    expect(h.body.halls[0]).toMatchObject({ id: 'city', code: '341600', itemCount: expect.any(Number) });
  });
});

describe('POST /api/catalogue/import (refusals before any table access)', () => {
  // Tokens of live accounts (the revocation check's read is functions/identity/token-check.ts).
  readTokenStatesWith(async () => ({ status: 'active' }));
  const iat = String(Math.floor(Date.now() / 1000));
  it('needs a login and the operator role', async () => {
    expect((await run(importer as H, event({ body: '{}', type: 'application/json' }))).status).toBe(401);
    const staff = { sub: 's1', roles: '[staff]', iat };
    const r = await run(importer as H, event({ body: '{}', type: 'application/json', claims: staff }));
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('FORBIDDEN');
  });
  it('refuses other content types, empty bodies and bad JSON', async () => {
    const op = { sub: 'o1', roles: '[operator]', iat };
    expect((await run(importer as H, event({ body: 'x', type: 'text/plain', claims: op }))).status).toBe(415);
    expect((await run(importer as H, event({ claims: op, type: 'text/csv' }))).status).toBe(400);
    expect(
      (await run(importer as H, event({ body: '{', type: 'application/json', claims: op }))).status,
    ).toBe(400);
  });
  it('refuses a confirmRemovals that is not a whole number, in the body or the query', async () => {
    const op = { sub: 'o1', roles: '[operator]', iat };
    for (const confirmRemovals of [-1, 1.5, '12', null, { n: 1 }]) {
      const body = JSON.stringify({ items: [], confirmRemovals });
      const r = await run(importer as H, event({ body, type: 'application/json', claims: op }));
      expect(r.status, JSON.stringify(confirmRemovals)).toBe(400);
      expect(r.body.error).toMatchObject({
        code: 'VALIDATION_FAILED',
        details: [{ field: 'confirmRemovals' }],
      });
    }
    const csv = event({
      body: '事项编码\n',
      type: 'text/csv',
      claims: op,
      query: { confirmRemovals: 'all' },
    });
    expect((await run(importer as H, csv)).status).toBe(400);
  });
});
