import { describe, expect, it } from 'vitest';
import { validateResidentId, validateUscc } from '#domain/ids.ts';
import { auditEntry, maskText } from '#functions/identity/audit.ts';
import { LIMITS, limitRefusal, limitsFor } from '#functions/identity/limits.ts';
import {
  afterFailure,
  attemptsLeft,
  counterExpiry,
  type FailureCounter,
  failedMessage,
  lockedMessage,
  lockRemaining,
  PAIR_POLICY,
} from '#functions/identity/lockout.ts';
import {
  accountView,
  codeRequest,
  passwordReset,
  personRegistration,
  roleChange,
  tokenClaims,
} from '#functions/identity/model.ts';
import {
  codeMatches,
  codeMessage,
  hashCode,
  newCode,
  passwordChangedMessage,
} from '#functions/identity/otp.ts';
import {
  DEMO_COST,
  hashPassword,
  needsRehash,
  passwordProblem,
  verifyPassword,
} from '#functions/identity/password.ts';
import { checkEnterprise, checkPerson } from '#functions/identity/registry.ts';
import { LocalIssuer } from '#infra/local/identity.ts';
import { demoRecord } from '#infra/local/oidc/seed.ts';
import { demoAccounts } from '#infra/seed/accounts.ts';
import { legalPersons, population } from '#infra/seed/registries.ts';
import { judge, SLOTS } from '#lib/limiter.ts';
import { mayActForPerson } from '#lib/policy.ts';
import { principalFromClaims } from '#lib/principal.ts';

describe('password hashing (scrypt)', () => {
  it('verifies the right password only, with a per-user salt', async () => {
    const a = await hashPassword('Demo@2026', DEMO_COST);
    const b = await hashPassword('Demo@2026', DEMO_COST);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^scrypt\$12\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(await verifyPassword('Demo@2026', a)).toBe(true);
    expect(await verifyPassword('demo@2026', a)).toBe(false);
    expect(await verifyPassword('Demo@2026', 'garbage')).toBe(false);
    // A record claiming absurd costs is refused, not computed.
    expect(await verifyPassword('x', a.replace('$12$', '$30$'))).toBe(false);
  });

  it('asks for a rehash of weaker hashes', async () => {
    const weak = await hashPassword('Demo@2026', DEMO_COST);
    expect(needsRehash(weak)).toBe(true);
    expect(needsRehash(weak, DEMO_COST)).toBe(false);
  });

  it.each([
    ['', '请输入密码'],
    ['a1b2c3', '至少 8 位'],
    ['abcdefgh', '字母和数字'],
    ['12345678', '字母和数字'],
    ['abc\u0000defg1', '控制字符'],
    [' abcdefg1', '首尾'],
    ['x'.repeat(65), '不能超过'],
  ])('refuses %j: %s', (pw, message) => {
    expect(passwordProblem(pw)).toContain(message);
  });

  it('refuses the user’s own phone inside the password, accepts a good one', () => {
    expect(passwordProblem('ab13912340001', ['13912340001'])).toContain('手机号码');
    expect(passwordProblem('Demo@2026')).toBeUndefined();
  });
});

describe('lockout rules', () => {
  const t0 = 1_800_000_000_000;
  const fail = (n: number, at = t0) => {
    let c: FailureCounter | undefined;
    for (let i = 0; i < n; i++) c = afterFailure(c, at + i * 1000, PAIR_POLICY);
    return c!;
  };

  it('locks at the fifth failure within 15 minutes, for 15 minutes', () => {
    expect(lockRemaining(fail(4), t0 + 5000)).toBe(0);
    expect(attemptsLeft(fail(4), t0 + 5000, PAIR_POLICY)).toBe(1);
    const locked = fail(5);
    expect(lockRemaining(locked, t0 + 4000)).toBe(15 * 60_000);
    expect(lockRemaining(locked, t0 + 4000 + 15 * 60_000)).toBe(0);
  });

  it('forgets failures outside the window and after the lock', () => {
    const old = fail(4);
    const later = afterFailure(old, t0 + 16 * 60_000, PAIR_POLICY);
    expect(later).toEqual({ failures: 1, windowStart: t0 + 16 * 60_000 });
    const afterLock = afterFailure(fail(5), t0 + 4000 + 15 * 60_000, PAIR_POLICY);
    expect(afterLock.failures).toBe(1);
  });

  it('backs off: each further lock within a day lasts twice as long, up to two hours', () => {
    let c: FailureCounter | undefined;
    let at = t0;
    const locks: number[] = [];
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 5; i++) {
        at += 1000;
        c = afterFailure(c, at, PAIR_POLICY);
      }
      locks.push(lockRemaining(c, at) / 60_000);
      at = c!.lockedUntil!;
    }
    expect(locks).toEqual([15, 30, 60, 120, 120]);
    // A day after the last lock, the next one is short again.
    at += 24 * 3600_000;
    for (let i = 0; i < 5; i++) {
      at += 1000;
      c = afterFailure(c, at, PAIR_POLICY);
    }
    expect(lockRemaining(c, at) / 60_000).toBe(15);
    expect(counterExpiry(c!, PAIR_POLICY)).toBe(Math.ceil((at + 24 * 3600_000) / 1000));
  });

  it('says so in Chinese, pointing the owner to the SMS code', () => {
    expect(lockedMessage(15 * 60_000)).toMatch(/当前网络已临时锁定.*短信验证码登录/);
    expect(lockedMessage(3600_000, 'suspended')).toMatch(/密码登录已暂停.*短信验证码登录/);
    expect(failedMessage(3)).toBe('用户名或密码不正确，还可尝试 3 次');
    expect(lockedMessage(14 * 60_000 + 1)).toContain('15 分钟');
    expect(lockedMessage(30_000, 'ip')).toContain('1 分钟');
  });
});

describe('sliding-window limits', () => {
  const limit = { key: 'k', max: 5, windowMs: 10 * 60_000 };
  const slot = limit.windowMs / SLOTS;
  const t0 = 1_800_000_000_000 - (1_800_000_000_000 % slot);
  /** A counter item with `n` hits in the slot of `at`. */
  const item = (...hits: [at: number, n: number][]) => {
    const out: Record<string, number> = {};
    for (const [at, n] of hits) {
      const idx = Math.floor(at / slot);
      out[`t${idx % SLOTS}`] = idx;
      out[`c${idx % SLOTS}`] = (out[`c${idx % SLOTS}`] ?? 0) + n;
    }
    return out;
  };

  it('counts the last ten sub-windows, so a burst at a boundary is still one window', () => {
    // Five just before a minute boundary, five just after: a fixed window would let all ten through.
    const before = item([t0 + slot - 1, 5]);
    expect(judge(before, limit, t0 + slot + 1, false)).toMatchObject({ count: 5, allowed: false });
    // Nine sub-windows later the five still count; at the tenth they have left.
    expect(judge(before, limit, t0 + 9 * slot + 1, false).allowed).toBe(false);
    expect(judge(before, limit, t0 + 10 * slot, false)).toMatchObject({ count: 0, allowed: true });
  });

  it('says when enough has left the window', () => {
    const full = item([t0, 2], [t0 + 3 * slot, 3]);
    const v = judge(full, limit, t0 + 5 * slot, false);
    expect(v.allowed).toBe(false);
    // The two oldest leave at t0 + 10 slots.
    expect(v.retryAfterMs).toBe(5 * slot);
    // A hit already counted is allowed up to max.
    expect(judge(item([t0, 5]), limit, t0, true).allowed).toBe(true);
    expect(judge(item([t0, 6]), limit, t0, true).allowed).toBe(false);
  });

  it('a slot reused after ten sub-windows is not counted twice', () => {
    const stale = item([t0, 4]);
    // Same slot position, ten sub-windows later: the stored sub-window is too old to count.
    expect(judge(stale, limit, t0 + 10 * slot, false).count).toBe(0);
  });

  it('names every limit with a stable code and a Chinese wait', () => {
    expect(limitsFor('codesPerAddress', '1.2.3.4').map((l) => l.key)).toEqual([
      'codesPerAddress#1.2.3.4',
      'codesPerAddress#1.2.3.4#1',
    ]);
    expect(LIMITS.mandatesPerPerson[0]).toEqual({ max: 3, windowMs: 3600_000 });
    expect(limitRefusal('mandatesPerPerson', 90_000)).toMatchObject({
      status: 429,
      code: 'PERSON_RATE_LIMITED',
      retryAfterSeconds: 90,
    });
    expect(limitRefusal('mandatesPerAgent', 10 * 60_000).message).toContain('10 分钟');
    expect(limitRefusal('perIdNumber', 3 * 3600_000).message).toMatch(/3 小时后再试.*窗口/);
  });
});

describe('SMS codes', () => {
  it('are six digits, stored as a salted hash, compared in constant time', () => {
    const codes = new Set(Array.from({ length: 50 }, newCode));
    for (const c of codes) expect(c).toMatch(/^\d{6}$/);
    expect(codes.size).toBeGreaterThan(40);
    const stored = { salt: 's1', codeHash: hashCode('s1', '012345') };
    expect(codeMatches(stored, '012345')).toBe(true);
    expect(codeMatches(stored, '012346')).toBe(false);
    expect(hashCode('s2', '012345')).not.toBe(stored.codeHash);
  });

  it('say what the code is for, and tell the owner when the password changed', () => {
    expect(codeMessage('reclaim', '123456')).toMatch(
      /^【亳州市网上办事大厅】您正在找回.*验证码 123456，10 分钟内有效/,
    );
    expect(codeMessage('login', '123456')).toContain('短信验证码登录');
    expect(passwordChangedMessage('2026年3月2日 09:05', true)).toMatch(/通过身份找回.*如非本人操作/);
  });
});

describe('audit entries never hold IDs or phones in the clear', () => {
  it('masks them anywhere, also inside free text and nested details', () => {
    const e = auditEntry(
      {
        type: 'login_failed',
        actor: '13912340001',
        ip: '10.0.0.1',
        details: { note: '身份证 341602199001011234 手机 +8613800000001', list: ['11010519491231002X'] },
      },
      new Date('2026-01-01T00:00:00Z'),
      'id-1',
    );
    const text = JSON.stringify(e);
    expect(text).not.toMatch(/13912340001|341602199001011234|13800000001|11010519491231002X/);
    expect(e.actor).toBe('139****0001');
    expect(e.details).toEqual({
      note: '身份证 3416**********1234 手机 138****0001',
      list: ['1101**********002X'],
    });
  });

  it('leaves other numbers alone', () => {
    expect(maskText('办件 341602-20260101-000001 查询码 123456')).toBe(
      '办件 341602-20260101-000001 查询码 123456',
    );
  });
});

describe('registration validation', () => {
  const good = {
    name: '王小明',
    idNumber: population[3].idNumber,
    phone: '13912340001',
    password: 'Wang2026pass',
    code: '123456',
  };
  const issues = (change: Record<string, unknown>) => {
    const r = personRegistration.safeParse({ ...good, ...change });
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('accepts a good one and normalises', () => {
    const r = personRegistration.parse({
      ...good,
      phone: '+86 139-1234-0001',
      idNumber: good.idNumber.toLowerCase(),
    });
    expect(r.phone).toBe('13912340001');
  });

  it.each([
    [{ idNumber: '341602199001011235' }, /idNumber: .*校验位/],
    [{ idNumber: '34160219900101123' }, /idNumber: .*18 位/],
    [{ phone: '12345678901' }, /phone: /],
    [{ phone: '+14155550123' }, /phone: /],
    [{ name: '王\u0000明' }, /name: /],
    [{ name: '王小明1' }, /name: /],
    [{ password: 'short1' }, /password: 密码至少 8 位/],
    [{ password: 'Wang13912340001' }, /password: .*手机号码/],
    [{ extra: 1 }, /不认识|Unrecognized|unrecognized/],
    [{ code: undefined }, /code: 请输入短信验证码/],
    [{ code: '12345' }, /code: 请输入 6 位短信验证码/],
    [{ code: '12345a' }, /code: 请输入 6 位短信验证码/],
  ])('refuses %j', (change, pattern) => {
    expect(issues(change).join('\n')).toMatch(pattern);
  });

  it('asks for an SMS code for one of four purposes, each with its own fields', () => {
    expect(
      codeRequest.parse({
        purpose: 'register',
        name: '王小明',
        idNumber: good.idNumber,
        phone: '13912340001',
      }),
    ).toMatchObject({ purpose: 'register', phone: '13912340001' });
    expect(codeRequest.parse({ purpose: 'reclaim', name: '王小明', idNumber: good.idNumber })).toMatchObject({
      purpose: 'reclaim',
    });
    expect(codeRequest.parse({ purpose: 'login', phone: '+86 139 1234 0001' })).toEqual({
      purpose: 'login',
      phone: '13912340001',
    });
    const bad = (v: unknown) => {
      const r = codeRequest.safeParse(v);
      return r.success ? '' : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n');
    };
    expect(bad({ purpose: 'steal', phone: '13912340001' })).toMatch(/验证码用途/);
    expect(bad({ phone: '13912340001' })).toMatch(/验证码用途/);
    expect(bad({ purpose: 'reset', phone: '1391234' })).toMatch(/phone: /);
    // A reclaim names the person; the phone is the registry's, never the caller's.
    expect(
      bad({ purpose: 'reclaim', name: '王小明', idNumber: good.idNumber, phone: '13700000000' }),
    ).toMatch(/不认识|nrecognized/);
  });

  it('a new password with a reset or reclaim code follows the password rule', () => {
    expect(
      passwordReset.safeParse({
        purpose: 'reset',
        phone: '13912340001',
        code: '123456',
        password: 'New2026pass',
      }).success,
    ).toBe(true);
    const r = passwordReset.safeParse({
      purpose: 'reset',
      phone: '13912340001',
      code: '123456',
      password: 'x13912340001',
    });
    expect(r.success).toBe(false);
    expect(
      passwordReset.safeParse({
        purpose: 'reclaim',
        idNumber: good.idNumber,
        code: '1',
        password: 'New2026pass',
      }).success,
    ).toBe(false);
  });

  it('every generated wrong check character is refused', () => {
    for (const p of population) {
      for (const c of '0123456789X') {
        if (c === p.idNumber[17]) continue;
        expect(validateResidentId(p.idNumber.slice(0, 17) + c).ok).toBe(false);
      }
      expect(validateResidentId(p.idNumber).ok).toBe(true);
    }
    for (const e of legalPersons) expect(validateUscc(e.uscc).ok).toBe(true);
  });
});

describe('real-name checks', () => {
  const rec = population[3];
  it('needs name, ID and phone to match', () => {
    expect(checkPerson(rec, rec).ok).toBe(true);
    expect(checkPerson(rec, { ...rec, phone: '13900000000' }).ok).toBe(false);
    expect(checkPerson(undefined, rec).ok).toBe(false);
  });
  it('lets only the legal representative register the enterprise', () => {
    const e = legalPersons[1];
    expect(checkEnterprise(e, e, { idNumber: e.legalRepId, name: e.legalRepName }).ok).toBe(true);
    expect(checkEnterprise(e, e, { idNumber: population[0].idNumber, name: '张三' })).toMatchObject({
      ok: false,
      code: 'NOT_LEGAL_REPRESENTATIVE',
    });
    expect(
      checkEnterprise(e, { name: '别的公司' }, { idNumber: e.legalRepId, name: e.legalRepName }).ok,
    ).toBe(false);
  });
});

describe('accounts and claims', () => {
  const demo = demoAccounts([
    { code: '341602-gaj', name: '谯城区公安局', hallId: 'qiaocheng', itemCount: 9 },
    { code: '341623-mzj', name: '利辛县民政局', hallId: 'lixin', itemCount: 5 },
  ]);

  it('a demo account’s record gives exactly its published claims; subs are unique', () => {
    for (const d of demo) expect(tokenClaims(demoRecord(d, 'h', '2026-01-01T00:00:00Z'))).toEqual(d.claims);
    expect(new Set(demo.map((d) => d.claims.sub)).size).toBe(demo.length);
  });

  it('claims survive API Gateway’s stringification into the principal', () => {
    const record = {
      ...demoRecord(demo[0], 'h', 'x'),
      actingFor: { uscc: legalPersons[0].uscc, name: '公司' },
    };
    const asStrings = Object.fromEntries(
      Object.entries(tokenClaims(record)).map(([k, v]) => [
        k,
        Array.isArray(v) ? `[${v.join(' ')}]` : String(v),
      ]),
    );
    expect(principalFromClaims(asStrings)).toMatchObject({
      sub: 'demo-zhangsan',
      roles: ['applicant'],
      phone: '13800000001',
      actingFor: { uscc: legalPersons[0].uscc, name: '公司' },
    });
  });

  it('masks a person for everyone but the owner', () => {
    const record = demoRecord(demo[0], 'h', 'x');
    expect(accountView(record, true)).toMatchObject({
      phone: '13800000001',
      idNumber: '341602199001011234',
      name: '张三',
    });
    expect(accountView(record, false)).toMatchObject({
      phone: '138****0001',
      idNumber: '3416**********1234',
      name: '张*',
    });
    expect(JSON.stringify(accountView(record, true))).not.toContain('passwordHash');
  });

  it('a staff role needs hall, department and post', () => {
    expect(roleChange.safeParse({ roles: ['staff'] }).success).toBe(false);
    expect(
      roleChange.safeParse({ roles: ['staff'], hall: 'lixin', dept: 'd', posts: ['受理'] }).success,
    ).toBe(true);
    expect(roleChange.safeParse({ roles: ['root'] }).success).toBe(false);
  });

  it('an agent acts for a person only under a live mandate of their own', () => {
    const agent = { sub: 'a', name: '', roles: ['agent' as const], posts: [] };
    const m = { agentSub: 'a', personSub: 'p', validUntil: 2000 };
    expect(mayActForPerson(agent, 'p', m, 1000)).toBe(true);
    expect(mayActForPerson(agent, 'p', m, 2000)).toBe(false);
    expect(mayActForPerson(agent, 'q', m, 1000)).toBe(false);
    expect(mayActForPerson({ ...agent, sub: 'b' }, 'p', m, 1000)).toBe(false);
    expect(mayActForPerson({ ...agent, roles: [] }, 'p', m, 1000)).toBe(false);
    expect(mayActForPerson(agent, 'p', { ...m, revoked: true }, 1000)).toBe(false);
  });
});

describe('token verification (the gateway’s JWT authorizer)', () => {
  it('accepts its own access tokens; refuses expired ones and other issuers or keys', async () => {
    const issuer = await LocalIssuer.create('http://127.0.0.1:1/oidc');
    const other = await LocalIssuer.create('http://127.0.0.1:1/oidc');
    const good = await issuer.sign({ sub: 's', roles: ['applicant'] });
    expect(await issuer.verify(good)).toMatchObject({ sub: 's', aud: 'urn:bozhou-hall:api' });
    await expect(issuer.verify(await issuer.sign({ sub: 's' }, -60))).rejects.toThrow(/exp/);
    await expect(issuer.verify(await other.sign({ sub: 's' }))).rejects.toThrow();
    const otherIssuer = await LocalIssuer.create('https://elsewhere/oidc');
    await expect(issuer.verify(await otherIssuer.sign({ sub: 's' }))).rejects.toThrow();
  });
});
