/**
 * The supervisor's alert queries through HTTP (functions/supervision): pages newest first with signed
 * cursors, filters by status, level and department read from their own index partitions, the
 * overdue list most late first with working days late, the dashboard's figures, hall scoping — and
 * 督办 with a reply deadline: an unanswered one escalates (a finding reported to the city, an SMS to
 * the supervisor who urged) on the existing timer machine; a replied one does not. Moves the dev clock.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { exampleForm } from '#domain/forms.ts';
import { population } from '#infra/seed/registries.ts';
import { call, eventually, login } from '../support/client.ts';
import { withMaterials } from '../support/materials.ts';
import { registerWithCode, smsTo } from './identity-helpers.ts';

const HALL = 'qiaocheng';
const api = (path: string) => `/api/halls/${HALL}${path}`;
const PASSWORD = 'Supervise2026pass';
// A supervisor of our own (a registry spare made supervisor): the escalation SMS goes to their phone.
const urger = population.find((p) => p.name === '单立新')!;

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
let city: string;
let otherHallSupervisor: string;
let ownSupervisor: string;
let itemCode = '';
let form: Record<string, string | boolean> = {};
const cases: string[] = [];
let dept = '';

async function staffToken(post: string): Promise<string> {
  const a = accounts.find(
    (x) => x.role === 'staff' && x.hall === HALL && x.dept === dept && x.posts?.includes(post),
  );
  if (!a) throw new Error(`no demo staff for ${dept} ${post}`);
  return login(a.username);
}

async function file(): Promise<string> {
  const key = randomUUID();
  const res = await call('POST', api('/cases'), {
    token: applicant,
    body: await withMaterials(applicant, HALL, { itemCode, form }, key),
    headers: { 'idempotency-key': key },
  });
  expect(res.status).toBe(201);
  return res.body.caseNo;
}

const detail = async (caseNo: string) =>
  (await call('GET', api(`/cases/${caseNo}`), { token: supervisor })).body;

/** Every page of a listing, following the cursors. */
async function allPages(path: string, token: string, limit: number) {
  const seen: any[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const res = await call(
      'GET',
      `${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      { token },
    );
    expect(res.status).toBe(200);
    expect(res.body.alerts.length).toBeLessThanOrEqual(limit);
    seen.push(...res.body.alerts);
    cursor = res.body.cursor;
    pages++;
  } while (cursor && pages < 200);
  return { alerts: seen, pages };
}

const idOf = (a: any) => `${a.caseNo}/${a.alertId}`;

beforeAll(async () => {
  accounts = (await call('GET', '/api/dev/accounts')).body.accounts;
  [applicant, operator, supervisor, city, otherHallSupervisor] = await Promise.all([
    login('zhangsan'),
    login('operator'),
    login(`${HALL}-jc`),
    login('supervisor'),
    login('lixin-jc'),
  ]);
  // A 受理→决定 item with a short limit, whose department has demo staff at both posts.
  for (let offset = 0; !itemCode && offset < 400; offset += 50) {
    const page = await call('GET', `/api/items?hallId=${HALL}&limit=50&offset=${offset}`);
    if (page.body.items.length === 0) break;
    for (const it of page.body.items) {
      const guide = (await call('GET', `/api/items/${encodeURIComponent(it.code)}`)).body;
      if (guide.processTemplate?.id === 'simple' && guide.item.promisedDays <= 15) {
        itemCode = it.code;
        form = exampleForm(guide.applicationForm, { phone: '13800000001' });
        break;
      }
    }
  }
  expect(itemCode).not.toBe('');
  // Our own supervisor of the hall, with a phone of their own.
  const reg = await registerWithCode('127.0.0.91', urger, PASSWORD);
  expect(reg.status).toBe(201);
  const change = await call('PUT', `/api/accounts/${reg.body.account.sub}/roles`, {
    token: operator,
    body: { roles: ['supervisor'], hall: HALL },
  });
  expect(change.status).toBe(200);
  ownSupervisor = await login(urger.phone, PASSWORD);

  // Three cases past every limit: each raises step and case alerts, yellow and red.
  for (let i = 0; i < 3; i++) cases.push(await file());
  for (const caseNo of cases) {
    const t = await eventually(async () => {
      const d = await detail(caseNo);
      return d.tasks?.find((x: any) => x.id.startsWith('accept#') && x.ready);
    }, `accept task of ${caseNo}`);
    dept = t.dept;
    const res = await call('POST', api(`/cases/${caseNo}/actions`), {
      token: await staffToken(t.post),
      body: { action: 'accept', taskId: t.id },
    });
    expect(res.status).toBe(200);
  }
  expect((await call('POST', '/api/dev/clock', { token: operator, body: { by: 'P12D' } })).status).toBe(200);
  for (const caseNo of cases)
    await eventually(
      async () => ((await detail(caseNo)).alerts?.length === 4 ? true : undefined),
      `four alerts of ${caseNo}`,
      60_000,
    );
}, 180_000);

describe('the alert list', () => {
  it('pages newest first with signed cursors, each alert once, however small the page', async () => {
    const one = await allPages(api('/alerts'), supervisor, 100);
    for (const limit of [1, 5]) {
      const paged = await allPages(api('/alerts'), supervisor, limit);
      // Every alert of the one-page listing, in the same order (timers of other files may add newer ones).
      const known = new Set(one.alerts.map(idOf));
      expect(paged.alerts.map(idOf).filter((id) => known.has(id))).toEqual(one.alerts.map(idOf));
      expect(new Set(paged.alerts.map(idOf)).size).toBe(paged.alerts.length);
    }
    const raised = one.alerts.map((a) => a.raisedAt);
    expect(raised).toEqual([...raised].sort().reverse());
    const ours = one.alerts.filter((a) => cases.includes(a.caseNo));
    expect(ours).toHaveLength(12);
  });

  it('filters by level, status and department from their own partitions, paged', async () => {
    const red = await allPages(api('/alerts?severity=red'), supervisor, 2);
    expect(red.alerts.length).toBeGreaterThanOrEqual(6);
    expect(red.alerts.every((a) => a.severity === 'red')).toBe(true);
    const redOpenOfDept = await allPages(api(`/alerts?severity=red&status=open&dept=${dept}`), supervisor, 2);
    expect(
      redOpenOfDept.alerts.every((a) => a.severity === 'red' && a.status === 'open' && a.dept === dept),
    ).toBe(true);
    expect(redOpenOfDept.alerts.filter((a) => cases.includes(a.caseNo))).toHaveLength(6);
    // Staff: their own department only, whatever they ask for; the overdue list is the supervisors'.
    const staff = await staffToken('决定');
    const theirs = await allPages(api('/alerts?dept=341602-no-such'), staff, 50);
    expect(theirs.alerts.length).toBeGreaterThan(0);
    expect(theirs.alerts.every((a) => a.dept === dept)).toBe(true);
    expect((await call('GET', api('/alerts?view=overdue'), { token: staff })).status).toBe(403);
    for (const bad of [
      '?severity=purple',
      '?status=closed',
      '?limit=0',
      '?limit=101',
      '?dept=a%20b',
      '?view=x',
    ])
      expect((await call('GET', api(`/alerts${bad}`), { token: supervisor })).status).toBe(400);
  });

  it('refuses a cursor edited, or taken from another filter or hall', async () => {
    const first = await call('GET', api('/alerts?severity=red&limit=1'), { token: city });
    const cursor: string = first.body.cursor;
    expect(cursor).toBeTruthy();
    const edited = `${cursor.slice(0, 5)}${cursor[5] === 'A' ? 'B' : 'A'}${cursor.slice(6)}`;
    for (const [path, c] of [
      [api('/alerts?severity=red&limit=1'), edited],
      [api('/alerts?severity=yellow&limit=1'), cursor],
      [api('/alerts?view=overdue&limit=1'), cursor],
      ['/api/halls/lixin/alerts?severity=red&limit=1', cursor],
    ] as const) {
      const res = await call('GET', `${path}&cursor=${encodeURIComponent(c)}`, { token: city });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('BAD_CURSOR');
    }
  });

  it('keeps each hall’s supervisor to their hall; the city’s sees every hall', async () => {
    for (const path of ['/alerts', '/alerts?view=overdue', '/alerts/summary']) {
      expect((await call('GET', `/api/halls/lixin${path}`, { token: supervisor })).status).toBe(403);
      expect((await call('GET', api(path), { token: otherHallSupervisor })).status).toBe(403);
      expect((await call('GET', `/api/halls/lixin${path}`, { token: city })).status).toBe(200);
    }
    const lixin = await allPages('/api/halls/lixin/alerts', city, 100);
    expect(lixin.alerts.some((a) => cases.includes(a.caseNo))).toBe(false);
  });
});

describe('the overdue list and the dashboard', () => {
  it('lists red alerts past their limit most late first, with working days late; a reply takes one off', async () => {
    const overdue = await allPages(api('/alerts?view=overdue'), supervisor, 3);
    const ours = overdue.alerts.filter((a) => cases.includes(a.caseNo));
    expect(ours).toHaveLength(6);
    expect(overdue.alerts.every((a) => a.severity !== 'yellow' && ['open', 'urged'].includes(a.status))).toBe(
      true,
    );
    const deadlines = overdue.alerts.map((a) => Date.parse(a.deadline));
    expect(deadlines).toEqual([...deadlines].sort((a, b) => a - b));
    const late = overdue.alerts.map((a) => a.lateDays);
    expect(late).toEqual([...late].sort((a, b) => b - a));
    expect(ours.every((a) => a.lateDays > 0)).toBe(true);

    const summary = await call('GET', api('/alerts/summary'), { token: supervisor });
    expect(summary.status).toBe(200);
    expect(summary.body.hallId).toBe(HALL);
    expect(summary.body.today.red).toBeGreaterThanOrEqual(6);
    expect(summary.body.today.yellow).toBeGreaterThanOrEqual(6);
    // (Other files' timers may still fire meanwhile: only our own alerts are counted exactly.)
    expect(summary.body.overdue).toBeGreaterThanOrEqual(ours.length);
    const ofDept = await call('GET', api(`/alerts/summary?dept=${dept}`), { token: supervisor });
    expect(ofDept.body.today.red).toBeGreaterThanOrEqual(6);

    // Urged: still overdue (and counted as waiting); replied: off the list.
    const target = ours[0];
    const path = api(`/cases/${target.caseNo}/alerts/${target.alertId}`);
    const urged = await call('POST', path, {
      token: supervisor,
      body: { action: 'urge', note: '请说明超期原因' },
    });
    expect(urged.status).toBe(200);
    expect(urged.body.replyBy).toMatch(/\+08:00$/);
    const during = await call('GET', api('/alerts/summary'), { token: supervisor });
    expect(during.body.urged).toBeGreaterThanOrEqual(summary.body.urged + 1);
    const reply = await call('POST', path, {
      token: await staffToken(target.post),
      body: { action: 'reply', note: '已办结，系系统故障所致' },
    });
    expect(reply.status).toBe(200);
    const after = await allPages(api('/alerts?view=overdue'), supervisor, 50);
    expect(after.alerts.map(idOf)).not.toContain(idOf(target));
    expect(after.alerts.filter((a) => cases.includes(a.caseNo))).toHaveLength(ours.length - 1);
  });
});

describe('督办 with a reply deadline', () => {
  it('escalates an unanswered 督办 to the city with an SMS to the supervisor; a replied one stays quiet', async () => {
    const open = (
      await allPages(api(`/alerts?status=open&severity=red&dept=${dept}`), supervisor, 50)
    ).alerts.filter((a) => cases.includes(a.caseNo));
    expect(open.length).toBeGreaterThanOrEqual(2);
    const [silent, answered] = open;
    const urge = (a: any) =>
      call('POST', api(`/cases/${a.caseNo}/alerts/${a.alertId}`), {
        token: ownSupervisor,
        body: { action: 'urge', note: '请两个工作日内书面说明' },
      });
    const first = await urge(silent);
    expect(first.status).toBe(200);
    expect((await urge(answered)).status).toBe(200);
    expect(
      (
        await call('POST', api(`/cases/${answered.caseNo}/alerts/${answered.alertId}`), {
          token: await staffToken(answered.post),
          body: { action: 'reply', note: '已说明原因并办结' },
        })
      ).status,
    ).toBe(200);
    const listed = (await detail(silent.caseNo)).alerts.find((a: any) => a.alertId === silent.alertId);
    expect(listed.urge).toMatchObject({ by: urger.name, replyBy: first.body.replyBy });

    expect((await call('POST', '/api/dev/clock', { token: operator, body: { by: 'P10D' } })).status).toBe(
      200,
    );
    const escalation = await eventually(
      async () =>
        (await detail(silent.caseNo)).alerts.find((a: any) => a.alertId === `${silent.alertId}.reply`),
      'the escalation finding',
      60_000,
    );
    expect(escalation).toMatchObject({
      severity: 'finding',
      scope: 'reply',
      status: 'open',
      dept: silent.dept,
      deadline: first.body.replyBy,
      escalation: { alertId: silent.alertId, urgedBy: urger.name, to: 'city' },
    });
    // The urged alert says it was reported (its department sees it in their list).
    const marked = (await detail(silent.caseNo)).alerts.find((a: any) => a.alertId === silent.alertId);
    expect(marked).toMatchObject({ status: 'urged', urge: { escalatedAt: escalation.raisedAt } });
    const sms = await smsTo(urger.phone, new RegExp(`${silent.caseNo}.*已上报市级监察`));
    expect(sms.message).toContain('您督办的');
    const inbox = await eventually(async () => {
      const messages = (await call('GET', '/api/dev/inbox')).body.messages as any[];
      return messages.find((m) => m.body?.alertId === escalation.alertId);
    }, 'the escalation on the alert topic');
    expect(inbox.subject).toBe('电子监察：督办逾期未回复（上报市级）');
    expect(inbox.body).toMatchObject({ escalatedTo: 'city', urgedAlertId: silent.alertId, scope: 'reply' });
    // On the overdue list, and counted as a 督办 past its reply deadline.
    const overdue = await allPages(api('/alerts?view=overdue'), city, 50);
    expect(overdue.alerts.map(idOf)).toContain(idOf(escalation));
    const summary = await call('GET', api('/alerts/summary'), { token: city });
    expect(summary.body.urgedOverdue).toBeGreaterThanOrEqual(1);
    expect(summary.body.escalated).toBeGreaterThanOrEqual(1);
    // The replied 督办's timer fired too (same instant) and found nothing to escalate.
    expect((await detail(answered.caseNo)).alerts.map((a: any) => a.alertId)).not.toContain(
      `${answered.alertId}.reply`,
    );
    // A closed alert cannot be urged; a second urge is a conflict.
    expect((await urge(silent)).status).toBe(409);
  });
});
