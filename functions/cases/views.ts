/** What each viewer sees of a case. Times as ISO 8601 with +08:00, so anyone can check them. */
import { STATUS_NAMES } from '#functions/lifecycle/process.ts';
import { beijingIso, type CaseEvent } from './model.ts';
import type { CaseRecord } from './store.ts';

export function currentStepName(c: CaseRecord): string {
  switch (c.phase) {
    case 'closed':
      return '已办结';
    case 'delivery':
      return '待领取';
    case 'correction':
      return '待申请人补交材料';
    case 'special':
      return `特别程序（${c.special?.type ?? ''}）`;
    default:
      return c.plan[c.stepIndex]?.name ?? '';
  }
}

export function timeline(events: CaseEvent[]) {
  return events.map((e) => ({
    seq: e.seq,
    type: e.type,
    at: beijingIso(e.at),
    actor: e.actor,
    outcome: e.outcome,
    note: e.note,
  }));
}

/** A case in a list (我的办件): what it is, where it stands, its deadline. */
export function caseSummary(c: CaseRecord) {
  return {
    caseNo: c.caseNo,
    itemName: c.itemName,
    deptName: c.deptName,
    status: c.status,
    statusName: STATUS_NAMES[c.status],
    currentStep: currentStepName(c),
    filedAt: beijingIso(c.filedAt),
    deadline: beijingIso(c.deadlines?.case),
  };
}

/** The progress answer (办件进度和结果查询): what the applicant may know, without personal data. */
export function progressView(c: CaseRecord, events: CaseEvent[]) {
  return {
    ...caseSummary(c),
    acceptedAt: beijingIso(c.acceptedAt),
    promisedDays: c.promisedDays,
    stepDeadline: beijingIso(c.deadlines?.step),
    deemedAcceptanceAt: beijingIso(c.deadlines?.deemAccept),
    pausedWorkingDays: c.deadlines?.pausedDays ?? 0,
    special: c.special ? { ...c.special, startedAt: beijingIso(c.special.startedAt) } : undefined,
    result: c.result ? { ...c.result, at: beijingIso(c.result.at) } : undefined,
    delivery: c.delivery ? { ...c.delivery, at: beijingIso(c.delivery.at) } : undefined,
    steps: c.plan.map((s, i) => ({
      id: s.id,
      name: s.name,
      post: s.post,
      level: s.level,
      limitDays: s.limitDays,
      state:
        c.phase === 'closed' || c.phase === 'delivery' || i < c.stepIndex
          ? 'done'
          : i === c.stepIndex
            ? 'current'
            : 'todo',
    })),
    events: timeline(events),
  };
}
