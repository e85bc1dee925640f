/**
 * Every process template through the real ASL on the local Step Functions endpoint, with the dev
 * clock: happy paths, refusal, one-time correction, special procedure, deemed acceptance, yellow
 * and red alerts with 督办, withdrawal, joint and multi-level steps. Business time in this run
 * starts on Monday 2026-03-02 (test/support/global-setup.ts) and only moves forward.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { exampleForm } from '#domain/forms.ts';
import { population } from '#infra/seed/registries.ts';
import { call, eventually, login } from '../support/client.ts';
import { withMaterials } from '../support/materials.ts';

const HALL = 'qiaocheng';
const api = (path: string) => `/api/halls/${HALL}${path}`;

interface Account {
  username: string;
  role: string;
  hall?: string;
  dept?: string;
  posts?: string[];
}

let accounts: Account[];
let applicant: string;
let operator: string;
let supervisor: string;
const tokens = new Map<string, string>();
/** One item code of the pilot hall for each process template. */
const itemFor: Record<string, string> = {};
/** A filled application form each of those items accepts. */
const formFor: Record<string, Record<string, string | boolean>> = {};

async function staffToken(dept: string, post: string): Promise<string> {
  const account = accounts.find(
    (a) => a.role === 'staff' && a.hall === HALL && a.dept === dept && a.posts?.includes(post),
  );
  if (!account) throw new Error(`no demo staff for ${dept} ${post}`);
  if (!tokens.has(account.username)) tokens.set(account.username, await login(account.username));
  return tokens.get(account.username)!;
}

beforeAll(async () => {
  accounts = (await call('GET', '/api/dev/accounts')).body.accounts;
  [applicant, operator, supervisor] = await Promise.all([
    login('zhangsan'),
    login('operator'),
    login(`${HALL}-jc`),
  ]);
  const wanted = new Set(['instant', 'simple', 'standard', 'joint', 'multilevel', 'town-county']);
  for (let offset = 0; wanted.size > 0 && offset < 400; offset += 50) {
    const page = await call('GET', `/api/items?hallId=${HALL}&limit=50&offset=${offset}`);
    if (page.body.items.length === 0) break;
    for (const it of page.body.items) {
      if (wanted.size === 0) break;
      const guide = (await call('GET', `/api/items/${encodeURIComponent(it.code)}`)).body;
      const template = guide.processTemplate?.id;
      // Short promised limits keep the dev clock's jumps small.
      if (wanted.has(template) && guide.item.promisedDays <= 15) {
        itemFor[template] = it.code;
        formFor[it.code] = exampleForm(guide.applicationForm, { phone: '13800000001' });
        wanted.delete(template);
      }
    }
  }
  expect(Object.keys(itemFor).sort()).toEqual([
    'instant',
    'joint',
    'multilevel',
    'simple',
    'standard',
    'town-county',
  ]);
});

async function file(template: string): Promise<{ caseNo: string; queryCode: string }> {
  const key = randomUUID();
  const body = { itemCode: itemFor[template], form: formFor[itemFor[template]] };
  const res = await call('POST', api('/cases'), {
    token: applicant,
    body: await withMaterials(applicant, HALL, body, key),
    headers: { 'idempotency-key': key },
  });
  expect(res.status).toBe(201);
  return res.body;
}

const detail = async (caseNo: string, token = applicant) => {
  const res = await call('GET', api(`/cases/${caseNo}`), { token });
  expect(res.status).toBe(200);
  return res.body;
};

/** Waits until the case has a ready open task whose id starts with `prefix`; returns it. */
async function task(caseNo: string, prefix: string) {
  return eventually(async () => {
    const d = await detail(caseNo, supervisor);
    return d.tasks.find((t: any) => t.id.startsWith(prefix) && t.ready);
  }, `task ${prefix} of ${caseNo}`);
}

/** The staff holding `prefix`'s task acts on it. */
async function act(caseNo: string, prefix: string, action: string, extra: Record<string, unknown> = {}) {
  const t = await task(caseNo, prefix);
  const token = t.kind === 'applicant' ? applicant : await staffToken(t.dept, t.post);
  const res = await call('POST', api(`/cases/${caseNo}/actions`), {
    token,
    body: { action, taskId: t.id, ...extra },
  });
  if (res.status !== 200)
    throw new Error(`${action} on ${caseNo}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

async function applicantAct(caseNo: string, action: string, extra: Record<string, unknown> = {}) {
  return call('POST', api(`/cases/${caseNo}/actions`), { token: applicant, body: { action, ...extra } });
}

const eventTypes = async (caseNo: string) => (await detail(caseNo)).events.map((e: any) => e.type);

async function advanceClock(by: string) {
  const res = await call('POST', '/api/dev/clock', { token: operator, body: { by } });
  expect(res.status).toBe(200);
  return res.body;
}

async function smsFor(caseNo: string, text: string) {
  return eventually(async () => {
    const out = await call('GET', '/api/dev/outbox');
    return out.body.messages.find((m: any) => m.message.includes(caseNo) && m.message.includes(text));
  }, `SMS “${text}” for ${caseNo}`);
}

describe('the templates, start to end', () => {
  it('standard: 受理 → 审查 → 决定 → 领取登记, with SMS and an untampered timeline', async () => {
    const { caseNo, queryCode } = await file('standard');
    await act(caseNo, 'accept#', 'prereview');
    await act(caseNo, 'accept#', 'accept');
    await act(caseNo, 'review#', 'pass', { note: '材料真实有效' });
    await act(caseNo, 'decide#', 'approve', { result: '准予' });
    await act(caseNo, 'deliver', 'deliver', { method: '邮寄', tracking: 'SF1234567890' });
    const d = await eventually(async () => {
      const x = await detail(caseNo);
      return x.status === 'delivered' ? x : undefined;
    }, 'delivered');
    expect(d.events.map((e: any) => e.type)).toEqual([
      '申办',
      '网上预受理',
      '受理',
      '审批（处理）',
      '办结',
      '领取登记',
    ]);
    for (const e of d.events) expect(e.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
    await smsFor(caseNo, '已受理');
    await smsFor(caseNo, '结果：准予');
    // Staff hear of each new task in their queue.
    const taskSms = await smsFor(caseNo, '您有一件新的待办');
    expect(taskSms.phoneNumber).toMatch(/^\+861\d{10}$/);
    const verify = await call('GET', api(`/cases/${caseNo}/verify`), { token: applicant });
    expect(verify.body).toMatchObject({ ok: true, events: 6 });
    const progress = await call('GET', api(`/progress?caseNo=${caseNo}&code=${queryCode}`));
    expect(progress.body).toMatchObject({
      status: 'delivered',
      currentStep: '已办结',
      result: { outcome: 'approved', outcomeName: '准予' },
    });
  });

  it('instant (即办件): done on acceptance', async () => {
    const { caseNo } = await file('instant');
    await act(caseNo, 'accept#', 'accept');
    await task(caseNo, 'deliver');
    expect(await eventTypes(caseNo)).toEqual(['申办', '网上预受理', '受理', '办结']);
  });

  it('joint (联办): every department reviews in parallel before the decision', async () => {
    const { caseNo } = await file('joint');
    await act(caseNo, 'accept#', 'accept');
    const d = await eventually(async () => {
      const x = await detail(caseNo, supervisor);
      return x.tasks.filter((t: any) => t.ready).length === 2 ? x : undefined;
    }, 'two joint review tasks');
    const depts = d.tasks.map((t: any) => t.dept);
    expect(new Set(depts).size).toBe(2);
    await act(caseNo, `review#${depts[1]}`, 'pass');
    expect((await detail(caseNo, supervisor)).tasks.map((t: any) => t.dept)).toEqual([depts[0]]);
    await act(caseNo, `review#${depts[0]}`, 'pass');
    await act(caseNo, 'decide#', 'approve');
    expect(await eventTypes(caseNo)).toEqual([
      '申办',
      '网上预受理',
      '受理',
      '审批（处理）',
      '审批（处理）',
      '办结',
    ]);
  });

  it('multi-level: each step lands with the department of its level', async () => {
    for (const template of ['multilevel', 'town-county']) {
      const { caseNo } = await file(template);
      const plan = (await detail(caseNo)).plan;
      expect(new Set(plan.map((s: any) => s.depts[0])).size).toBeGreaterThan(1);
      for (const [i, step] of plan.entries()) {
        const t = await task(caseNo, `${step.id}#`);
        expect(t.dept).toBe(step.depts[0]);
        await act(caseNo, `${step.id}#`, i === 0 ? 'accept' : i === plan.length - 1 ? 'approve' : 'pass');
      }
      await task(caseNo, 'deliver');
    }
  });
});

describe('refusal, correction, special procedure, withdrawal', () => {
  it('refuses with a reason only, and tells the applicant', async () => {
    const { caseNo } = await file('simple');
    const t = await task(caseNo, 'accept#');
    const token = await staffToken(t.dept, t.post);
    const noReason = await call('POST', api(`/cases/${caseNo}/actions`), {
      token,
      body: { action: 'refuse' },
    });
    expect(noReason.status).toBe(422);
    expect(noReason.body.error.code).toBe('REASON_REQUIRED');
    await act(caseNo, 'accept#', 'refuse', { reason: '申请事项不属于本机关职权范围' });
    expect((await detail(caseNo)).status).toBe('refused');
    await smsFor(caseNo, '不予受理');
  });

  it('a 补交告知 too long for an SMS is texted shortened; replaying failed SMS is for operators', async () => {
    // Ten items of 200 characters used to make an SMS SNS refuses (over 1,600): the template now
    // names the first items and how many there are (SMS_VAR_MAX, functions/notify/templates.ts). A
    // number SNS refuses is kept apart and resent: test/unit/streams.test.ts.
    const { caseNo } = await file('standard');
    const items = Array.from({ length: 10 }, (_, i) => `第${i + 1}项`.padEnd(200, '材'));
    await act(caseNo, 'accept#', 'correct', { items });
    const sms = await smsFor(caseNo, '需要补交材料');
    expect([...sms.message].length).toBeLessThan(300);
    expect(sms.message).toContain('等 10 项');
    expect((await call('GET', '/api/dev/dead-letters')).body.sms.some((s: any) => s.caseNo === caseNo)).toBe(
      false,
    );
    const replay = (token?: string) =>
      call('POST', '/api/dev/dead-letters/replay', { token, body: { kind: 'sms', hall: HALL } });
    expect((await replay()).status).toBe(401);
    expect((await replay(applicant)).status).toBe(403);
    expect((await replay(operator)).status).toBe(200);
  });

  it('one-time correction: the clock stops, the applicant supplements, 补交受理 resumes it', async () => {
    const { caseNo } = await file('standard');
    await act(caseNo, 'accept#', 'correct', { items: ['户口簿复印件', '一寸免冠照片'] });
    await smsFor(caseNo, '需要补交材料：户口簿复印件；一寸免冠照片');
    const waiting = await detail(caseNo);
    expect(waiting).toMatchObject({ status: 'correcting', applicantActions: ['supplement', 'withdraw'] });
    expect(waiting.deemedAcceptanceAt).toBeUndefined();
    await task(caseNo, 'supplement');
    expect((await applicantAct(caseNo, 'supplement', { note: '已补交' })).status).toBe(200);
    await act(caseNo, 'accept#', 'accept-supplement');
    expect(await eventTypes(caseNo)).toEqual(['申办', '补交告知', '补交材料', '补交受理', '受理']);
    // A second notice on the same case is an e-supervision finding.
    await act(caseNo, 'review#', 'correct', { items: ['营业执照'] });
    const alerts = (await detail(caseNo, supervisor)).alerts;
    expect(alerts).toEqual([
      expect.objectContaining({ severity: 'finding', note: expect.stringContaining('第 2 次') }),
    ]);
  });

  it('special procedure: the clock stands still and the deadline moves by the paused days', async () => {
    const { caseNo } = await file('standard');
    await act(caseNo, 'accept#', 'accept');
    await task(caseNo, 'review#');
    const before = (await detail(caseNo)).deadline;
    await act(caseNo, 'review#', 'special-start', { special: { type: '专家评审', expectedDays: 2 } });
    await smsFor(caseNo, '需进行专家评审，预计2个工作日');
    await task(caseNo, 'special#');
    await advanceClock('P2D');
    await act(caseNo, 'special#', 'special-result', { result: '专家评审通过' });
    const after = await detail(caseNo);
    expect(after.pausedWorkingDays).toBeGreaterThan(0);
    expect(Date.parse(after.deadline)).toBeGreaterThan(Date.parse(before));
    expect(after.events.map((e: any) => e.type)).toContain('特别程序结果');
  });

  it('withdrawal before the decision ends the case and empties the queues', async () => {
    const { caseNo } = await file('simple');
    const t = await task(caseNo, 'accept#');
    const res = await applicantAct(caseNo, 'withdraw', { reason: '信息填写有误，重新申请' });
    expect(res.status).toBe(200);
    expect((await detail(caseNo)).status).toBe('withdrawn');
    const queue = await call('GET', api('/tasks'), { token: await staffToken(t.dept, t.post) });
    expect(queue.body.tasks.some((q: any) => q.caseNo === caseNo)).toBe(false);
    expect((await applicantAct(caseNo, 'withdraw')).status).toBe(409);
  });
});

describe('time limits and e-supervision (dev clock)', () => {
  it('deems a case accepted after five working days without a decision', async () => {
    const { caseNo } = await file('simple');
    await task(caseNo, 'accept#');
    const due = (await detail(caseNo)).deemedAcceptanceAt;
    expect(due).toMatch(/\+08:00$/);
    await advanceClock('P8D');
    const accepted = await eventually(async () => {
      const d = await detail(caseNo);
      return d.status === 'accepted' ? d : undefined;
    }, 'deemed acceptance');
    expect(accepted.events.at(-1)).toMatchObject({ type: '受理', outcome: '视为受理', actor: '系统' });
    await smsFor(caseNo, '依法视为受理');
  });

  it('raises yellow then red for the step and the case, and supervisors urge, the department replies', async () => {
    const { caseNo } = await file('simple');
    await act(caseNo, 'accept#', 'accept');
    const t = await task(caseNo, 'decide#');
    const d = await detail(caseNo, supervisor);
    expect(d.stepDeadline).toMatch(/\+08:00$/);
    const severities = async () =>
      ((await detail(caseNo, supervisor)).alerts as any[]).map((a) => `${a.scope}-${a.severity}`).sort();
    // Past every deadline of this case: the timers fire in order, each alert once.
    await advanceClock('P12D');
    await eventually(
      async () => ((await severities()).length === 4 ? true : undefined),
      'four alerts (step and case, yellow and red)',
    );
    expect(await severities()).toEqual(['case-red', 'case-yellow', 'step-red', 'step-yellow']);
    await smsFor(caseNo, '电子监察红牌超期');
    // Each alert went to the hall's supervisors' topic: locally, the dev page's inbox.
    const inbox = await eventually(async () => {
      const messages = (await call('GET', '/api/dev/inbox')).body.messages as any[];
      const mine = messages.filter((m) => m.body?.caseNo === caseNo);
      return mine.length === 4 ? mine : undefined;
    }, 'four alerts in the supervisors’ inbox');
    expect(inbox.map((m) => `${m.body.scope}-${m.attributes.severity}`).sort()).toEqual(await severities());
    for (const m of inbox) {
      expect(m.topicArn).toMatch(new RegExp(`:hall-${HALL}-alerts$`));
      expect(m.subject).toBe(m.attributes.severity === 'red' ? '电子监察：红牌超期' : '电子监察：黄牌预警');
      expect(m.body).toMatchObject({ hall: HALL, dept: t.dept, severity: m.attributes.severity });
    }
    const staff = await staffToken(t.dept, t.post);
    const queue = await call('GET', api('/tasks'), { token: staff });
    expect(queue.body.tasks.find((q: any) => q.caseNo === caseNo)).toMatchObject({ mark: 'red' });
    const list = await call('GET', api('/alerts?severity=red'), { token: supervisor });
    const red = list.body.alerts.find((a: any) => a.caseNo === caseNo && a.scope === 'step');
    expect(red).toMatchObject({ status: 'open', dept: t.dept });
    const path = api(`/cases/${caseNo}/alerts/${red.alertId}`);
    expect(
      (await call('POST', path, { token: staff, body: { action: 'urge', note: '请尽快办理' } })).status,
    ).toBe(403);
    expect(
      (
        await call('POST', path, {
          token: supervisor,
          body: { action: 'urge', note: '请于今日办结并说明原因' },
        })
      ).status,
    ).toBe(200);
    expect(
      (await call('POST', path, { token: supervisor, body: { action: 'urge', note: '再次督办' } })).status,
    ).toBe(409);
    const reply = await call('POST', path, {
      token: staff,
      body: { action: 'reply', note: '已于当日办结，系人员请假所致' },
    });
    expect(reply.body.status).toBe('replied');
  });
});

describe('filing for someone else', () => {
  it('an agent files for a person who confirmed the mandate by SMS; the case shows both', async () => {
    const agent = await login('daiban-xuege');
    // With a mandate, the agent uploads the person's materials into a draft of their own for them.
    const filing = async (forPerson: string) => {
      const key = randomUUID();
      const body = { itemCode: itemFor.simple, forPerson, form: formFor[itemFor.simple] };
      return call('POST', api('/cases'), {
        token: agent,
        body: await withMaterials(agent, HALL, body, key, forPerson),
        headers: { 'idempotency-key': key },
      });
    };
    expect((await filing('demo-zhangsan')).status).toBe(403);
    const zhangsan = population[0];
    const req = await call('POST', '/api/agent/mandates', {
      token: agent,
      body: { idNumber: zhangsan.idNumber, name: zhangsan.name, materialRef: 'SQWT-2026-0101' },
    });
    expect(req.status).toBe(201);
    const sms = await eventually(async () => {
      const out = await call('GET', '/api/dev/outbox');
      return out.body.messages.find(
        (m: any) => m.phoneNumber === '+8613800000001' && /验证码 \d{6}/.test(m.message),
      );
    }, 'the mandate code');
    const code = /验证码 (\d{6})/.exec(sms.message)![1];
    expect(
      (await call('POST', `/api/agent/mandates/${req.body.id}/confirm`, { token: agent, body: { code } }))
        .status,
    ).toBe(200);
    const filed = await filing('demo-zhangsan');
    expect(filed.status).toBe(201);
    const own = await detail(filed.body.caseNo);
    expect(own).toMatchObject({ applicant: { name: '张三' }, agent: { name: '孙代办' } });
    const mine = await call('GET', api('/cases'), { token: applicant });
    expect(mine.body.cases.some((c: any) => c.caseNo === filed.body.caseNo)).toBe(true);
    const agents = await call('GET', api('/cases'), { token: agent });
    expect(agents.body.cases.some((c: any) => c.caseNo === filed.body.caseNo)).toBe(true);
  });
});

describe('好差评 and the rectification of a 差评', () => {
  it('a 差评 opens 回访 then 整改 in the department’s queue, timed and supervised; the applicant rates the fix', async () => {
    const { caseNo, queryCode } = await file('instant');
    await act(caseNo, 'accept#', 'accept');
    await act(caseNo, 'deliver', 'deliver', { method: '自取' });
    const before = await eventually(async () => {
      const d = await detail(caseNo);
      return d.applicantActions.includes('rate') ? d : undefined;
    }, 'rating offered');
    expect(before.ratingOpenUntil).toMatch(/\+08:00$/);
    // Bad ratings: no level, a level that is not one of the five, from staff.
    expect((await applicantAct(caseNo, 'rate', {})).body.error.code).toBe('RATING_REQUIRED');
    expect((await applicantAct(caseNo, 'rate', { rating: { level: 6 } })).body.error.code).toBe(
      'RATING_REQUIRED',
    );
    expect((await applicantAct(caseNo, 'rate', { rating: { level: '5' } })).status).toBe(400);
    const someStaff = await staffToken(before.plan[0].depts[0], before.plan[0].post);
    expect(
      (
        await call('POST', api(`/cases/${caseNo}/actions`), {
          token: someStaff,
          body: { action: 'rate', rating: { level: 5 } },
        })
      ).status,
    ).toBe(403);

    // Over-long or oversized input is a 400, never a 5xx.
    expect(
      (await applicantAct(caseNo, 'rate', { rating: { level: 2, comment: '长'.repeat(501) } })).status,
    ).toBe(400);
    expect(
      (await applicantAct(caseNo, 'rate', { rating: { level: 2, tags: Array(60).fill('其他') } })).status,
    ).toBe(400);
    // Eight tabs send at once: one rating, the rest told it is done.
    const body = {
      rating: {
        level: 1,
        tags: ['服务态度差', '不存在的标签'],
        comment: '窗口说话很冲',
        dimensions: { overall: 1 },
      },
    };
    const statuses = await Promise.all(
      Array.from({ length: 8 }, async () => (await applicantAct(caseNo, 'rate', body)).status),
    );
    expect(statuses.sort()).toEqual([200, 409, 409, 409, 409, 409, 409, 409]);
    expect((await applicantAct(caseNo, 'rate', { rating: { level: 5 } })).status).toBe(409);
    const d = await detail(caseNo);
    expect(d.rating).toMatchObject({
      level: 1,
      levelName: '非常不满意',
      tags: ['服务态度差'],
      comment: '窗口说话很冲',
    });
    expect(d.events.at(-1)).toMatchObject({ type: '评价', outcome: '非常不满意' });
    expect(d.rectification.visitDeadline).toMatch(/\+08:00$/);

    // 回访 reaches the queue of the post that received the case, ordered by its own deadline.
    const visit = await task(caseNo, 'visit');
    const staff = await staffToken(visit.dept, visit.post);
    const queue = await call('GET', api('/tasks'), { token: staff });
    expect(queue.body.tasks.find((q: any) => q.caseNo === caseNo)).toMatchObject({
      taskId: 'visit',
      task: '差评回访',
      deadline: d.rectification.visitDeadline,
    });
    await expect(act(caseNo, 'visit', 'rect-visit', {})).rejects.toThrow(/RESULT_REQUIRED/);
    await act(caseNo, 'visit', 'rect-visit', { result: '电话联系申请人，核实窗口人员态度问题' });

    // 整改 left undone past its limit: yellow then red, to the department.
    await task(caseNo, 'rectify');
    await advanceClock('P16D');
    const alerts = await eventually(async () => {
      const list = ((await detail(caseNo, supervisor)).alerts as any[]).filter((a) => a.scope === 'rectify');
      return list.length === 2 ? list : undefined;
    }, 'rectification alerts');
    expect(alerts.map((a) => `${a.scope}-${a.severity}`).sort()).toEqual(['rectify-red', 'rectify-yellow']);
    expect(alerts[0]).toMatchObject({ dept: visit.dept, post: visit.post });
    await act(caseNo, 'rectify', 'rect-fix', { result: '已对窗口人员批评教育并组织服务规范培训' });
    await smsFor(caseNo, '承办部门已整改：已对窗口人员批评教育');
    // Nobody urged them, and the rectification is done: they close by themselves, saying so.
    const closed = await eventually(async () => {
      const list = (await detail(caseNo, supervisor)).alerts as any[];
      return list.every((a) => a.status === 'resolved')
        ? list.filter((a) => a.scope === 'rectify')
        : undefined;
    }, 'rectification alerts closed by themselves');
    expect(closed[0].resolved.note).toBe('差评已整改，预警自动关闭');

    const fixed = await eventually(async () => {
      const x = await detail(caseNo);
      return x.applicantActions.includes('re-rate') ? x : undefined;
    }, 're-rating offered');
    expect(fixed.tasks).toEqual([]);
    expect((await applicantAct(caseNo, 're-rate', { rating: { level: 4 } })).status).toBe(200);
    const progress = await call('GET', api(`/progress?caseNo=${caseNo}&code=${queryCode}`));
    expect(progress.body.rectification).toMatchObject({
      visit: { note: '电话联系申请人，核实窗口人员态度问题' },
      fix: { note: '已对窗口人员批评教育并组织服务规范培训' },
      rating: { level: 4, levelName: '满意' },
    });
    expect(progress.body.events.map((e: any) => e.type).slice(-4)).toEqual([
      '评价',
      '差评回访',
      '差评整改',
      '整改评价',
    ]);
  });
});
