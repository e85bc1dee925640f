/**
 * 在线咨询 and 评价申诉 as pure rules: consultation numbers, the answer's working-day limit and its
 * timers, answer / rate / publish; the appeal of a rating (one catalogue action by the department, the
 * supervisor's decision), with the rectification it ends.
 */
import { describe, expect, it } from 'vitest';
import {
  answerConsultation,
  type ConsultState,
  consultSuffix,
  consultTimerIsCurrent,
  formatConsultNo,
  isConsultNo,
  mayRate,
  publishFaq,
  questionProblem,
  rateConsultation,
  superviseConsultation,
} from '#domain/consultation.ts';
import {
  type ActionId,
  type Actor,
  alertStillApplies,
  applyAction,
  type CaseState,
  caseActionsBy,
  initialState,
  openTasks,
  type PlanStep,
  supervise,
} from '#domain/process.ts';
import { isCaseNo } from '#functions/cases/model.ts';
import { calendar } from '#lib/calendar.ts';

const yellow = { days: 1, fraction: 0.2 };
// Monday 10:00 Beijing.
const ASKED = '2026-03-02T02:00:00.000Z';
const open: ConsultState = { status: 'open', askedAt: ASKED };

describe('consultation numbers', () => {
  it('are ZX + hall code + day + 6 characters, never a case number', () => {
    const no = formatConsultNo(
      '341602',
      '2026-03-02',
      consultSuffix(() => 0.5),
    );
    expect(no).toMatch(/^ZX341602-20260302-[0-9A-Z]{6}$/);
    expect(isConsultNo(no)).toBe(true);
    expect(isCaseNo(no)).toBe(false);
    expect(isConsultNo('341602-20260302-000001')).toBe(false);
    expect(isConsultNo('ZX341602-20260302-ab')).toBe(false);
  });
});

describe('the answer limit', () => {
  it('is answerDays working days, with yellow before red and never before halfway', () => {
    const { deadlines, timers } = superviseConsultation(open, calendar, { answerDays: 5, yellow });
    // Five working days from Monday 10:00: the end of the next Monday, Beijing time.
    expect(deadlines.answer).toBe('2026-03-09T16:00:00Z');
    expect(Date.parse(timers['answer-yellow']!.fireAt)).toBeLessThan(
      Date.parse(timers['answer-red']!.fireAt),
    );
    expect(timers['answer-red']!.fireAt).toBe(deadlines.answer);
    expect(consultTimerIsCurrent(timers, 'answer-red', timers['answer-red']!)).toBe(true);
    expect(consultTimerIsCurrent(timers, 'answer-red', { fireAt: ASKED })).toBe(false);
  });

  it('skips the weekend, and stops once answered', () => {
    // Friday 17:00: one working day ends on Monday.
    const friday = superviseConsultation({ status: 'open', askedAt: '2026-03-06T09:00:00.000Z' }, calendar, {
      answerDays: 1,
      yellow,
    });
    expect(friday.deadlines.answer).toBe('2026-03-09T16:00:00Z');
    const answered = answerConsultation(open, '请携带身份证', '王受理员', '2026-03-03T02:00:00.000Z');
    if (!answered.ok) throw new Error(answered.message);
    expect(superviseConsultation(answered.state, calendar, { answerDays: 5, yellow })).toEqual({
      deadlines: {},
      timers: {},
    });
  });
});

describe('answer, rate, publish', () => {
  it('answers once, with text', () => {
    expect(answerConsultation(open, '  ', '王', ASKED)).toMatchObject({ ok: false, code: 'RESULT_REQUIRED' });
    const r = answerConsultation(open, ' 请携带身份证原件 ', '王', ASKED);
    if (!r.ok) throw new Error(r.message);
    expect(r.state.answer).toEqual({ text: '请携带身份证原件', by: '王', at: ASKED });
    expect(answerConsultation(r.state, '再答一次', '李', ASKED)).toMatchObject({
      ok: false,
      code: 'CONFLICT',
    });
  });

  it('is rated once, after the answer, within 30 days', () => {
    expect(rateConsultation(open, { level: 5 }, ASKED)).toMatchObject({ code: 'ACTION_NOT_ALLOWED' });
    const a = answerConsultation(open, '请携带身份证', '王', ASKED);
    if (!a.ok) throw new Error(a.message);
    expect(mayRate(a.state, '2026-04-02T02:00:00.000Z')).toBe(false);
    const r = rateConsultation(a.state, { level: 2, tags: ['服务态度差'] }, '2026-03-03T02:00:00.000Z');
    if (!r.ok) throw new Error(r.message);
    expect(r.state.rating).toMatchObject({ level: 2, tags: ['服务态度差'] });
    expect(rateConsultation(r.state, { level: 5 }, '2026-03-03T03:00:00.000Z')).toMatchObject({
      code: 'CONFLICT',
    });
  });

  it('publishes an answered question with the department’s edited texts only', () => {
    expect(publishFaq(open, { question: '需要什么材料？', answer: '身份证' }, '王', ASKED)).toMatchObject({
      code: 'ACTION_NOT_ALLOWED',
    });
    const a = answerConsultation(open, '请携带身份证', '王', ASKED);
    if (!a.ok) throw new Error(a.message);
    expect(publishFaq(a.state, { question: '短', answer: '身份证' }, '王', ASKED)).toMatchObject({
      field: 'question',
    });
    const p = publishFaq(a.state, { question: ' 办理需要什么材料？ ', answer: '身份证原件' }, '王', ASKED);
    if (!p.ok) throw new Error(p.message);
    expect(p.state.faq).toEqual({
      question: '办理需要什么材料？',
      answer: '身份证原件',
      by: '王',
      at: ASKED,
    });
    expect(questionProblem('x'.repeat(1001))).toContain('1000');
  });
});

describe('评价申诉', () => {
  const plan: PlanStep[] = [
    { id: 'accept', name: '受理', post: '受理', level: 'county', limitDays: 1, depts: ['d1'] },
  ];
  const staff: Actor = { kind: 'staff', name: '王受理员', dept: 'd1', deptName: '民政局' };
  const dept: Actor = { kind: 'department', name: '王受理员', dept: 'd1', deptName: '民政局' };
  const supervisor: Actor = { kind: 'supervisor', name: '赵监察' };
  const applicant: Actor = { kind: 'applicant', name: '张三' };
  const at = (d: number) => new Date(Date.parse('2026-03-02T02:00:00.000Z') + d * 86_400_000).toISOString();

  function step(s: CaseState, action: ActionId, input: object, who: Actor, at: string, taskId?: string) {
    const r = applyAction(s, action, input, who, at, taskId);
    if (!r.ok) throw new Error(`${action}: ${r.code} ${r.message}`);
    return r;
  }
  /** An instant (即办) case, accepted = 办结 on day 0, rated `level` on day 1. */
  function rated(level: 1 | 2 | 3 | 4 | 5) {
    let s = initialState({ plan, deptCode: 'd1', promisedDays: 1, filedAt: at(0) });
    s = step(s, 'accept', {}, staff, at(0), 'accept#d1').state;
    return step(s, 'rate', { rating: { level } }, applicant, at(1)).state;
  }

  it('is the department’s, once, with a reason, within 10 days of the rating', () => {
    const s = rated(1);
    expect(caseActionsBy('department', s, at(2))).toEqual(['appeal-rating']);
    expect(caseActionsBy('department', s, at(12))).toEqual([]);
    expect(caseActionsBy('supervisor', s, at(2))).toEqual([]);
    expect(applyAction(s, 'appeal-rating', {}, dept, at(2))).toMatchObject({ code: 'REASON_REQUIRED' });
    expect(applyAction(s, 'appeal-rating', { reason: '恶意' }, applicant, at(2))).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(applyAction(s, 'appeal-rating', { reason: '恶意' }, staff, at(2))).toMatchObject({
      code: 'FORBIDDEN',
    });
    const r = step(s, 'appeal-rating', { reason: '申请人所述情况与事实不符' }, dept, at(2));
    expect(r.state.rating?.appeal).toMatchObject({ status: 'pending', reason: '申请人所述情况与事实不符' });
    expect(r.events).toEqual([expect.objectContaining({ type: '评价申诉' })]);
    expect(caseActionsBy('department', r.state, at(3))).toEqual([]);
    expect(caseActionsBy('supervisor', r.state, at(3))).toEqual(['appeal-uphold', 'appeal-reject']);
  });

  it('upheld: the rating no longer counts and the open rectification ends with that reason', () => {
    const s = step(rated(1), 'appeal-rating', { reason: '恶意差评' }, dept, at(2)).state;
    expect(openTasks(s, 'rectification').map((t) => t.id)).toEqual(['visit']);
    expect(applyAction(s, 'appeal-uphold', { reason: '查实' }, dept, at(3))).toMatchObject({
      code: 'FORBIDDEN',
    });
    const r = step(s, 'appeal-uphold', { reason: '经核实，评价与事实不符' }, supervisor, at(3));
    expect(r.state.rating).toMatchObject({ excluded: true, appeal: { status: 'upheld' } });
    expect(r.state.rectification?.closed?.note).toBe('差评申诉成立：经核实，评价与事实不符');
    expect(r.answered).toEqual([{ taskId: 'visit', output: { decision: 'appeal-upheld' } }]);
    expect(openTasks(r.state, 'rectification')).toEqual([]);
    const { timers } = supervise(r.state, at(3), calendar, {
      yellow,
      prereviewDays: 5,
      rectification: { visitDays: 2, rectifyDays: 10 },
    });
    expect(Object.keys(timers)).toEqual([]);
    expect(alertStillApplies({ scope: 'visit' }, r.state)).toBe(false);
    expect(caseActionsBy('supervisor', r.state, at(4))).toEqual([]);
  });

  it('rejected: the rating counts and the rectification goes on', () => {
    const s = step(rated(2), 'appeal-rating', { reason: '恶意差评' }, dept, at(2)).state;
    const r = step(s, 'appeal-reject', { reason: '证据不足' }, supervisor, at(3));
    expect(r.state.rating?.excluded).toBeUndefined();
    expect(r.state.rating?.appeal).toMatchObject({ status: 'rejected', decision: { note: '证据不足' } });
    expect(openTasks(r.state, 'rectification').map((t) => t.id)).toEqual(['visit']);
    expect(r.answered).toEqual([]);
  });

  it('a good rating may be appealed too (mistaken), with nothing to close', () => {
    const s = step(rated(5), 'appeal-rating', { reason: '误评' }, dept, at(2)).state;
    const r = step(s, 'appeal-uphold', { reason: '属误评' }, supervisor, at(3));
    expect(r.state.rating?.excluded).toBe(true);
    expect(r.state.rectification).toBeUndefined();
  });
});
