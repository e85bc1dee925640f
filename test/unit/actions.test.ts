/** The action catalogue: one entry per action, and everything derived from it agrees. */
import { describe, expect, it } from 'vitest';
import {
  ACTION_IDS,
  ACTIONS,
  actionBodySchema,
  actionLabel,
  checkActionInput,
  type FieldSpec,
  fieldOfCode,
  REQUESTABLE_ACTIONS,
} from '#domain/actions.ts';
import { actionsFor, applicantActions, initialState, openTasks, statusOf } from '#domain/process.ts';
import { REFUSAL_STATUS } from '#domain/refusal.ts';

const parse = (body: unknown) => actionBodySchema.safeParse(body);

describe('the catalogue', () => {
  it('gives every required field a refusal code that maps to 422', () => {
    for (const id of ACTION_IDS) {
      for (const f of ACTIONS[id].fields as readonly FieldSpec[]) {
        if (f.required) expect(REFUSAL_STATUS[f.required.code], `${id}.${f.kind}`).toBe(422);
      }
    }
  });

  it('offers system actions to nobody through the API', () => {
    expect(REQUESTABLE_ACTIONS).not.toContain('deem-accept');
    expect(parse({ action: 'deem-accept' }).success).toBe(false);
  });

  it('labels a pass by the step it passes', () => {
    expect(actionLabel('pass', { name: '审查', post: '审查' })).toBe('审查通过');
    expect(actionLabel('pass', { name: '联合审查', post: '决定' })).toBe('同意');
    expect(actionLabel('accept')).toBe('受理');
  });
});

describe('the API body derived from it', () => {
  it('takes each action with only its own inputs', () => {
    const r = parse({ action: 'refuse', reason: '不符合条件', items: ['x'], version: 3 });
    expect(r.success).toBe(true);
    expect(r.data).toEqual({ action: 'refuse', reason: '不符合条件', version: 3 });
  });

  it('refuses unknown actions, wrong types, over-long and control-character text', () => {
    expect(parse({ action: 'explode' }).success).toBe(false);
    expect(parse({ action: 'refuse', reason: 42 }).success).toBe(false);
    expect(parse({ action: 'refuse', reason: 'x'.repeat(1001) }).success).toBe(false);
    expect(parse({ action: 'refuse', reason: 'a\u0000b' }).success).toBe(false);
    expect(parse({ action: 'refuse', reason: 'a\uD800b' }).success).toBe(false);
    expect(parse({ action: 'refuse', reason: '第一行\n第二行\t缩进' }).success).toBe(true);
    expect(parse({ action: 'correct', items: Array(51).fill('x') }).success).toBe(false);
    expect(parse({ action: 'special-start', special: { type: '听证', expectedDays: 1.5 } }).success).toBe(
      false,
    );
    expect(parse({ action: 'accept', version: 0 }).success).toBe(false);
  });
});

describe('checking inputs (server rules and portal forms alike)', () => {
  it('trims, drops empty rows and names the missing field', () => {
    expect(checkActionInput('correct', { items: [' 身份证复印件 ', '  '] })).toEqual({
      ok: true,
      input: { items: ['身份证复印件'] },
    });
    expect(checkActionInput('correct', { items: ['  '] })).toMatchObject({
      ok: false,
      code: 'ITEMS_REQUIRED',
      field: 'items',
    });
    expect(checkActionInput('deny', { reason: '  ' })).toMatchObject({ ok: false, code: 'REASON_REQUIRED' });
    expect(checkActionInput('deliver', { method: '飞鸽' })).toMatchObject({
      ok: false,
      code: 'METHOD_REQUIRED',
    });
    expect(checkActionInput('special-start', { special: { type: '听证', expectedDays: 400 } })).toMatchObject(
      {
        ok: false,
        code: 'SPECIAL_REQUIRED',
      },
    );
    expect(checkActionInput('accept', { note: '  ', reason: 'ignored' })).toEqual({ ok: true, input: {} });
  });

  it('maps a refusal code back to its field in the form', () => {
    expect(fieldOfCode('deny', 'REASON_REQUIRED')).toBe('reason');
    expect(fieldOfCode('accept', 'REASON_REQUIRED')).toBeUndefined();
  });
});

describe('what the rules offer, from the catalogue', () => {
  const plan = [
    { id: 'accept', name: '受理', post: '受理', level: 'county', limitDays: 1, depts: ['d1'] },
    { id: 'decide', name: '决定', post: '决定', level: 'county', limitDays: 5, depts: ['d1'] },
  ];
  const s = initialState({ plan, deptCode: 'd1', promisedDays: 6, filedAt: '2026-03-02T01:00:00Z' });

  it('offers staff the acceptance choices and the applicant withdrawal', () => {
    expect(actionsFor(s, openTasks(s)[0], s.filedAt)).toEqual(['prereview', 'accept', 'refuse', 'correct']);
    expect(applicantActions(s, s.filedAt)).toEqual(['withdraw']);
    expect(statusOf(s)).toBe('submitted');
  });

  it('derives every status from phase and outcome', () => {
    const at = '2026-03-03T00:00:00Z';
    expect(statusOf({ phase: 'work', acceptedAt: at })).toBe('accepted');
    expect(statusOf({ phase: 'correction' })).toBe('correcting');
    expect(statusOf({ phase: 'special' })).toBe('special');
    expect(statusOf({ phase: 'delivery' })).toBe('approved');
    expect(statusOf({ phase: 'closed', result: { outcome: 'approved', at } })).toBe('delivered');
    expect(statusOf({ phase: 'closed', result: { outcome: 'denied', at } })).toBe('denied');
    expect(statusOf({ phase: 'closed', result: { outcome: 'refused', at } })).toBe('refused');
    expect(statusOf({ phase: 'closed', result: { outcome: 'withdrawn', at } })).toBe('withdrawn');
  });
});
