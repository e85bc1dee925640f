/**
 * Accounts and credentials under attack, against DynamoDB Local (started here, in memory, on a
 * free port; needs Java 17+), with the use cases called directly and a fake SMS sender, so time and
 * addresses are ours to choose:
 * - sliding-window counters hold under parallel hits;
 * - an SMS code is tried at most 5 times whatever arrives at once, and the right code racing a
 *   burst never gets a 409;
 * - registration needs the code sent to the registry's phone; the owner reclaims an identity
 *   someone else registered; password reset by SMS;
 * - password sign-in locks per account × address with backoff, never the owner elsewhere, and the
 *   owner gets in by SMS code while locked; sprays are audited;
 * - mandate codes and mandate requests are limited per agent and per person.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  ensureTables,
  type LocalDynamo,
  localCredentials,
  startDynamo,
} from '@online-hall/local-cloud/dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { residentIdCheckChar } from '#domain/ids.ts';
import { authenticate, authenticateWithCode } from '#functions/identity/login.ts';
import type { Account } from '#functions/identity/model.ts';
import { DEMO_COST, hashPassword } from '#functions/identity/password.ts';
import {
  type Context,
  confirmMandate,
  registerPerson,
  requestMandate,
  resetPassword,
  sendCode,
} from '#functions/identity/service.ts';
import { AccountStore } from '#functions/identity/store.ts';
import { platformResources } from '#infra/resources.ts';
import { HttpError } from '#lib/http.ts';
import type { Principal } from '#lib/principal.ts';

const TABLE = 'accounts-limits-test';
let local: LocalDynamo;
let raw: DynamoDBClient;
let store: AccountStore;

/** Made-up registry people of this file only (checksums computed). */
const id = (first17: string) => first17 + residentIdCheckChar(first17);
const people = Array.from({ length: 12 }, (_, i) => ({
  idNumber: id(`3416021980010${String(100 + i).padStart(4, '0')}`),
  name: ['甲一', '乙二', '丙三', '丁四', '戊五', '己六', '庚七', '辛八', '壬九', '癸十', '子丑', '寅卯'][i],
  phone: `1356666${String(i).padStart(4, '0')}`,
}));

const T0 = Date.UTC(2026, 2, 2, 1, 0, 0);
let clock = T0;
const ctx = (ip = '10.1.0.1', now = clock): Context => ({ store, now, ip });

/** The fake SMS gateway: the last message per phone. */
const outbox: { phone: string; message: string }[] = [];
const sms = async (phone: string, message: string) => {
  outbox.push({ phone, message });
};
const lastCode = (phone: string) => {
  const m = [...outbox].reverse().find((s) => s.phone === phone && /验证码 \d{6}/.test(s.message));
  return /验证码 (\d{6})/.exec(m?.message ?? '')?.[1] ?? '';
};
const wrong = (code: string) => (code === '000000' ? '111111' : '000000');

/** An HttpError's status and code, or 'ok'. */
async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    if (err instanceof HttpError) return `${err.status} ${err.code}`;
    throw err;
  }
}
const tally = (xs: string[]) =>
  xs.reduce<Record<string, number>>((acc, x) => {
    acc[x] = (acc[x] ?? 0) + 1;
    return acc;
  }, {});

/** Every entry of the test's day, both classes, one page (the paging itself: identity-audit.test.ts). */
const auditOf = async () =>
  (
    await store.listAudit({
      classes: ['security', 'activity'],
      from: '2026-03-01T16:00:00.000Z',
      to: '2026-03-02T15:59:59.999Z',
      limit: 5000,
    })
  ).entries;

beforeAll(async () => {
  local = await startDynamo({});
  // 120 parallel requests on a loaded 2-core machine: queue them on a few sockets instead of
  // opening 120 connections to DynamoDB Local at once (which resets some under load).
  raw = new DynamoDBClient({
    endpoint: local.endpoint,
    region: 'cn-north-1',
    credentials: localCredentials,
    requestHandler: { httpAgent: { maxSockets: 16, keepAlive: true } },
  });
  const doc = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  await ensureTables(raw, [{ name: TABLE, spec: platformResources.tables.accounts }]);
  store = new AccountStore(doc, TABLE);
  await store.seedRegistry(people, []);
}, 60_000);

afterAll(async () => {
  raw?.destroy();
  await local?.stop();
});

describe('sliding-window counters under parallel hits', () => {
  it('of 40 hits at once, exactly max are allowed; refusals are not counted', async () => {
    const limit = { key: 'burst', max: 7, windowMs: 60_000 };
    const results = await Promise.all(Array.from({ length: 40 }, () => store.hitLimit(limit, T0)));
    expect(results.filter((r) => r.allowed)).toHaveLength(7);
    expect((await store.peekLimit(limit, T0)).count).toBe(7);
    // Counted (no refund), as failure counters are: every hit stays.
    const counted = { key: 'counted', max: 3, windowMs: 60_000 };
    await Promise.all(Array.from({ length: 10 }, () => store.hitLimit(counted, T0, false)));
    expect((await store.peekLimit(counted, T0)).count).toBe(10);
  });

  it('slides: a burst at a boundary of fixed windows is still refused; the window frees after it', async () => {
    const limit = { key: 'boundary', max: 5, windowMs: 60_000 };
    const edge = T0 + 60_000 - 100;
    for (let i = 0; i < 5; i++) expect((await store.hitLimit(limit, edge)).allowed).toBe(true);
    const after = await store.hitLimit(limit, edge + 200);
    expect(after.allowed).toBe(false);
    expect(after.retryAfterMs).toBeGreaterThan(50_000);
    expect((await store.hitLimit(limit, edge + 60_000)).allowed).toBe(true);
  });
});

describe('registration proves the phone the registry holds for the ID', () => {
  const p = people[0];

  it('no code, no account: the old one-step registration is refused', async () => {
    const res = await outcome(
      registerPerson(ctx(), {
        name: p.name,
        idNumber: p.idNumber,
        phone: p.phone,
        password: 'Jia2026pass',
        code: '123456',
      }),
    );
    expect(res).toBe('422 CODE_NOT_FOUND');
    expect(await store.findByIdNumber(p.idNumber)).toBeUndefined();
  });

  it('a code goes to the registry phone; 120 wrong codes at once: 5 compared, the rest find it dead', async () => {
    const sent = await sendCode(
      ctx(),
      { purpose: 'register', name: p.name, idNumber: p.idNumber, phone: p.phone },
      sms,
    );
    expect(sent).toMatchObject({ phone: '135****0000', resendAfterSeconds: 60 });
    const code = lastCode(p.phone);
    const input = { name: p.name, idNumber: p.idNumber, phone: p.phone, password: 'Jia2026pass' };
    const results = await Promise.all(
      Array.from({ length: 120 }, () => outcome(registerPerson(ctx(), { ...input, code: wrong(code) }))),
    );
    expect(tally(results)).toEqual({ '422 CODE_WRONG': 5, '429 TOO_MANY_ATTEMPTS': 115 });
    // After the limit the code is dead whatever arrives, the right one too.
    expect(await outcome(registerPerson(ctx(), { ...input, code }))).toBe('429 TOO_MANY_ATTEMPTS');
    expect(await store.findByIdNumber(p.idNumber)).toBeUndefined();
  });

  it('a resend within a minute is refused (one SMS of parallel requests); after it, a new code works once', async () => {
    const req = { purpose: 'register' as const, name: p.name, idNumber: p.idNumber, phone: p.phone };
    const before = outbox.length;
    const soon = await Promise.all(
      Array.from({ length: 3 }, () => outcome(sendCode(ctx('10.1.0.2', clock + 30_000), req, sms))),
    );
    expect(tally(soon)).toEqual({ '429 CODE_RESEND_TOO_SOON': 3 });
    clock += 61_000;
    const again = await Promise.all(
      Array.from({ length: 3 }, () => outcome(sendCode(ctx('10.1.0.2'), req, sms))),
    );
    expect(tally(again)).toEqual({ ok: 1, '429 CODE_RESEND_TOO_SOON': 2 });
    expect(outbox.length - before).toBe(1);
    const input = { name: p.name, idNumber: p.idNumber, phone: p.phone, password: 'Jia2026pass' };
    const made = await registerPerson(ctx(), { ...input, code: lastCode(p.phone) });
    expect(made).toMatchObject({ username: p.phone, verified: true, roles: ['applicant'] });
    expect(await outcome(registerPerson(ctx(), { ...input, code: lastCode(p.phone) }))).toBe(
      '422 CODE_NOT_FOUND',
    );
  });

  it('the right code racing a burst of wrong ones: 201 or dead, never a 409 that says "right"', async () => {
    const q = people[1];
    await sendCode(
      ctx('10.1.0.3'),
      { purpose: 'register', name: q.name, idNumber: q.idNumber, phone: q.phone },
      sms,
    );
    const code = lastCode(q.phone);
    const input = { name: q.name, idNumber: q.idNumber, phone: q.phone, password: 'Yi2026pass' };
    const race = await Promise.all([
      ...Array.from({ length: 30 }, () => outcome(registerPerson(ctx(), { ...input, code: wrong(code) }))),
      outcome(registerPerson(ctx(), { ...input, code })),
      outcome(registerPerson(ctx(), { ...input, code })),
    ]);
    const t = tally(race);
    expect(
      Object.keys(t).every((k) =>
        ['ok', '422 CODE_WRONG', '429 TOO_MANY_ATTEMPTS', '422 CODE_NOT_FOUND'].includes(k),
      ),
    ).toBe(true);
    expect((t['422 CODE_WRONG'] ?? 0) + (t.ok ?? 0) + (t['422 CODE_NOT_FOUND'] ?? 0)).toBeLessThanOrEqual(5);
    expect(t.ok ?? 0).toBeLessThanOrEqual(1);
    expect(Boolean(await store.findByIdNumber(q.idNumber))).toBe(t.ok === 1);
  });

  it('a code for one name and phone does not register another', async () => {
    const q = people[11];
    await sendCode(
      ctx('10.1.0.5'),
      { purpose: 'register', name: q.name, idNumber: q.idNumber, phone: q.phone },
      sms,
    );
    const res = await outcome(
      registerPerson(ctx(), {
        name: q.name,
        idNumber: q.idNumber,
        phone: '13700000000',
        password: 'Yi2026pass',
        code: lastCode(q.phone),
      }),
    );
    expect(res).toBe('422 CODE_MISMATCH');
  });

  it('limits attempts per address (sliding) and per ID number; failed checks are audited only while allowed', async () => {
    const ip = '10.2.0.1';
    const q = people[2];
    const results: string[] = [];
    for (let i = 0; i < 60; i++)
      results.push(
        await outcome(
          sendCode(
            ctx(ip),
            {
              purpose: 'register',
              name: q.name,
              idNumber: people[3 + (i % 8)].idNumber,
              phone: '13700000001',
            },
            sms,
          ),
        ),
      );
    expect(tally(results)).toEqual({ '422 REALNAME_FAILED': 20, '429 ADDRESS_RATE_LIMITED': 40 });
    const entries = (await auditOf()).filter((e) => e.ip === ip);
    expect(entries.filter((e) => e.type === 'register')).toHaveLength(20);
    expect(entries.filter((e) => e.type === 'rate_limited')).toHaveLength(1);
    // Per ID number, from many addresses: 5 an hour.
    const perId = [];
    for (let i = 0; i < 8; i++)
      perId.push(
        await outcome(
          sendCode(
            ctx(`10.3.0.${i}`),
            { purpose: 'register', name: '某某', idNumber: q.idNumber, phone: q.phone },
            sms,
          ),
        ),
      );
    expect(tally(perId)).toEqual({ '422 REALNAME_FAILED': 5, '429 ID_RATE_LIMITED': 3 });
  });
});

describe('an owner reclaims an identity someone else registered, and resets a password by SMS', () => {
  const victim = people[4];
  let hijacked: Account;

  beforeAll(async () => {
    // As the old one-step registration allowed: someone who knew name, ID and phone registered it.
    hijacked = {
      sub: 'hijacked-1',
      username: '13799990000',
      passwordHash: await hashPassword('Thief2026pass', DEMO_COST),
      roles: ['applicant'],
      name: victim.name,
      status: 'active',
      phone: '13799990000',
      idNumber: victim.idNumber,
      verified: true,
      createdAt: new Date(T0).toISOString(),
    };
    await store.createAccount(hijacked);
  });

  it('registering says the identity is taken and offers the reclaim', async () => {
    clock += 61_000;
    const res = await sendCode(
      ctx('10.4.0.1'),
      { purpose: 'register', name: victim.name, idNumber: victim.idNumber, phone: victim.phone },
      sms,
    ).catch((e) => e);
    expect(res).toMatchObject({ status: 409, code: 'ALREADY_REGISTERED', details: { reclaim: true } });
    expect(res.message).toContain('找回账户');
  });

  it('the reclaim code goes to the registry phone; the new password works, the old does not; the account moves to that phone', async () => {
    const sent = await sendCode(
      ctx('10.4.0.1'),
      { purpose: 'reclaim', name: victim.name, idNumber: victim.idNumber },
      sms,
    );
    expect(sent.phone).toBe('135****0004');
    expect(lastCode('13799990000')).toBe('');
    const before = Date.now();
    const done = await resetPassword(
      ctx('10.4.0.1'),
      { purpose: 'reclaim', idNumber: victim.idNumber, code: lastCode(victim.phone), password: 'Wu2026mine' },
      sms,
    );
    expect(done).toMatchObject({ reclaimed: true, username: victim.phone, phone: '135****0004' });
    const account = (await store.getAccount('hijacked-1'))!;
    expect(account).toMatchObject({ phone: victim.phone, username: victim.phone });
    expect(account.sessionsValidAfterMs).toBeGreaterThanOrEqual(before);
    expect((await store.findByLogin(victim.phone))?.sub).toBe('hijacked-1');
    expect(await store.findByLogin('13799990000')).toBeUndefined();
    const login = (password: string, login = victim.phone) =>
      authenticate(store, { login, password, ip: '10.4.0.9', now: clock, via: 'dev-token' });
    expect((await login('Wu2026mine')).ok).toBe(true);
    expect((await login('Thief2026pass')).ok).toBe(false);
    expect((await login('Thief2026pass', '13799990000')).ok).toBe(false);
    // The owner is told by SMS; the audit has the reclaim with phones masked.
    expect(outbox.at(-1)).toMatchObject({ phone: victim.phone });
    expect(outbox.at(-1)!.message).toContain('通过身份找回');
    const entry = (await auditOf()).find((e) => e.type === 'account_reclaim' && e.actor === 'hijacked-1');
    expect(entry?.details).toMatchObject({ phoneChanged: true, previousPhone: '137****0000' });
  });

  it('reset by SMS: unknown phones answer the same (no SMS), the code is used once', async () => {
    clock += 61_000;
    const before = outbox.length;
    const unknown = await sendCode(ctx('10.4.0.2'), { purpose: 'reset', phone: '13711112222' }, sms);
    expect(unknown).toMatchObject({ purpose: 'reset', phone: '137****2222' });
    expect(outbox.length).toBe(before);
    await sendCode(ctx('10.4.0.2'), { purpose: 'reset', phone: victim.phone }, sms);
    const code = lastCode(victim.phone);
    const reset = (password: string) =>
      outcome(resetPassword(ctx('10.4.0.2'), { purpose: 'reset', phone: victim.phone, code, password }, sms));
    expect(await reset('Wu2026again')).toBe('ok');
    expect(await reset('Wu2026third')).toBe('422 CODE_NOT_FOUND');
    expect(
      (
        await authenticate(store, {
          login: victim.phone,
          password: 'Wu2026again',
          ip: '10.4.0.9',
          now: clock,
          via: 'dev-token',
        })
      ).ok,
    ).toBe(true);
  });
});

describe('password sign-in: locks a guesser, never the owner', () => {
  const owner = people[5];
  const sub = 'owner-1';
  const pw = (password: string, ip: string, now = clock) =>
    authenticate(store, { login: owner.phone, password, ip, now, via: 'dev-token' });

  beforeAll(async () => {
    await store.createAccount({
      sub,
      username: owner.phone,
      passwordHash: await hashPassword('Ji2026owner', DEMO_COST),
      roles: ['applicant'],
      name: owner.name,
      status: 'active',
      phone: owner.phone,
      idNumber: owner.idNumber,
      verified: true,
      createdAt: new Date(T0).toISOString(),
    });
  });

  it('60 wrong passwords at once from one address: at most 5 are checked; that address is locked, others are not', async () => {
    const now = clock;
    const results = await Promise.all(Array.from({ length: 60 }, () => pw('Wrong2026pw', '10.5.0.1', now)));
    const codes = tally(results.map((r) => (r.ok ? 'ok' : r.code)));
    expect(codes.LOGIN_FAILED ?? 0).toBeLessThanOrEqual(4);
    expect(codes.ok).toBeUndefined();
    const checked = (await auditOf()).filter(
      (e) => e.type === 'login_failed' && e.actor === sub && e.ip === '10.5.0.1',
    );
    expect(checked.length).toBeLessThanOrEqual(5);
    // The right password from the locked address: still locked (15 minutes), with the way out.
    const locked = await pw('Ji2026owner', '10.5.0.1', now + 1000);
    expect(locked).toMatchObject({ ok: false, status: 429, code: 'ACCOUNT_LOCKED' });
    expect(!locked.ok && locked.message).toMatch(/15 分钟.*短信验证码登录/);
    // The owner at home is not locked.
    expect((await pw('Ji2026owner', '10.5.0.2', now + 1000)).ok).toBe(true);
  });

  it('while locked, the owner signs in at the same address with an SMS code, which ends the lock', async () => {
    clock += 61_000;
    await sendCode(ctx('10.5.0.1'), { purpose: 'login', phone: owner.phone }, sms);
    const code = lastCode(owner.phone);
    const viaCode = (c: string) =>
      authenticateWithCode(store, { phone: owner.phone, code: c, ip: '10.5.0.1', now: clock, via: 'oidc' });
    expect(await viaCode(wrong(code))).toMatchObject({ ok: false, code: 'CODE_WRONG' });
    const ok = await viaCode(code);
    expect(ok.ok && ok.account.sub).toBe(sub);
    expect(await viaCode(code)).toMatchObject({ ok: false, code: 'CODE_NOT_FOUND' });
    expect((await pw('Ji2026owner', '10.5.0.1')).ok).toBe(true);
  });

  it('backs off: the next lock at that address lasts 30 minutes', async () => {
    for (let i = 0; i < 5; i++) await pw('Wrong2026pw', '10.5.0.3', clock + i);
    const first = await pw('Ji2026owner', '10.5.0.3', clock + 10);
    expect(!first.ok && first.message).toContain('15 分钟');
    clock += 15 * 60_000 + 100;
    for (let i = 0; i < 5; i++) await pw('Wrong2026pw', '10.5.0.3', clock + i);
    const second = await pw('Ji2026owner', '10.5.0.3', clock + 10);
    expect(!second.ok && second.message).toContain('30 分钟');
  });

  it('failures spread over many addresses suspend password sign-in only; the SMS code still works', async () => {
    clock += 3 * 3600_000;
    // 20 failures from four addresses (five each: each pair locks at its fifth).
    for (let a = 0; a < 4; a++)
      for (let i = 0; i < 5; i++) await pw('Wrong2026pw', `10.6.0.${a}`, clock + a * 10 + i);
    const suspended = await pw('Ji2026owner', '10.6.0.99', clock + 100);
    expect(suspended).toMatchObject({ ok: false, status: 429, code: 'PASSWORD_SUSPENDED' });
    await sendCode(ctx('10.6.0.99', clock + 100), { purpose: 'login', phone: owner.phone }, sms);
    const viaCode = await authenticateWithCode(store, {
      phone: owner.phone,
      code: lastCode(owner.phone),
      ip: '10.6.0.99',
      now: clock + 200,
      via: 'oidc',
    });
    expect(viaCode.ok).toBe(true);
    expect((await auditOf()).some((e) => e.type === 'login_suspended' && e.actor === sub)).toBe(true);
  });

  it('a spray (many accounts failing from one address) is audited once, and does not lock the address', async () => {
    const ip = '10.7.0.1';
    for (let i = 0; i < 14; i++)
      await authenticate(store, {
        login: `1370000${String(1000 + i)}`,
        password: 'Spray2026pw',
        ip,
        now: clock,
        via: 'oidc',
      });
    const sprays = (await auditOf()).filter((e) => e.type === 'login_spray' && e.actor === ip);
    expect(sprays).toHaveLength(1);
    // The address is not locked: someone else there signs in (an hour on: the suspension above is over).
    expect((await pw('Ji2026owner', ip, clock + 61 * 60_000)).ok).toBe(true);
  });
});

describe('agent mandates', () => {
  const agent: Principal = { sub: 'agent-1', name: '测试代办', roles: ['agent'] } as Principal;
  const person = people[6];

  beforeAll(async () => {
    await store.createAccount({
      sub: 'person-6',
      username: person.phone,
      passwordHash: 'x',
      roles: ['applicant'],
      name: person.name,
      status: 'active',
      phone: person.phone,
      idNumber: person.idNumber,
      verified: true,
      createdAt: new Date(T0).toISOString(),
    });
  });

  const ask = (who = agent) =>
    requestMandate(
      ctx('10.8.0.1'),
      who,
      { idNumber: person.idNumber, name: person.name, materialRef: 'SQWT-T-0001' },
      sms,
    );

  it('120 wrong codes at once: exactly 5 answered 422, the rest 429; then the right code is dead too', async () => {
    const req = await ask();
    const code = lastCode(person.phone);
    const results = await Promise.all(
      Array.from({ length: 120 }, () => outcome(confirmMandate(ctx(), agent, req.id, wrong(code)))),
    );
    expect(tally(results)).toEqual({ '422 CODE_WRONG': 5, '429 TOO_MANY_ATTEMPTS': 115 });
    expect(await outcome(confirmMandate(ctx(), agent, req.id, code))).toBe('429 TOO_MANY_ATTEMPTS');
  });

  it('the right code racing a burst: 200 or dead, never a 409', async () => {
    const req = await ask();
    const code = lastCode(person.phone);
    const results = await Promise.all([
      ...Array.from({ length: 40 }, () => outcome(confirmMandate(ctx(), agent, req.id, wrong(code)))),
      outcome(confirmMandate(ctx(), agent, req.id, code)),
    ]);
    const t = tally(results);
    expect(Object.keys(t).every((k) => ['ok', '422 CODE_WRONG', '429 TOO_MANY_ATTEMPTS'].includes(k))).toBe(
      true,
    );
    expect((t['422 CODE_WRONG'] ?? 0) + (t.ok ?? 0)).toBeLessThanOrEqual(5);
  });

  it('one person gets at most 3 mandate SMS an hour, whatever the agents do', async () => {
    // Two asked above; 8 more at once from another agent.
    const other = { ...agent, sub: 'agent-2' } as Principal;
    const before = outbox.filter((m) => m.phone === person.phone).length;
    const results = await Promise.all(Array.from({ length: 8 }, () => outcome(ask(other))));
    expect(tally(results)).toEqual({ ok: 1, '429 PERSON_RATE_LIMITED': 7 });
    expect(outbox.filter((m) => m.phone === person.phone).length - before).toBe(1);
    const refused = await ask(other).catch((e) => e);
    expect(refused.message).toMatch(/请 \d+ 分钟后再试/);
  });

  it('one agent asks at most 10 times in 10 minutes, also naming nobody', async () => {
    const busy = { ...agent, sub: 'agent-3' } as Principal;
    const results: string[] = [];
    for (let i = 0; i < 12; i++)
      results.push(
        await outcome(
          requestMandate(
            ctx(),
            busy,
            { idNumber: people[7].idNumber, name: '不存在', materialRef: 'SQWT-T-0002' },
            sms,
          ),
        ),
      );
    expect(tally(results)).toEqual({ '422 PERSON_NOT_FOUND': 10, '429 AGENT_RATE_LIMITED': 2 });
  });
});
