/** The lifecycle rules, walked step by step with the real working-day calendar. */
import { describe, expect, it } from 'vitest';
import {
  type ActionId,
  type ActionInput,
  type Actor,
  actionsFor,
  alertStillApplies,
  applicantActions,
  applyAction,
  type CaseState,
  initialState,
  openTasks,
  type PlanStep,
  statusOf,
  supervise,
  timerIsCurrent,
} from '#domain/process.ts';
import { calendar } from '#lib/calendar.ts';

const config = {
  yellow: { days: 1, fraction: 0.2 },
  prereviewDays: 5,
  rectification: { visitDays: 2, rectifyDays: 10 },
};
const T0 = '2026-03-02T02:00:00.000Z';
const step = (id: string, post: string, limitDays: number, depts = ['d1']): PlanStep => ({
  id,
  name: id,
  post,
  level: 'county',
  limitDays,
  depts,
});
const standard = [step('accept', '受理', 1), step('review', '审查', 8), step('decide', '决定', 5)];
const staff = (dept = 'd1'): Actor => ({ kind: 'staff', name: '王受理员', dept, deptName: '民政局' });
const applicant: Actor = { kind: 'applicant', name: '张三' };

/** Apply an action on the only (or named) open task; fail loudly when the rules refuse. */
function act(
  s: CaseState,
  action: ActionId,
  input: ActionInput = {},
  at = '2026-03-02T02:00:00.000Z',
  who = staff(),
) {
  const task = openTasks(s).find((t) => t.dept === who.dept) ?? openTasks(s)[0];
  const r = applyAction(s, action, input, who, at, who.kind === 'staff' ? task?.id : undefined);
  if (!r.ok) throw new Error(`${action}: ${r.code} ${r.message}`);
  return r;
}

const filed = (plan = standard, promisedDays = 14) =>
  initialState({ plan, deptCode: 'd1', promisedDays, filedAt: '2026-03-02T01:00:00.000Z' });

describe('the standard path', () => {
  it('runs 受理 → 审查 → 决定 → 领取登记 with the ten events', () => {
    let s = filed();
    expect(openTasks(s).map((t) => t.id)).toEqual(['accept#d1']);
    expect(actionsFor(s, openTasks(s)[0], T0)).toEqual(['prereview', 'accept', 'refuse', 'correct']);
    const types: string[] = [];
    for (const [action, input] of [
      ['prereview', {}],
      ['accept', {}],
      ['pass', {}],
      ['approve', { result: '准予登记' }],
      ['deliver', { method: '邮寄', tracking: 'SF1234567890' }],
    ] as [ActionId, ActionInput][]) {
      const r = act(s, action, input);
      types.push(...r.events.map((e) => e.type));
      expect(r.answered.length).toBe(action === 'prereview' ? 0 : 1);
      s = r.state;
    }
    expect(types).toEqual(['网上预受理', '受理', '审批（处理）', '办结', '领取登记']);
    expect(statusOf(s)).toBe('delivered');
    expect(openTasks(s)).toEqual([]);
  });

  it('completes an instant (即办) case on acceptance', () => {
    const r = act(filed([step('accept', '受理', 0)], 0), 'accept');
    expect(r.events.map((e) => e.type)).toEqual(['网上预受理', '受理', '办结']);
    expect(r.state.phase).toBe('delivery');
    expect(openTasks(r.state).map((t) => [t.id, t.post])).toEqual([['deliver', '窗口']]);
  });

  it('refuses and denies only with reasons, and tells the remedy', () => {
    const s = filed();
    const task = openTasks(s)[0].id;
    expect(applyAction(s, 'refuse', {}, staff(), '2026-03-02T02:00:00Z', task)).toMatchObject({
      ok: false,
      code: 'REASON_REQUIRED',
      field: 'reason',
    });
    const refused = act(s, 'refuse', { reason: '不属于本机关职权范围' });
    expect(statusOf(refused.state)).toBe('refused');
    expect(refused.events[0]).toMatchObject({ type: '受理', outcome: '不予受理' });
    let t = act(act(s, 'accept').state, 'pass').state;
    const denied = act(t, 'deny', { reason: '不符合法定条件' });
    expect(denied.state.result?.remedy).toMatch(/行政复议/);
    t = denied.state;
    expect(t.phase).toBe('closed');
  });

  it('refuses actions that do not belong to the step or the actor', () => {
    const s = filed();
    const task = openTasks(s)[0].id;
    expect(applyAction(s, 'approve', {}, staff(), '2026-03-02T02:00:00Z', task)).toMatchObject({
      ok: false,
      code: 'ACTION_NOT_ALLOWED',
    });
    expect(applyAction(s, 'accept', {}, applicant, '2026-03-02T02:00:00Z')).toMatchObject({
      ok: false,
      code: 'FORBIDDEN',
    });
    expect(applyAction(s, 'deem-accept', {}, staff(), '2026-03-02T02:00:00Z')).toMatchObject({ ok: false });
  });
});

describe('corrections (补交告知)', () => {
  it('stop the clock until the supplement is accepted, and a second one is a finding', () => {
    let s = filed();
    expect(() => act(s, 'correct', { items: [] })).toThrow('ITEMS_REQUIRED');
    let r = act(s, 'correct', { items: ['户口簿复印件', '近期照片'] }, '2026-03-02T02:00:00Z');
    expect(r.events[0].note).toBe('请补交：户口簿复印件；近期照片');
    s = r.state;
    expect(statusOf(s)).toBe('correcting');
    expect(openTasks(s)).toEqual([expect.objectContaining({ id: 'supplement', kind: 'applicant' })]);
    expect(supervise(s, '2026-03-03T02:00:00Z', calendar, config).timers).toEqual({});
    r = act(s, 'supplement', { note: '已上传' }, '2026-03-04T02:00:00Z', applicant);
    s = r.state;
    expect(actionsFor(s, openTasks(s)[0], T0)).toEqual(['accept-supplement', 'refuse', 'correct']);
    r = act(s, 'accept-supplement', {}, '2026-03-04T03:00:00Z');
    expect(r.events.map((e) => e.type)).toEqual(['补交受理', '受理']);
    s = r.state;
    expect(s.pauses).toEqual([{ from: '2026-03-02T02:00:00Z', to: '2026-03-04T03:00:00Z', reason: '补正' }]);
    r = act(s, 'correct', { items: ['营业执照'] }, '2026-03-05T02:00:00Z');
    expect(r.findings).toEqual([{ kind: 'repeat-correction', note: expect.stringContaining('第 2 次') }]);
  });
});

describe('special procedures (特别程序)', () => {
  it('need a type and a duration, stop the clock and shift the deadline by the paused working days', () => {
    let s = act(filed(), 'accept', {}, '2026-03-02T02:00:00Z').state;
    expect(() => act(s, 'special-start', { special: { type: '喝茶', expectedDays: 3 } })).toThrow(
      'SPECIAL_REQUIRED',
    );
    const before = supervise(s, '2026-03-03T02:00:00Z', calendar, config).deadlines.case!;
    s = act(s, 'special-start', { special: { type: '检验', expectedDays: 3 } }, '2026-03-03T00:00:00Z').state;
    expect(statusOf(s)).toBe('special');
    expect(supervise(s, '2026-03-04T00:00:00Z', calendar, config).timers).toEqual({});
    // Beijing 2026-03-03 08:00 → 2026-03-05 08:00: two whole working days stood still.
    s = act(s, 'special-result', { result: '检验合格' }, '2026-03-05T00:00:00Z').state;
    const after = supervise(s, '2026-03-05T00:00:00Z', calendar, config).deadlines;
    expect(after.pausedDays).toBe(2);
    expect(calendar.workingDaysBetween(new Date(before), new Date(after.case!))).toBe(2);
  });
});

describe('joint (联办) steps', () => {
  it('wait for every department before the decision', () => {
    const plan = [
      step('accept', '受理', 1),
      step('review', '审查', 10, ['d1', 'd2']),
      step('decide', '决定', 5),
    ];
    let s = act(filed(plan), 'accept').state;
    expect(openTasks(s).map((t) => t.id)).toEqual(['review#d1', 'review#d2']);
    expect(actionsFor(s, openTasks(s)[0], T0)).toEqual(['pass']);
    s = act(s, 'pass', {}, undefined, staff('d2')).state;
    expect(openTasks(s).map((t) => t.id)).toEqual(['review#d1']);
    s = act(s, 'pass', {}, undefined, staff('d1')).state;
    expect(openTasks(s).map((t) => t.id)).toEqual(['decide#d1']);
  });
});

describe('withdrawal and deemed acceptance', () => {
  it('lets the applicant withdraw before the decision, answering every open task', () => {
    const r = act(filed(), 'withdraw', { reason: '不再需要' }, undefined, applicant);
    expect(statusOf(r.state)).toBe('withdrawn');
    expect(r.answered).toEqual([{ taskId: 'accept#d1', output: { decision: 'withdrawn' } }]);
    const decided = act(act(act(filed(), 'accept').state, 'pass').state, 'approve').state;
    expect(applyAction(decided, 'withdraw', {}, applicant, '2026-03-09T00:00:00Z')).toMatchObject({
      ok: false,
      code: 'ACTION_NOT_ALLOWED',
    });
  });

  it('deems a case accepted when the system says so, at the acceptance step only', () => {
    const r = applyAction(
      filed(),
      'deem-accept',
      {},
      { kind: 'system', name: '系统' },
      '2026-03-09T16:00:00Z',
    );
    expect(r).toMatchObject({ ok: true, events: [{ type: '受理', outcome: '视为受理' }] });
  });
});

describe('deadlines and timers', () => {
  it('puts the deemed acceptance five working days after filing', () => {
    // Filed Monday 2026-03-02 09:00 Beijing: Tue..Mon → the end of Monday 03-09.
    const { deadlines, timers } = supervise(filed(), '2026-03-02T01:00:00Z', calendar, config);
    expect(deadlines.deemAccept).toBe('2026-03-09T16:00:00Z');
    expect(timers.deem).toEqual({ fireAt: '2026-03-09T16:00:00Z' });
    // The acceptance step's own limit is one working day: the end of Tuesday.
    expect(timers['step-red']).toEqual({ fireAt: '2026-03-03T16:00:00Z', stepId: 'accept' });
  });

  it('counts across National Day 2026 with the make-up Saturday', () => {
    // Accepted Monday 09-28: 09-29, 09-30, (10-01..07 off), 10-08, 10-09, 10-10 (Sat, worked) → ends 10-10 24:00.
    const s = act(filed(undefined, 5), 'accept', {}, '2026-09-28T02:00:00Z').state;
    const { deadlines, timers } = supervise(s, '2026-09-28T02:00:00Z', calendar, config);
    expect(deadlines.case).toBe('2026-10-10T16:00:00Z');
    expect(timers['case-red']).toEqual({ fireAt: '2026-10-10T16:00:00Z' });
    // 20 % of 5 days is 1 day, the same as the 1-day threshold: yellow at the start of 10-10.
    expect(timers['case-yellow']).toEqual({ fireAt: '2026-10-09T16:00:00Z' });
  });

  it('recognises a stale timer', () => {
    const current = { 'step-red': { fireAt: '2026-03-03T16:00:00Z', stepId: 'review' } };
    expect(timerIsCurrent(current, 'step-red', { fireAt: '2026-03-03T16:00:00Z', stepId: 'review' })).toBe(
      true,
    );
    expect(timerIsCurrent(current, 'step-red', { fireAt: '2026-03-02T16:00:00Z', stepId: 'review' })).toBe(
      false,
    );
    expect(timerIsCurrent(current, 'step-red', { fireAt: '2026-03-03T16:00:00Z', stepId: 'accept' })).toBe(
      false,
    );
    expect(timerIsCurrent({}, 'case-red', { fireAt: '2026-03-03T16:00:00Z' })).toBe(false);
  });

  it('has no timers once the case is decided', () => {
    const s = act(act(act(filed(), 'accept').state, 'pass').state, 'approve').state;
    expect(supervise(s, '2026-03-05T00:00:00Z', calendar, config).timers).toEqual({});
  });
});

describe('deadlines across the year end', () => {
  it('computes a deadline in a year without an official schedule, and marks it provisional', () => {
    const december = initialState({
      plan: standard,
      deptCode: 'd1',
      promisedDays: 20,
      filedAt: '2026-12-14T01:00:00.000Z',
    });
    const accepted = act(december, 'accept', {}, '2026-12-14T02:00:00.000Z').state;
    const { deadlines, timers } = supervise(accepted, '2026-12-14T02:00:00.000Z', calendar, config);
    expect(deadlines.case! > '2027-01-01').toBe(true);
    expect(deadlines.provisional).toContain('case');
    expect(deadlines.provisional).not.toContain('step'); // the review step ends in December
    expect(timers['case-red']?.fireAt).toBe(deadlines.case);
    // A deadline inside the official year is not provisional.
    const march = supervise(act(filed(), 'accept').state, '2026-03-02T02:00:00.000Z', calendar, config);
    expect(march.deadlines.provisional).toBeUndefined();
  });
});

describe('好差评 after 办结', () => {
  /** A case approved and collected on 2026-03-03 (Tuesday). */
  function delivered() {
    let s = filed([step('accept', '受理', 1), step('decide', '决定', 5)]);
    s = act(s, 'accept', {}, '2026-03-02T03:00:00.000Z').state;
    s = act(s, 'approve', { result: '准予' }, '2026-03-03T02:00:00.000Z').state;
    return act(s, 'deliver', { method: '自取' }, '2026-03-03T03:00:00.000Z').state;
  }
  const rate = (
    s: CaseState,
    level: 1 | 2 | 3 | 4 | 5,
    at = '2026-03-04T02:00:00.000Z',
    action: ActionId = 'rate',
  ) =>
    applyAction(
      s,
      action,
      { rating: { level, tags: ['超过承诺办理时间'], comment: ' 跑了两趟 ' } },
      applicant,
      at,
    );

  it('is offered to the applicant once, within 30 days of 办结, and records a 评价 event', () => {
    const s = delivered();
    expect(applicantActions(s, '2026-03-04T02:00:00.000Z')).toEqual(['rate']);
    expect(applicantActions(s, '2026-04-03T02:00:00.000Z')).toEqual([]);
    const r = rate(s, 4);
    if (!r.ok) throw new Error(r.message);
    expect(r.state.rating).toMatchObject({ level: 4, comment: '跑了两趟' });
    expect(r.events).toEqual([expect.objectContaining({ type: '评价', outcome: '满意' })]);
    expect(r.opens).toBeUndefined();
    expect(applicantActions(r.state, '2026-03-05T02:00:00.000Z')).toEqual([]);
    expect(rate(r.state, 5)).toMatchObject({ ok: false, code: 'ACTION_NOT_ALLOWED' });
  });

  it('is refused without a level, with a level out of range, from staff, or before 办结', () => {
    const s = delivered();
    expect(applyAction(s, 'rate', {}, applicant, T0)).toMatchObject({ ok: false, code: 'RATING_REQUIRED' });
    expect(applyAction(s, 'rate', { rating: { level: 7 as never } }, applicant, T0)).toMatchObject({
      ok: false,
      code: 'RATING_REQUIRED',
    });
    expect(applyAction(s, 'rate', { rating: { level: 5 } }, staff(), T0)).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(applyAction(filed(), 'rate', { rating: { level: 5 } }, applicant, T0)).toMatchObject({
      code: 'ACTION_NOT_ALLOWED',
    });
  });

  it('a 差评 opens a rectification: 回访 then 整改 on their own track, timed, then the fix is rated', () => {
    const rated = rate(delivered(), 2);
    if (!rated.ok) throw new Error(rated.message);
    expect(rated.opens).toBe('rectification');
    let s = rated.state;
    expect(openTasks(s, 'case')).toEqual([]);
    expect(openTasks(s, 'rectification')).toEqual([
      expect.objectContaining({ id: 'visit', dept: 'd1', post: '受理' }),
    ]);
    // Rated Wednesday 10:00: 回访 within 2 working days, 整改 within 10.
    const { deadlines, timers } = supervise(s, '2026-03-04T02:00:00.000Z', calendar, config);
    expect(deadlines.visit).toBe('2026-03-06T16:00:00Z'); // the end of Friday, Beijing time
    expect(deadlines.rectify).toBe('2026-03-18T16:00:00Z');
    expect(Object.keys(timers).sort()).toEqual([
      'rectify-red',
      'rectify-yellow',
      'visit-red',
      'visit-yellow',
    ]);
    expect(actionsFor(s, openTasks(s)[0], T0)).toEqual(['rect-visit']);
    expect(applyAction(s, 'rect-visit', {}, staff(), T0, 'visit')).toMatchObject({ code: 'RESULT_REQUIRED' });
    s = act(
      s,
      'rect-visit',
      { result: '3月5日电话联系申请人，核实为窗口未一次告知' },
      '2026-03-05T02:00:00.000Z',
    ).state;
    expect(openTasks(s).map((t) => t.id)).toEqual(['rectify']);
    expect(Object.keys(supervise(s, '2026-03-05T02:00:00.000Z', calendar, config).timers).sort()).toEqual([
      'rectify-red',
      'rectify-yellow',
    ]);
    expect(applicantActions(s, '2026-03-05T02:00:00.000Z')).toEqual([]);
    s = act(s, 'rect-fix', { result: '已对窗口人员培训，并修订办事指南' }, '2026-03-10T02:00:00.000Z').state;
    expect(openTasks(s)).toEqual([]);
    expect(supervise(s, '2026-03-10T02:00:00.000Z', calendar, config).timers).toEqual({});
    expect(applicantActions(s, '2026-03-11T02:00:00.000Z')).toEqual(['re-rate']);
    const again = rate(s, 4, '2026-03-11T02:00:00.000Z', 're-rate');
    if (!again.ok) throw new Error(again.message);
    expect(again.state.rectification?.rating?.level).toBe(4);
    expect(again.state.rating?.level).toBe(2);
    expect(again.events[0]).toMatchObject({ type: '整改评价', outcome: '满意' });
  });

  it('alerts apply while their step or limit runs, and findings always', () => {
    let s = filed();
    expect(alertStillApplies({ scope: 'deem' }, s)).toBe(true);
    s = act(s, 'accept').state;
    expect(alertStillApplies({ scope: 'deem' }, s)).toBe(false);
    expect(alertStillApplies({ scope: 'step', stepId: 'accept' }, s)).toBe(false);
    expect(alertStillApplies({ scope: 'step', stepId: 'review' }, s)).toBe(true);
    expect(alertStillApplies({ scope: 'case' }, s)).toBe(true);
    const refused = act(filed(), 'refuse', { reason: '不属于本部门职权范围' }).state;
    expect(alertStillApplies({ scope: 'case' }, refused)).toBe(false);
    expect(alertStillApplies({ scope: 'process' }, refused)).toBe(true);
    const bad = rate(delivered(), 2);
    if (!bad.ok) throw new Error(bad.message);
    expect(alertStillApplies({ scope: 'visit' }, bad.state)).toBe(true);
    expect(alertStillApplies({ scope: 'rectify' }, bad.state)).toBe(true);
  });

  it('keeps the case track and the rectification track apart while the result waits for 领取', () => {
    let s = filed([step('accept', '受理', 1), step('decide', '决定', 5)]);
    s = act(s, 'accept', {}, '2026-03-02T03:00:00.000Z').state;
    s = act(s, 'approve', { result: '准予' }, '2026-03-03T02:00:00.000Z').state;
    const r = rate(s, 1);
    if (!r.ok) throw new Error(r.message);
    s = r.state;
    expect(openTasks(s, 'case').map((t) => t.id)).toEqual(['deliver']);
    expect(openTasks(s, 'rectification').map((t) => t.id)).toEqual(['visit']);
    const [deliver, visit] = openTasks(s);
    expect(actionsFor(s, deliver, T0)).toEqual(['deliver']);
    expect(actionsFor(s, visit, T0)).toEqual(['rect-visit']);
  });
});
