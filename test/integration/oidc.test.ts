/**
 * One-stop login against the local identity provider, at HTTP level: the code flow with PKCE,
 * refresh, logout; registration with bad input and with the SMS code (nothing half-made); lockout
 * (per account and address); bad tokens; act as
 * enterprise; agent mandates with the SMS code; operator role changes in the audit log.
 */
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { legalPersons, population } from '#infra/seed/registries.ts';
import {
  baseUrl,
  type CodeFlowResult,
  call,
  codeFlow,
  eventually,
  follow,
  login,
  refresh,
} from '../support/client.ts';
import { callFrom, registerWithCode } from './identity-helpers.ts';

const person = (name: string) => {
  const p = population.find((r) => r.name === name);
  if (!p) throw new Error(`no registry record for ${name}`);
  return p;
};
const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString());
const register = (body: Record<string, unknown>) => call('POST', '/api/accounts', { body });

describe('the authorization code flow with PKCE', () => {
  let flow: CodeFlowResult;
  beforeAll(async () => {
    flow = await codeFlow('zhangsan');
  });

  it('serves a Chinese login page of our own, without external assets', () => {
    expect(flow.loginPage).toContain('统一身份认证登录');
    expect(flow.loginPage).toContain('lang="zh-CN"');
    expect(flow.loginPage).not.toMatch(/(src|href)="https?:/);
  });

  it('issues a short-lived JWT access token for the API with our role claims', async () => {
    const { access_token, refresh_token, expires_in, id_token } = flow.tokens;
    expect(refresh_token).toBeTruthy();
    expect(id_token).toBeTruthy();
    // At most 5 minutes: a revoked token is refused at once anyway, but not every issuer's check is ours.
    expect(expires_in).toBeLessThanOrEqual(300);
    const claims = claimsOf(access_token);
    // When the session began, as Cognito's tokens carry it (the API ends revoked sessions by it).
    expect(claims.auth_time).toBeLessThanOrEqual(claims.iat);
    expect(claims.exp - claims.iat).toBeLessThanOrEqual(300);
    expect(claims).toMatchObject({
      sub: 'demo-zhangsan',
      iss: `${baseUrl()}/oidc`,
      aud: 'urn:bozhou-hall:api',
      name: '张三',
      roles: ['applicant'],
      phone_number: '13800000001',
    });
    const me = await call('GET', '/api/account', { token: access_token });
    expect(me.status).toBe(200);
    expect(me.body.account).toMatchObject({ sub: 'demo-zhangsan', idNumber: '341602199001011234' });
  });

  it('refreshes with rotation: the new token works, the old refresh token is spent', async () => {
    const fresh = await refresh(flow.as, flow.tokens.refresh_token!);
    expect((await call('GET', '/api/account', { token: fresh.access_token })).status).toBe(200);
    // The session began at sign-in, not at the refresh.
    expect(claimsOf(fresh.access_token).auth_time).toBe(claimsOf(flow.tokens.access_token).auth_time);
    await expect(refresh(flow.as, flow.tokens.refresh_token!)).rejects.toThrow();
    flow.tokens = { ...flow.tokens, ...fresh };
  });

  it('logs out (end_session): the session and its refresh token end', async () => {
    const end = new URL(flow.as.end_session_endpoint!);
    end.search = new URLSearchParams({
      id_token_hint: flow.tokens.id_token!,
      post_logout_redirect_uri: `${baseUrl()}/`,
    }).toString();
    const confirm = await follow(flow.jar, end.href);
    const page = await confirm.res.text();
    expect(page).toContain('退出登录');
    const form = /<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/.exec(page)!;
    const fields = new URLSearchParams({ logout: 'yes' });
    for (const m of form[2].matchAll(/name="([^"]+)" value="([^"]*)"/g)) fields.set(m[1], m[2]);
    const done = await follow(
      flow.jar,
      form[1],
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: fields.toString(),
      },
      (u) => u.href === `${baseUrl()}/`,
    );
    expect(done.url.href).toBe(`${baseUrl()}/`);
    await expect(refresh(flow.as, flow.tokens.refresh_token!)).rejects.toThrow();
  });

  it('staff get their post, department and hall in the token', async () => {
    const { tokens } = await codeFlow('qiaocheng-gaj-sl').catch(async () => {
      const accounts = (await call('GET', '/api/dev/accounts')).body.accounts;
      const staff = accounts.find((a: any) => a.role === 'staff' && a.hall === 'qiaocheng');
      return codeFlow(staff.username);
    });
    expect(claimsOf(tokens.access_token)).toMatchObject({
      roles: ['staff'],
      hall: 'qiaocheng',
      level: 'county',
    });
  });
});

describe('registration: clear 4xx, nothing half-made', () => {
  const chen = person('陈建国');
  const good = {
    name: chen.name,
    idNumber: chen.idNumber,
    phone: chen.phone,
    password: 'Chen2026pass',
    code: '123456',
  };

  it.each([
    [
      'a wrong ID checksum',
      { idNumber: `${chen.idNumber.slice(0, 17)}${chen.idNumber[17] === '0' ? '1' : '0'}` },
      'idNumber',
      /校验位/,
    ],
    ['a phone that is not mainland mobile', { phone: '+14155550123' }, 'phone', /手机号码/],
    ['a name with control characters', { name: '陈\u0007建国' }, 'name', /姓名/],
    ['a short password', { password: 'a1b2' }, 'password', /至少 8 位/],
    ['a password without digits', { password: 'abcdefghij' }, 'password', /字母和数字/],
  ])('refuses %s with 400 naming the field', async (_, change, field, message) => {
    const res = await register({ ...good, ...change });
    expect(res.status).toBe(400);
    const detail = res.body.error.details.find((d: any) => d.field === field);
    expect(detail.message).toMatch(message);
  });

  it('refuses a real-name mismatch with 422 (before any SMS is sent)', async () => {
    const res = await callFrom('127.0.0.61', 'POST', '/api/accounts/codes', {
      body: { purpose: 'register', name: chen.name, idNumber: chen.idNumber, phone: '13700000000' },
    });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('REALNAME_FAILED');
  });

  it('refuses a registration without the SMS code sent to the registry phone', async () => {
    const res = await register(good);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('CODE_NOT_FOUND');
  });

  it('after all that, registers once with the SMS code (no guard was left behind), then refuses duplicates with 409', async () => {
    const res = await registerWithCode('127.0.0.61', chen, good.password);
    expect(res.status).toBe(201);
    expect(res.body.account).toMatchObject({ username: chen.phone, verified: true, roles: ['applicant'] });
    expect(res.body.account.passwordHash).toBeUndefined();
    const again = await callFrom('127.0.0.61', 'POST', '/api/accounts/codes', {
      body: { purpose: 'register', name: chen.name, idNumber: chen.idNumber, phone: chen.phone },
    });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/已注册/);
    // The new person signs in with the phone number through the provider.
    const { tokens } = await codeFlow(chen.phone, good.password);
    expect(claimsOf(tokens.access_token)).toMatchObject({
      name: '陈建国',
      roles: ['applicant'],
      verified: 'true',
    });
  });
});

describe('lockout', () => {
  const liu = person('刘芳');
  beforeAll(async () => {
    expect((await registerWithCode('127.0.0.62', liu, 'Liu2026pass')).status).toBe(201);
  });

  it('counts down, then locks for 15 minutes at this address with a clear Chinese message, also for the right password', async () => {
    const failures = [];
    for (let i = 0; i < 5; i++) {
      const res = await call('POST', '/api/dev/token', {
        body: { username: liu.phone, password: 'wrong-pass1' },
      });
      failures.push(res.status);
      if (i === 0) expect(res.body.error.message).toContain('还可尝试 4 次');
    }
    expect(failures).toEqual([401, 401, 401, 401, 429]);
    const locked = await call('POST', '/api/dev/token', {
      body: { username: liu.phone, password: 'Liu2026pass' },
    });
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('ACCOUNT_LOCKED');
    expect(locked.body.error.message).toMatch(/锁定.*15 分钟/);
    // The provider's login page says the same, with HTTP 429.
    await expect(codeFlow(liu.phone, 'Liu2026pass')).rejects.toMatchObject({ status: 429 });
  });

  it('audits failures and the lock with the phone masked', async () => {
    const operator = await login('operator');
    // Failed sign-ins are activity, the lock is security: both classes.
    const audit = await call('GET', '/api/audit?class=all&limit=500', { token: operator });
    expect(audit.status).toBe(200);
    const text = JSON.stringify(audit.body.entries);
    expect(text).toContain('login_failed');
    expect(text).toContain('login_locked');
    expect(text).not.toContain(liu.phone);
    expect(text).not.toContain(liu.idNumber);
  });
});

describe('bad tokens: 401, never data', () => {
  const route = '/api/account';

  it('refuses a token from another issuer, with the same claims', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const token = await new SignJWT({ roles: ['operator'], name: 'x' })
      .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: 'other' })
      .setIssuer('https://evil.example/oidc')
      .setAudience('urn:bozhou-hall:api')
      .setSubject('demo-operator')
      .setExpirationTime('5m')
      .sign(privateKey);
    expect((await call('GET', route, { token })).status).toBe(401);
  });

  it('refuses our own issuer name signed with another key', async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const kid = (await call('GET', '/oidc/jwks')).body.keys[0].kid;
    expect((await exportJWK(publicKey)).n).toBeTruthy();
    const token = await new SignJWT({ roles: ['operator'] })
      .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid })
      .setIssuer(`${baseUrl()}/oidc`)
      .setAudience('urn:bozhou-hall:api')
      .setSubject('demo-operator')
      .setExpirationTime('5m')
      .sign(privateKey);
    expect((await call('GET', route, { token })).status).toBe(401);
  });

  it('refuses an unsigned token with forged role claims, and a signed one whose claims were edited', async () => {
    const real = await login('zhangsan');
    const [h, , s] = real.split('.');
    const forgedClaims = Buffer.from(JSON.stringify({ ...claimsOf(real), roles: ['operator'] })).toString(
      'base64url',
    );
    expect((await call('GET', '/api/accounts', { token: `${h}.${forgedClaims}.${s}` })).status).toBe(401);
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString('base64url');
    expect((await call('GET', '/api/accounts', { token: `${none}.${forgedClaims}.` })).status).toBe(401);
  });

  it('refuses an ID token used as an access token', async () => {
    const { tokens } = await codeFlow('lisi');
    const res = await call('GET', route, { token: tokens.id_token });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('INVALID_TOKEN');
  });
});

describe('enterprises and acting for them', () => {
  const company = legalPersons[0];

  it('the legal representative switches to act for the enterprise; the next token carries it', async () => {
    const flow = await codeFlow('zhangsan');
    const res = await call('PUT', '/api/account/acting-for', {
      token: flow.tokens.access_token,
      body: { uscc: company.uscc },
    });
    expect(res.status).toBe(200);
    const acting = await refresh(flow.as, flow.tokens.refresh_token!);
    expect(claimsOf(acting.access_token)).toMatchObject({ act_uscc: company.uscc, act_name: company.name });
    const back = await call('PUT', '/api/account/acting-for', {
      token: acting.access_token,
      body: { uscc: null },
    });
    expect(back.status).toBe(200);
    expect(claimsOf((await refresh(flow.as, acting.refresh_token!)).access_token).act_uscc).toBeUndefined();
  });

  it('nobody else may act for it, nor register it, nor authorise for it', async () => {
    const lisi = await login('lisi');
    expect(
      (await call('PUT', '/api/account/acting-for', { token: lisi, body: { uscc: company.uscc } })).status,
    ).toBe(404);
    const other = legalPersons[1];
    const reg = await call('POST', '/api/enterprises', {
      token: lisi,
      body: { uscc: other.uscc, name: other.name },
    });
    expect(reg.status).toBe(403);
    expect(reg.body.error.code).toBe('NOT_LEGAL_REPRESENTATIVE');
    const grant = await call('POST', `/api/enterprises/${company.uscc}/members`, {
      token: lisi,
      body: { idNumber: population[1].idNumber, name: '李四' },
    });
    expect(grant.status).toBe(404);
  });

  it('the legal representative authorises lisi, who may then act for it', async () => {
    const zhangsan = await login('zhangsan');
    const grant = await call('POST', `/api/enterprises/${company.uscc}/members`, {
      token: zhangsan,
      body: { idNumber: population[1].idNumber, name: '李四' },
    });
    expect(grant.status).toBe(201);
    expect(grant.body.member.idNumber).toMatch(/^\d{4}\*{10}\d{3}[\dX]$/);
    const lisi = await login('lisi');
    expect(
      (await call('PUT', '/api/account/acting-for', { token: lisi, body: { uscc: company.uscc } })).status,
    ).toBe(200);
    expect(claimsOf(await login('lisi')).act_uscc).toBe(company.uscc);
    await call('PUT', '/api/account/acting-for', { token: lisi, body: { uscc: null } });
  });
});

describe('an agent acts for a person with their SMS confirmation', () => {
  it('sends the code to the person, refuses a wrong code, records the mandate on the right one', async () => {
    const agent = await login('daiban-xuege');
    const lisi = population[1];
    const req = await call('POST', '/api/agent/mandates', {
      token: agent,
      body: { idNumber: lisi.idNumber, name: '李四', materialRef: 'SQWT-2026-0001' },
    });
    expect(req.status).toBe(201);
    expect(req.body.phone).toBe('138****0002');
    const sms = await eventually(async () => {
      const out = await call('GET', '/api/dev/outbox');
      return out.body.messages.find(
        (m: any) => m.phoneNumber === '+8613800000002' && m.message.includes('孙代办'),
      );
    }, 'the confirmation SMS');
    const code = /验证码 (\d{6})/.exec(sms.message)![1];
    const wrong = await call('POST', `/api/agent/mandates/${req.body.id}/confirm`, {
      token: agent,
      body: { code: code === '000000' ? '111111' : '000000' },
    });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.message).toContain('还可尝试');
    // Another person cannot confirm the agent's request.
    const stranger = await call('POST', `/api/agent/mandates/${req.body.id}/confirm`, {
      token: await login('zhangsan'),
      body: { code },
    });
    expect(stranger.status).toBe(403);
    const ok = await call('POST', `/api/agent/mandates/${req.body.id}/confirm`, {
      token: agent,
      body: { code },
    });
    expect(ok.status).toBe(200);
    const replay = await call('POST', `/api/agent/mandates/${req.body.id}/confirm`, {
      token: agent,
      body: { code },
    });
    expect(replay.status).toBe(404);
    const list = await call('GET', '/api/agent/mandates', { token: agent });
    // Other tests in the run may have added mandates of their own for this agent.
    expect(list.body.mandates).toEqual(
      expect.arrayContaining([expect.objectContaining({ personSub: 'demo-lisi', personName: '李*' })]),
    );
  });

  it('only agents may ask', async () => {
    const res = await call('POST', '/api/agent/mandates', {
      token: await login('zhangsan'),
      body: { idNumber: population[1].idNumber, name: '李四', materialRef: 'SQWT-2026-0002' },
    });
    expect(res.status).toBe(403);
  });
});

describe('operators manage roles, audited', () => {
  it('lists accounts masked, changes a role, and the change is in the audit log', async () => {
    const operator = await login('operator');
    const list = await call('GET', '/api/accounts?role=applicant', { token: operator });
    expect(list.status).toBe(200);
    const lisi = list.body.accounts.find((a: any) => a.sub === 'demo-lisi');
    expect(lisi.phone).toBe('138****0002');
    expect(lisi.idNumber).toMatch(/^3416\*{10}/);
    const zhao = person('赵桂兰');
    const reg = await registerWithCode('127.0.0.63', zhao, 'Zhao2026pass');
    const sub = reg.body.account.sub;
    const change = await call('PUT', `/api/accounts/${sub}/roles`, {
      token: operator,
      body: {
        roles: ['applicant', 'agent'],
        hall: 'lixin',
        agentPoint: '利辛县城关镇代办点',
        village: '城关镇',
      },
    });
    expect(change.status).toBe(200);
    expect(claimsOf(await login(zhao.phone, 'Zhao2026pass'))).toMatchObject({
      roles: ['applicant', 'agent'],
      agent_point: '利辛县城关镇代办点',
    });
    const audit = await call('GET', '/api/audit', { token: operator });
    const entry = audit.body.entries.find((e: any) => e.type === 'role_change' && e.subject === sub);
    expect(entry).toMatchObject({
      actor: 'demo-operator',
      details: { to: { roles: ['applicant', 'agent'] } },
    });
  });

  it('refuses non-operators and a staff role without a real department', async () => {
    expect((await call('GET', '/api/accounts', { token: await login('zhangsan') })).status).toBe(403);
    const operator = await login('operator');
    const res = await call('PUT', '/api/accounts/demo-lisi/roles', {
      token: operator,
      body: { roles: ['staff'], hall: 'lixin', dept: 'no-such-dept', posts: ['受理'] },
    });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('DEPT_UNKNOWN');
  });
});
