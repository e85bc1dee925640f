/**
 * Loading a year's official holiday schedule, end to end: cases of two halls whose limits run into
 * 2027 are given provisional deadlines; an operator loads an official 2027 schedule that differs
 * from the provisional one in early January; every such case in every hall is recomputed once by
 * the calendar job (moved count per hall in the answer and the audit), its deadline moves, the
 * 暂定 mark goes, the timer for the new instant is started; the same load again moves nothing.
 *
 * Business time moves to Wednesday 2026-11-18 (the clock only goes forward; no later test depends
 * on March: Nov–Dec have no holidays, and 2027 is official afterwards, so no notice either).
 */
import { randomUUID } from 'node:crypto';
import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { exampleForm } from '#domain/forms.ts';
import { call, eventually, login } from '../support/client.ts';
import { withMaterials } from '../support/materials.ts';

const TODAY = '2026-11-18';
/** A 2027 schedule as the State Council might publish it; it differs from the provisional one. */
const OFFICIAL_2027 = {
  source: '国务院办公厅关于2027年部分节假日安排的通知（测试用）',
  holidays: [
    '2027-01-01..2027-01-04',
    '2027-02-05..2027-02-11',
    '2027-04-03..2027-04-05',
    '2027-05-01..2027-05-05',
    '2027-06-09',
    '2027-09-15',
    '2027-10-01..2027-10-07',
  ],
  workdays: ['2027-01-30', '2027-02-20', '2027-04-25', '2027-09-26', '2027-10-09'],
};

/**
 * Items whose promised limit, counted from acceptance on 2026-11-18, ends in January 2027: before
 * the load on the provisional calendar (2027-01-04 a working day), after it one working day later.
 */
const CASES = [
  {
    hall: 'qiaocheng',
    itemCode: '11341602MB8184211C-0700040-000',
    days: 32,
    provisional: '2027-01-05T00:00:00+08:00',
    official: '2027-01-06T00:00:00+08:00',
  },
  {
    hall: 'city',
    itemCode: '11341600MB3509996G-0700040-000',
    days: 40,
    provisional: '2027-01-15T00:00:00+08:00',
    official: '2027-01-16T00:00:00+08:00',
  },
] as const;

const env = inject('localCloudEnv');
const sfn = env
  ? new SFNClient({
      endpoint: env.AWS_ENDPOINT_URL_SFN,
      region: env.AWS_REGION,
      credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY },
    })
  : undefined;
afterAll(() => sfn?.destroy());

let operator: string;
let applicant: string;
let supervisor: string;
const filed: { hall: string; caseNo: string; version: number }[] = [];

const detail = async (hall: string, caseNo: string) => {
  const res = await call('GET', `/api/halls/${hall}/cases/${caseNo}`, { token: supervisor });
  expect(res.status).toBe(200);
  return res.body;
};

/** PUT the schedule; a 202 (still recomputing) is followed until the load is finished. */
async function load(body: unknown) {
  const res = await call('PUT', '/api/calendar/years/2027', { token: operator, body });
  if (res.status !== 202) return res;
  const revision = res.body.load.revision;
  const done = await eventually(
    async () => {
      const loads = (await call('GET', '/api/calendar/loads', { token: operator })).body.loads;
      const mine = loads.find((l: any) => l.revision === revision);
      return mine?.status === 'running' ? undefined : mine;
    },
    'the calendar job',
    120_000,
  );
  return { ...res, status: 200, body: { ...res.body, moved: done.moved, load: done } };
}

beforeAll(async () => {
  const accounts = (await call('GET', '/api/dev/accounts')).body.accounts as any[];
  [operator, applicant, supervisor] = await Promise.all([
    login('operator'),
    login('zhangsan'),
    login('supervisor'),
  ]);
  const target = `${TODAY}T10:00:00+08:00`;
  const clock = (await call('GET', '/api/dev/clock')).body;
  if (clock.beijing.slice(0, 10) > TODAY) throw new Error(`business clock already past ${TODAY}`);
  if (Date.parse(clock.now) < Date.parse(target)) {
    const moved = await call('POST', '/api/dev/clock', { token: operator, body: { to: target } });
    expect(moved.status).toBe(200);
  }

  for (const c of CASES) {
    const guide = (await call('GET', `/api/items/${c.itemCode}`)).body;
    expect(guide.item.promisedDays).toBe(c.days);
    const key = randomUUID();
    const body = { itemCode: c.itemCode, form: exampleForm(guide.applicationForm, { phone: '13800000001' }) };
    const res = await call('POST', `/api/halls/${c.hall}/cases`, {
      token: applicant,
      body: await withMaterials(applicant, c.hall, body, key),
      headers: { 'idempotency-key': key },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const caseNo = res.body.caseNo as string;
    const task = await eventually(async () => {
      const d = await detail(c.hall, caseNo);
      return d.tasks.find((t: any) => t.id.startsWith('accept#') && t.ready);
    }, `acceptance task of ${caseNo}`);
    const staff = accounts.find(
      (a) => a.role === 'staff' && a.hall === c.hall && a.dept === task.dept && a.posts.includes(task.post),
    );
    const accepted = await call('POST', `/api/halls/${c.hall}/cases/${caseNo}/actions`, {
      token: await login(staff.username),
      body: { action: 'accept', taskId: task.id },
    });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    const d = await detail(c.hall, caseNo);
    filed.push({ hall: c.hall, caseNo, version: d.version });
  }
});

describe('loading the official 2027 schedule', () => {
  it('warns operators in November while 2027 is provisional', async () => {
    const { body } = await call('GET', '/api/calendar');
    expect(body).toMatchObject({ lastOfficialDate: '2026-12-31', provisionalYears: [2027, 2028] });
    expect(body.notice).toMatchObject({ code: 'CALENDAR_NEXT_YEAR_PROVISIONAL', year: 2027 });
  });

  it('gives the cases provisional deadlines into January 2027', async () => {
    for (const [i, c] of CASES.entries()) {
      const d = await detail(c.hall, filed[i].caseNo);
      expect(d.deadline).toBe(c.provisional);
      expect(d.provisional).toContain('case');
    }
  });

  it('is for operators only, and refuses nonsense with a stable code in Chinese', async () => {
    expect((await call('PUT', '/api/calendar/years/2027', { body: OFFICIAL_2027 })).status).toBe(401);
    const staffTry = await call('PUT', '/api/calendar/years/2027', { token: applicant, body: OFFICIAL_2027 });
    expect(staffTry.status).toBe(403);
    const empty = await call('PUT', '/api/calendar/years/2027', {
      token: operator,
      body: { source: OFFICIAL_2027.source, holidays: [], workdays: [] },
    });
    expect(empty.status).toBe(422);
    expect(empty.body.error.code).toBe('CALENDAR_COUNT_IMPLAUSIBLE');
    expect(empty.body.error.message).toMatch(/放假日期/);
    const far = await call('PUT', '/api/calendar/years/2031', { token: operator, body: OFFICIAL_2027 });
    expect(far.status).toBe(422);
    expect(far.body.error.code).toBe('CALENDAR_YEAR_OUT_OF_RANGE');
    const both = await call('PUT', '/api/calendar/years/2027', {
      token: operator,
      body: { ...OFFICIAL_2027, workdays: [...OFFICIAL_2027.workdays, '2027-01-02'] },
    });
    expect(both.status).toBe(422);
    expect(both.body.error.code).toBe('CALENDAR_DAY_BOTH');
    expect(both.body.error.details).toContainEqual(expect.objectContaining({ field: 'workdays[5]' }));
    // Nothing was loaded by any of them.
    expect((await call('GET', '/api/calendar')).body.provisionalYears).toEqual([2027, 2028]);
  });

  it('recomputes the open cases of every hall once and reports how many moved where', async () => {
    const res = await load(OFFICIAL_2027);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const { changed, moved, load: report } = res.body;
    expect(changed).toBe(true);
    expect(report).toMatchObject({ year: 2027, status: 'done', by: expect.any(String) });
    expect(report.changes).toContainEqual({ date: '2027-01-04', before: true, after: false });
    const byHall = Object.fromEntries(report.halls.map((h: any) => [h.hallId, h]));
    expect(Object.keys(byHall).sort()).toEqual([
      'city',
      'guoyang',
      'jingkai',
      'lixin',
      'mengcheng',
      'qiaocheng',
    ]);
    for (const c of CASES) expect(byHall[c.hall].moved).toBeGreaterThanOrEqual(1);
    expect(moved).toBe(report.halls.reduce((n: number, h: any) => n + h.moved, 0));
    expect(report.halls.every((h: any) => !h.error && h.conflicts === 0)).toBe(true);

    // Audited, with the count per hall.
    const audit = await call('GET', '/api/audit?type=calendar_recompute', { token: operator });
    expect(audit.status).toBe(200);
    const entry = audit.body.entries.find((e: any) => e.details?.revision === report.revision);
    expect(entry?.details).toMatchObject({ year: 2027, status: 'done', moved });
    for (const c of CASES) expect(entry.details.halls[c.hall]).toBe(byHall[c.hall].moved);
  });

  it('moves the deadlines, drops the 暂定 mark and starts the timers of the new instants', async () => {
    for (const [i, c] of CASES.entries()) {
      const d = await detail(c.hall, filed[i].caseNo);
      expect(d.deadline).toBe(c.official);
      expect(d.provisional ?? []).not.toContain('case');
      expect(d.version).toBe(filed[i].version + 1);
      filed[i].version = d.version;
      if (!sfn) continue;
      // The cases stream starts one timer execution per new instant (supervision-stream.ts).
      const fireAt = Math.floor(Date.parse(c.official) / 1000);
      const arn = `arn:aws-cn:states:cn-north-1:000000000000:execution:hall-${c.hall}-timer:${filed[i].caseNo}_case-red_${fireAt}`;
      const execution = await eventually(
        () =>
          sfn.send(new DescribeExecutionCommand({ executionArn: arn })).then(
            (r) => r,
            () => undefined,
          ),
        `the red timer of ${filed[i].caseNo} at ${c.official}`,
      );
      expect(execution.status).toBe('RUNNING');
    }
    const { body } = await call('GET', '/api/calendar');
    expect(body).toMatchObject({ lastOfficialDate: '2027-12-31', provisionalYears: [2028, 2029] });
    expect(body.notice).toBeUndefined();
  });

  it('moves nothing when the same schedule is loaded again', async () => {
    const res = await load(OFFICIAL_2027);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ changed: false, moved: 0 });
    for (const [i, c] of CASES.entries())
      expect((await detail(c.hall, filed[i].caseNo)).version).toBe(filed[i].version);
  });
});
