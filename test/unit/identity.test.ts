import { describe, expect, it } from 'vitest';
import { auditEntry, maskText } from '#functions/identity/audit.ts';
import {
  ACCOUNT_POLICY,
  afterFailure,
  attemptsLeft,
  type FailureCounter,
  failedMessage,
  lockedMessage,
  lockRemaining,
} from '#functions/identity/lockout.ts';
import { accountView, personRegistration, roleChange, tokenClaims } from '#functions/identity/model.ts';
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
import { validateResidentId, validateUscc } from '#lib/ids.ts';
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
    for (let i = 0; i < n; i++) c = afterFailure(c, at + i * 1000, ACCOUNT_POLICY);
    return c!;
  };

  it('locks at the fifth failure within 15 minutes, for 15 minutes', () => {
    expect(lockRemaining(fail(4), t0 + 5000)).toBe(0);
    expect(attemptsLeft(fail(4), t0 + 5000, ACCOUNT_POLICY)).toBe(1);
    const locked = fail(5);
    expect(lockRemaining(locked, t0 + 4000)).toBe(15 * 60_000);
    expect(lockRemaining(locked, t0 + 4000 + 15 * 60_000)).toBe(0);
  });

  it('forgets failures outside the window and after the lock', () => {
    const old = fail(4);
    const later = afterFailure(old, t0 + 16 * 60_000, ACCOUNT_POLICY);
    expect(later).toEqual({ failures: 1, windowStart: t0 + 16 * 60_000 });
    const afterLock = afterFailure(fail(5), t0 + 4000 + 15 * 60_000, ACCOUNT_POLICY);
    expect(afterLock.failures).toBe(1);
  });

  it('says so in Chinese', () => {
    expect(failedMessage(3)).toBe('用户名或密码不正确，还可尝试 3 次');
    expect(lockedMessage(14 * 60_000 + 1)).toContain('15 分钟');
    expect(lockedMessage(30_000, 'ip')).toContain('1 分钟');
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
  ])('refuses %j', (change, pattern) => {
    expect(issues(change).join('\n')).toMatch(pattern);
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
