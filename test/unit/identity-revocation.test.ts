/**
 * Revocation of tokens already issued (functions/identity/revocation.ts): the rule, the cache every
 * Lambda reads the token state through (and what a burst costs in reads), the check in `api()` on
 * every route that needs a token and on no public one, and the grants that let those functions ask.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, describe, expect, it } from 'vitest';
import type { Account } from '#functions/identity/model.ts';
import {
  changeRevokesTokens,
  mintDelayMs,
  REVOCATION_MARGIN_MS,
  sessionEnded,
  TOKEN_STATE_TTL_MS,
  type TokenState,
  TokenStateCache,
  tokenLive,
  validAfter,
} from '#functions/identity/revocation.ts';
import { readTokenStatesWith } from '#functions/identity/token-check.ts';
import { hallResources, platformResources, type StackResources } from '#infra/resources.ts';
import { api } from '#lib/http.ts';
import { principalFromClaims } from '#lib/principal.ts';

const T = 1_760_000_000; // a token time, epoch seconds
const active: TokenState = { status: 'active' };

describe('the rule: a token issued before its account changed is refused', () => {
  it('refuses tokens issued up to the second of tokensValidAfterMs, keeps later ones', () => {
    const state = { ...active, tokensValidAfterMs: T * 1000 + 400 };
    expect(tokenLive({ issuedAt: T - 1 }, state)).toBe(false);
    // The very second of the instant too: a refresh loop must not keep a token alive.
    expect(tokenLive({ issuedAt: T }, state)).toBe(false);
    expect(tokenLive({ issuedAt: T + 1 }, state)).toBe(true);
    expect(tokenLive({ issuedAt: T }, active)).toBe(true);
  });

  it('puts the instant a second after the change; issuers wait it out, and only then', () => {
    const change = T * 1000 + 400;
    const state = { ...active, tokensValidAfterMs: validAfter(change) };
    expect(state.tokensValidAfterMs).toBe(change + REVOCATION_MARGIN_MS);
    // Minting right after the change waits until the second after the instant begins…
    const wait = mintDelayMs(state, change + 10);
    expect(wait).toBe((T + 2) * 1000 - (change + 10));
    expect(tokenLive({ issuedAt: Math.floor((change + 10 + wait) / 1000) }, state)).toBe(true);
    expect(tokenLive({ issuedAt: Math.floor((change + 10 + wait - 1) / 1000) }, state)).toBe(false);
    // …later it does not wait; sessions count at sign-in only; never more than a few seconds.
    expect(mintDelayMs(state, change + 5_000)).toBe(0);
    expect(mintDelayMs(active, change)).toBe(0);
    const reset = { ...active, sessionsValidAfterMs: validAfter(change) };
    expect(mintDelayMs(reset, change)).toBe(0);
    expect(mintDelayMs(reset, change, true)).toBeGreaterThan(1_000);
    expect(mintDelayMs({ ...active, tokensValidAfterMs: change + 3_600_000 }, change)).toBe(3_000);
  });

  it('refuses every token of a disabled or unknown account, and a token without iat', () => {
    expect(tokenLive({ issuedAt: T }, { status: 'disabled' })).toBe(false);
    expect(tokenLive({ issuedAt: T }, undefined)).toBe(false);
    expect(tokenLive({}, active)).toBe(false);
  });

  it('refuses a fresh token of a session begun before sessionsValidAfterMs (Cognito keeps auth_time)', () => {
    const state = { ...active, sessionsValidAfterMs: T * 1000, tokensValidAfterMs: T * 1000 };
    expect(tokenLive({ issuedAt: T + 600, authTime: T - 60 }, state)).toBe(false);
    expect(tokenLive({ issuedAt: T + 600, authTime: T }, state)).toBe(false);
    expect(tokenLive({ issuedAt: T + 600, authTime: T + 1 }, state)).toBe(true);
    // Without auth_time (dev tokens) iat alone decides.
    expect(tokenLive({ issuedAt: T + 600 }, state)).toBe(true);
  });

  it('ends sessions (refresh) of disabled accounts and those begun before a revocation', () => {
    expect(sessionEnded(T, { status: 'disabled' })).toBe(true);
    expect(sessionEnded(T, undefined)).toBe(true);
    expect(sessionEnded(T, { ...active, sessionsValidAfterMs: T * 1000 + 999 })).toBe(true);
    expect(sessionEnded(T + 1, { ...active, sessionsValidAfterMs: T * 1000 + 999 })).toBe(false);
    expect(sessionEnded(T - 1, { ...active, tokensValidAfterMs: T * 1000 })).toBe(false);
  });

  it('reads iat and auth_time as API Gateway hands them over (strings), and ignores junk', () => {
    const p = principalFromClaims({ sub: 's', iat: String(T), auth_time: String(T - 5) });
    expect(p).toMatchObject({ issuedAt: T, authTime: T - 5 });
    expect(principalFromClaims({ sub: 's', iat: T })?.issuedAt).toBe(T);
    for (const junk of ['', '1e9', '-5', '12.5', 'now', '9'.repeat(20)])
      expect(principalFromClaims({ sub: 's', iat: junk })?.issuedAt, junk).toBeUndefined();
  });
});

describe('what revokes tokens', () => {
  const staff: Account = {
    sub: 's',
    username: 'x',
    passwordHash: 'h',
    name: '王',
    roles: ['staff'],
    status: 'active',
    hall: 'qiaocheng',
    dept: 'd1',
    posts: ['受理'],
    createdAt: '2026-01-01T00:00:00Z',
  };
  it('disabling, enabling, and any change of a claim; not a save that changes nothing', () => {
    expect(changeRevokesTokens(staff, { ...staff, status: 'disabled' })).toBe(true);
    expect(changeRevokesTokens({ ...staff, status: 'disabled' }, staff)).toBe(true);
    expect(changeRevokesTokens(staff, { ...staff, posts: ['审查'] })).toBe(true);
    expect(changeRevokesTokens(staff, { ...staff, roles: ['applicant'] })).toBe(true);
    expect(changeRevokesTokens(staff, { ...staff, dept: 'd2' })).toBe(true);
    expect(changeRevokesTokens(staff, { ...staff, updatedAt: '2026-02-01T00:00:00Z' })).toBe(false);
  });
});

describe('TokenStateCache: one read per account per few seconds, whatever the burst', () => {
  function counted(states: Record<string, TokenState> = {}) {
    let now = 1_000_000;
    const asked: string[] = [];
    const cache = new TokenStateCache(
      async (sub) => {
        asked.push(sub);
        await new Promise((r) => setImmediate(r));
        return states[sub] ?? active;
      },
      TOKEN_STATE_TTL_MS,
      100,
      () => now,
    );
    return { cache, asked, tick: (ms: number) => (now += ms) };
  }

  it('a burst of 1,000 requests of one account: one read, shared while in flight', async () => {
    const { cache, asked } = counted();
    const all = await Promise.all(Array.from({ length: 1000 }, () => cache.get('a')));
    expect(asked).toEqual(['a']);
    expect(all.every((s) => s?.status === 'active')).toBe(true);
  });

  it('reads again after the TTL, so a change arrives within it', async () => {
    const states: Record<string, TokenState> = { a: active };
    const { cache, asked, tick } = counted(states);
    await cache.get('a');
    states.a = { status: 'disabled' };
    tick(TOKEN_STATE_TTL_MS - 1);
    expect((await cache.get('a'))?.status).toBe('active');
    tick(1);
    expect((await cache.get('a'))?.status).toBe('disabled');
    expect(asked).toEqual(['a', 'a']);
  });

  it('keeps no failed read, and no more than its bound of accounts', async () => {
    let fail = true;
    const cache = new TokenStateCache(async () => {
      if (fail) throw new Error('throttled');
      return active;
    });
    await expect(cache.get('a')).rejects.toThrow('throttled');
    fail = false;
    expect(await cache.get('a')).toEqual(active);
    expect(cache.reads).toBe(2);

    const { cache: small, asked } = counted();
    for (let i = 0; i < 150; i++) await small.get(`u${i}`);
    await small.get('u149'); // newest: kept
    await small.get('u0'); // oldest: gone
    expect(asked.length).toBe(151);
  });
});

// ---------------------------------------------------------------------------------------------
// The check in api(): every route that needs a token, before the handler runs

function event(claims?: Record<string, string>, body?: string): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: 'POST /x',
    rawPath: '/x',
    rawQueryString: '',
    headers: body ? { 'content-type': 'application/json' } : {},
    requestContext: { http: { method: 'POST' }, ...(claims ? { authorizer: { jwt: { claims } } } : {}) },
    body,
    isBase64Encoded: false,
  } as unknown as APIGatewayProxyEventV2;
}

async function run(h: ReturnType<typeof api>, e: APIGatewayProxyEventV2) {
  const res = (await h(e, {} as never)) as APIGatewayProxyStructuredResultV2;
  return { status: res.statusCode, body: JSON.parse(res.body ?? 'null') };
}

describe('api(): a revoked token does nothing', () => {
  const nowS = Math.floor(Date.now() / 1000);
  const states: Record<string, TokenState> = {
    changed: { status: 'active', tokensValidAfterMs: nowS * 1000 },
    gone: { status: 'disabled', tokensValidAfterMs: nowS * 1000 },
  };
  const reader = async (sub: string) =>
    sub in states ? states[sub] : sub.startsWith('u') ? active : undefined;
  const cache = readTokenStatesWith(reader)!;
  afterAll(() => readTokenStatesWith(undefined));
  let ran = 0;
  const act = api({ auth: 'user' }, async () => {
    ran++;
    return { body: { ok: true } };
  });
  const open = api({ auth: 'public' }, async () => ({ body: { ok: true } }));
  const claims = (sub: string, iat = nowS) => ({ sub, roles: '[staff]', iat: String(iat) });

  it('401 TOKEN_REVOKED in Chinese for a token older than a role change, and for a disabled account', async () => {
    for (const [sub, iat] of [
      ['changed', nowS - 10],
      ['changed', nowS],
      ['gone', nowS + 10],
      ['nobody', nowS],
    ] as const) {
      const res = await run(act, event(claims(sub, iat)));
      expect(res.status, sub).toBe(401);
      expect(res.body.error.code).toBe('TOKEN_REVOKED');
      expect(res.body.error.message).toMatch(/重新登录/);
    }
    expect(ran).toBe(0);
    // The new token of the changed account (refreshed after the change) works.
    expect((await run(act, event(claims('changed', nowS + 1)))).status).toBe(200);
    expect(ran).toBe(1);
  });

  it('public routes never read a token state, with or without a token', async () => {
    const before = cache.reads;
    expect((await run(open, event())).status).toBe(200);
    expect((await run(open, event(claims('gone', nowS - 100)))).status).toBe(200);
    expect(cache.reads).toBe(before);
  });

  it('a burst of 2,000 requests of 40 accounts costs 40 reads (0.02 per request)', async () => {
    const before = cache.reads;
    const replies = await Promise.all(
      Array.from({ length: 2000 }, (_, i) => run(act, event(claims(`u${i % 40}`)))),
    );
    expect(replies.every((r) => r.status === 200)).toBe(true);
    expect(cache.reads - before).toBe(40);
  });
});

describe('grants: every function serving a route that needs a token may read token states', () => {
  it.each([
    ['hall', hallResources],
    ['platform', platformResources],
  ] as [string, StackResources][])('%s stack', (_, resources) => {
    const checking = new Set(resources.routes.filter((r) => r.auth === 'user').map((r) => r.function));
    for (const id of checking) {
      const spec = resources.functions[id];
      expect(spec.tables?.accounts ?? spec.platformTables?.accounts, id).toBeDefined();
    }
  });
});
