/**
 * 评价申诉 through HTTP, as case actions of the one catalogue: the department appeals a rating with a
 * reason; the hall's supervisor upholds it (the rating is marked excluded — 申诉成立 — and the open
 * rectification ends with that reason) or rejects it (the rectification goes on). Parallel decisions
 * give one winner; the applicant sees the state on their case page.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { exampleForm } from '#domain/forms.ts';
import { population } from '#infra/seed/registries.ts';
import { call, eventually, login } from '../support/client.ts';
import { withMaterials } from '../support/materials.ts';
import { registerWithCode, tally } from './identity-helpers.ts';

const HALL = 'qiaocheng';
const api = (path: string) => `/api/halls/${HALL}${path}`;

let applicant = '';
let supervisor = '';
let itemCode = '';
let form: Record<string, string | boolean> = {};
let accounts: any[] = [];

/** An instant (即办) item of the pilot hall: accepted = 办结, so it can be rated at once. */
beforeAll(async () => {
  accounts = (await call('GET', '/api/dev/accounts')).body.accounts;
  for (let offset = 0; !itemCode && offset < 400; offset += 50) {
    const page = await call('GET', `/api/items?hallId=${HALL}&limit=50&offset=${offset}`);
    if (page.body.items.length === 0) break;
    for (const it of page.body.items) {
      const guide = (await call('GET', `/api/items/${encodeURIComponent(it.code)}`)).body;
      if (guide.processTemplate?.id === 'instant' && !guide.item.fee?.charged) {
        itemCode = it.code;
        form = exampleForm(guide.applicationForm, { phone: '13912340052' });
        break;
      }
    }
  }
  expect(itemCode).not.toBe('');
  const me = population.find((p) => p.name === '苗雨桐')!;
  const reg = await registerWithCode('127.0.0.53', me, 'Appeal@2026a');
  expect([201, 409]).toContain(reg.status);
  [applicant, supervisor] = await Promise.all([login(me.phone, 'Appeal@2026a'), login(`${HALL}-jc`)]);
}, 90_000);

const detail = async (caseNo: string, token: string) => {
  const res = await call('GET', api(`/cases/${caseNo}`), { token });
  expect(res.status).toBe(200);
  return res.body;
};

const staffToken = (dept: string, post = '受理') =>
  login(
    accounts.find((a) => a.role === 'staff' && a.hall === HALL && a.dept === dept && a.posts?.includes(post))
      .username,
  );

/** A case filed, accepted (= 办结) and rated `level` by the applicant; with its department's 受理 staff. */
async function ratedCase(level: number) {
  const key = randomUUID();
  const filed = await call('POST', api('/cases'), {
    token: applicant,
    body: await withMaterials(applicant, HALL, { itemCode, form }, key),
    headers: { 'idempotency-key': key },
  });
  expect(filed.status, JSON.stringify(filed.body)).toBe(201);
  const caseNo = filed.body.caseNo as string;
  const task = await eventually(async () => {
    const d = await detail(caseNo, supervisor);
    return d.tasks.find((t: any) => t.ready);
  }, 'the acceptance task');
  const staff = await staffToken(task.dept, task.post);
  const accepted = await call('POST', api(`/cases/${caseNo}/actions`), {
    token: staff,
    body: { action: 'accept', taskId: task.id },
  });
  expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
  const rated = await call('POST', api(`/cases/${caseNo}/actions`), {
    token: applicant,
    body: { action: 'rate', rating: { level, comment: '测试评价' } },
  });
  expect(rated.status, JSON.stringify(rated.body)).toBe(200);
  return { caseNo, staff, dept: task.dept as string };
}

const act = (caseNo: string, token: string, action: string, reason?: string) =>
  call('POST', api(`/cases/${caseNo}/actions`), { token, body: { action, ...(reason ? { reason } : {}) } });

describe('评价申诉', () => {
  it('upheld: the 差评 no longer counts and its rectification ends with the reason', async () => {
    const { caseNo, staff, dept } = await ratedCase(1);
    // The rectification's 回访 is in the department's queue before anyone appeals.
    await eventually(async () => {
      const d = await detail(caseNo, staff);
      return d.tasks.find((t: any) => t.id === 'visit' && t.ready);
    }, 'the 差评回访 task');
    expect((await detail(caseNo, staff)).officialActions).toEqual(['appeal-rating']);
    expect((await detail(caseNo, supervisor)).officialActions).toEqual([]);
    const other = accounts.find((a) => a.role === 'staff' && a.hall === HALL && a.dept !== dept);
    expect((await act(caseNo, await login(other.username), 'appeal-rating', '恶意差评')).status).toBe(404);
    expect((await act(caseNo, applicant, 'appeal-rating', '恶意差评')).status).toBe(403);
    const noReason = await act(caseNo, staff, 'appeal-rating');
    expect(noReason.status).toBe(422);
    expect(noReason.body.error.code).toBe('REASON_REQUIRED');
    expect((await act(caseNo, staff, 'appeal-rating', '申请人当场表示满意，评价系误操作')).status).toBe(200);
    expect((await act(caseNo, staff, 'appeal-rating', '再申诉一次')).status).toBe(409);

    const own = await detail(caseNo, applicant);
    expect(own.rating.appeal).toMatchObject({
      status: 'pending',
      reason: '申请人当场表示满意，评价系误操作',
    });
    const pending = await call('GET', api('/appeals'), { token: supervisor });
    expect(pending.body.appeals.find((a: any) => a.caseNo === caseNo)).toMatchObject({
      rating: { level: 1, levelName: '非常不满意' },
      appeal: { status: 'pending' },
    });
    expect((await detail(caseNo, supervisor)).officialActions).toEqual(['appeal-uphold', 'appeal-reject']);
    expect((await act(caseNo, staff, 'appeal-uphold', '成立')).status).toBe(403);

    const decisions = await Promise.all(
      Array.from({ length: 4 }, () => act(caseNo, supervisor, 'appeal-uphold', '经电话核实，评价系误操作')),
    );
    expect(tally(decisions.map((r) => r.status))).toEqual({ 200: 1, 409: 3 });
    const d = await detail(caseNo, applicant);
    expect(d.rating).toMatchObject({ excluded: true, appeal: { status: 'upheld' } });
    expect(d.rectification.closed.note).toBe('差评申诉成立：经电话核实，评价系误操作');
    expect(d.events.map((e: any) => e.type)).toEqual(expect.arrayContaining(['评价申诉', '申诉审核']));
    // The 回访 task is gone from the case and from the queue (领取登记 still waits: not delivered here).
    expect((await detail(caseNo, staff)).tasks.map((t: any) => t.id)).toEqual(['deliver']);
    await eventually(async () => {
      const queue = await call('GET', api('/tasks'), { token: staff });
      return queue.body.tasks.some((t: any) => t.caseNo === caseNo && t.taskId === 'visit')
        ? undefined
        : true;
    }, 'the 回访 task out of the queue');
    const decided = await call('GET', api('/appeals?state=decided'), { token: staff });
    expect(decided.body.appeals.find((a: any) => a.caseNo === caseNo)).toMatchObject({
      appeal: { status: 'upheld' },
      rating: { excluded: true },
      rectification: { closed: true },
    });
  }, 120_000);

  it('rejected: the rating counts and the rectification goes on', async () => {
    const { caseNo, staff } = await ratedCase(2);
    expect((await act(caseNo, staff, 'appeal-rating', '评价内容与本事项无关')).status).toBe(200);
    expect((await act(caseNo, supervisor, 'appeal-reject', '评价反映了真实诉求，申诉不成立')).status).toBe(
      200,
    );
    const d = await detail(caseNo, applicant);
    expect(d.rating.excluded).toBeUndefined();
    expect(d.rating.appeal).toMatchObject({
      status: 'rejected',
      decision: { note: '评价反映了真实诉求，申诉不成立' },
    });
    expect(d.rectification.closed).toBeUndefined();
    await eventually(async () => {
      const s = await detail(caseNo, staff);
      return s.tasks.find((t: any) => t.id === 'visit') ? true : undefined;
    }, 'the 回访 still open');
  }, 120_000);

  it('nothing to decide without an appeal; after 10 days nothing can be appealed (dev clock)', async () => {
    const { caseNo, staff } = await ratedCase(5);
    expect((await detail(caseNo, staff)).officialActions).toEqual(['appeal-rating']);
    expect((await act(caseNo, supervisor, 'appeal-uphold', '无申诉')).status).toBe(409);
    const operator = await login('operator');
    expect((await call('POST', '/api/dev/clock', { token: operator, body: { by: 'P11D' } })).status).toBe(
      200,
    );
    expect((await detail(caseNo, staff)).officialActions).toEqual([]);
    const late = await act(caseNo, staff, 'appeal-rating', '误评');
    expect(late.status).toBe(409);
    expect(late.body.error.message).toContain('10 日内');
  }, 120_000);
});
