/** The "act on a case" use case on the in-memory store: one transaction per action, one winner per race. */
import { describe, expect, it } from 'vitest';
import { initialState, statusOf } from '#domain/process.ts';
import { RACE_CODES, Refusal } from '#domain/refusal.ts';
import { runAction } from '#functions/cases/act.ts';
import { supervision } from '#functions/cases/deadlines.ts';
import { chainEvent, GENESIS_HASH, verifyChain } from '#functions/cases/model.ts';
import type { Lifecycle } from '#functions/cases/ports.ts';
import type { CaseRecord } from '#functions/cases/store.ts';
import { calendar } from '#lib/calendar.ts';
import { MemoryCaseStore } from '../support/memory-case-store.ts';

const FILED = '2026-03-02T01:00:00.000Z';
const AT = '2026-03-02T02:00:00.000Z';
const plan = [
  { id: 'accept', name: '受理', post: '受理', level: 'county', limitDays: 1, depts: ['d1'] },
  { id: 'decide', name: '决定', post: '决定', level: 'county', limitDays: 5, depts: ['d1'] },
];
const staff = { kind: 'staff' as const, name: '王受理员', dept: 'd1', deptName: '民政局' };

function setup() {
  const store = new MemoryCaseStore();
  const answered: { token: string; output: unknown }[] = [];
  const lifecycle: Lifecycle = {
    start: async () => {},
    answer: async (token, output) => {
      answered.push({ token, output });
    },
  };
  const caseNo = '341602-20260302-000001';
  const state = initialState({ plan, deptCode: 'd1', promisedDays: 6, filedAt: FILED });
  const first = chainEvent(caseNo, GENESIS_HASH, 1, { type: '申办', at: FILED, actor: '申请人' });
  const record: CaseRecord = {
    ...state,
    ...supervision(state, FILED, calendar),
    status: statusOf(state),
    caseNo,
    hallId: 'qiaocheng',
    itemCode: 'X',
    itemName: '测试事项',
    deptName: '民政局',
    legalDays: 20,
    caseKind: '承诺件',
    applicant: { sub: 'p1', name: '张三', phone: '13800000001' },
    form: {},
    version: 1,
    eventCount: 1,
    lastHash: first.hash,
    queryCode: '123456',
  };
  void store.createCase(record, first, { sub: 'p1', key: 'k1', requestHash: 'h', expiresAt: 0 });
  const task = {
    id: 'accept#d1',
    stepId: 'accept',
    name: '受理',
    kind: 'staff' as const,
    dept: 'd1',
    post: '受理',
  };
  store.addTask({
    ...task,
    caseNo,
    token: 'tok-accept',
    since: FILED,
    itemName: '测试事项',
    applicantName: '张三',
  });
  return { store, lifecycle, answered, caseNo, deps: { store, lifecycle } };
}

const refusalOf = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e) => (e instanceof Refusal ? e : Promise.reject(e)),
  );

describe('runAction', () => {
  it('commits the state, chained events and deadlines at once, then answers the task token', async () => {
    const { deps, store, answered, caseNo } = setup();
    const after = await runAction(deps, {
      caseNo,
      action: 'accept',
      input: {},
      actor: staff,
      at: AT,
      taskId: 'accept#d1',
    });
    expect(after).toMatchObject({ version: 2, status: 'accepted', stepIndex: 1, acceptedAt: AT });
    expect(after.deadlines.case).toBeDefined();
    const events = store.events.get(caseNo)!;
    expect(events.map((e) => e.type)).toEqual(['申办', '网上预受理', '受理']);
    expect(verifyChain(caseNo, events)).toEqual({ ok: true });
    expect(await store.getTasks(caseNo)).toEqual([]);
    expect(answered).toEqual([{ token: 'tok-accept', output: { decision: 'accept' } }]);
  });

  it('gives two simultaneous decisions one winner; the loser learns it lost a race', async () => {
    const { deps, store, caseNo } = setup();
    const results = await Promise.allSettled([
      runAction(deps, { caseNo, action: 'accept', input: {}, actor: staff, at: AT, taskId: 'accept#d1' }),
      runAction(deps, {
        caseNo,
        action: 'refuse',
        input: { reason: '不符合' },
        actor: staff,
        at: AT,
        taskId: 'accept#d1',
      }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(lost.reason).toBeInstanceOf(Refusal);
    expect(RACE_CODES).toContain(lost.reason.code);
    expect(store.cases.get(caseNo)!.version).toBe(2);
  });

  it('refuses with domain codes, never HTTP errors, and writes nothing', async () => {
    const { deps, store, caseNo } = setup();
    const noReason = await refusalOf(
      runAction(deps, {
        caseNo,
        action: 'refuse',
        input: { reason: ' ' },
        actor: staff,
        at: AT,
        taskId: 'accept#d1',
      }),
    );
    expect(noReason).toMatchObject({ code: 'REASON_REQUIRED', field: 'reason' });
    const stale = await refusalOf(
      runAction(deps, {
        caseNo,
        action: 'accept',
        input: {},
        actor: staff,
        at: AT,
        taskId: 'accept#d1',
        expectedVersion: 7,
      }),
    );
    expect(stale?.code).toBe('CONFLICT');
    const notReady = await refusalOf(
      runAction(deps, { caseNo, action: 'accept', input: {}, actor: staff, at: AT, taskId: 'decide#d1' }),
    );
    expect(notReady?.code).toBe('STEP_NOT_READY');
    const missing = await refusalOf(
      runAction(deps, { caseNo: 'nope', action: 'accept', input: {}, actor: staff, at: AT }),
    );
    expect(missing?.code).toBe('NOT_FOUND');
    expect(store.cases.get(caseNo)!.version).toBe(1);
    expect(store.events.get(caseNo)).toHaveLength(1);
  });

  it('lets the deemed-acceptance timer lose quietly to a staff decision', async () => {
    const { deps, caseNo } = setup();
    await runAction(deps, { caseNo, action: 'accept', input: {}, actor: staff, at: AT, taskId: 'accept#d1' });
    const late = await refusalOf(
      runAction(deps, {
        caseNo,
        action: 'deem-accept',
        input: {},
        actor: { kind: 'system', name: '系统' },
        at: AT,
      }),
    );
    expect(late?.code).toBe('ACTION_NOT_ALLOWED');
    expect(RACE_CODES).toContain(late!.code);
  });
});
