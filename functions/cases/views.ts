/**
 * What each viewer sees of a case (shapes in functions/domain/views.ts). Times as ISO 8601 with
 * +08:00, so anyone can check them.
 */
import { nowMs } from '#domain/clock.ts';
import { FEE_TIMING_NAMES } from '#domain/fees.ts';
import { formatPaymentCode, noticeId, type PaymentView, paymentCode } from '#domain/payment.ts';
import { type Rating, ratingDeadline } from '#domain/process.ts';
import { beijingIso } from '#domain/time.ts';
import type {
  AlertView,
  CaseEventView,
  CaseSummary,
  FiledCase,
  ProgressView,
  RatingView,
} from '#domain/views.ts';
import { OUTCOME_NAMES, RATING_NAMES, STATUS_NAMES } from '#domain/vocabulary.ts';
import type { CaseEvent } from './model.ts';
import type { AlertRecord, CaseRecord } from './store.ts';

export function currentStepName(c: CaseRecord): string {
  switch (c.phase) {
    case 'closed':
      return '已办结';
    case 'delivery':
      return '待领取';
    case 'payment':
      return '待申请人缴费';
    case 'correction':
      return '待申请人补交材料';
    case 'special':
      return `特别程序（${c.special?.type ?? ''}）`;
    default:
      return c.plan[c.stepIndex]?.name ?? '';
  }
}

export function timeline(events: CaseEvent[]): CaseEventView[] {
  return events.map((e) => ({
    seq: e.seq,
    type: e.type,
    at: beijingIso(e.at)!,
    actor: e.actor,
    outcome: e.outcome,
    note: e.note,
  }));
}

/** A case in a list (我的办件): what it is, where it stands, its deadline. */
export function caseSummary(c: CaseRecord): CaseSummary {
  return {
    caseNo: c.caseNo,
    itemCode: c.itemCode,
    itemName: c.itemName,
    deptName: c.deptName,
    status: c.status,
    statusName: STATUS_NAMES[c.status],
    currentStep: currentStepName(c),
    filedAt: beijingIso(c.filedAt)!,
    deadline: beijingIso(c.deadlines?.case),
  };
}

/** The progress answer (办件进度和结果查询): what the applicant may know, without personal data. */
export function progressView(c: CaseRecord, events: CaseEvent[]): ProgressView {
  return {
    ...caseSummary(c),
    acceptedAt: beijingIso(c.acceptedAt),
    promisedDays: c.promisedDays,
    stepDeadline: beijingIso(c.deadlines?.step),
    deemedAcceptanceAt: beijingIso(c.deadlines?.deemAccept),
    pausedWorkingDays: c.deadlines?.pausedDays ?? 0,
    provisional: c.deadlines?.provisional,
    special: c.special ? { ...c.special, startedAt: beijingIso(c.special.startedAt) } : undefined,
    result: c.result
      ? { ...c.result, outcomeName: OUTCOME_NAMES[c.result.outcome], at: beijingIso(c.result.at) }
      : undefined,
    delivery: c.delivery ? { ...c.delivery, at: beijingIso(c.delivery.at) } : undefined,
    rating: ratingView(c.rating),
    ratingOpenUntil: ratingOpenUntil(c),
    rectification: c.rectification && {
      openedAt: beijingIso(c.rectification.openedAt)!,
      visitDeadline: beijingIso(c.deadlines?.visit),
      rectifyDeadline: beijingIso(c.deadlines?.rectify),
      visit: c.rectification.visit && {
        at: beijingIso(c.rectification.visit.at)!,
        note: c.rectification.visit.note,
      },
      fix: c.rectification.fix && { at: beijingIso(c.rectification.fix.at)!, note: c.rectification.fix.note },
      closed: c.rectification.closed && {
        at: beijingIso(c.rectification.closed.at)!,
        note: c.rectification.closed.note,
      },
      rating: ratingView(c.rectification.rating),
    },
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

/** Until when the case may still be rated, while it may (the business clock decides, not the browser's). */
function ratingOpenUntil(c: CaseRecord): string | undefined {
  if (c.rating || !c.result) return undefined;
  const until = ratingDeadline(c.result.at);
  return Date.parse(until) >= nowMs() ? beijingIso(until) : undefined;
}

const ratingView = (r: Rating | undefined): RatingView | undefined =>
  r && {
    ...r,
    levelName: RATING_NAMES[r.level],
    at: beijingIso(r.at)!,
    appeal: r.appeal && {
      status: r.appeal.status,
      dept: r.appeal.dept,
      reason: r.appeal.reason,
      at: beijingIso(r.appeal.at)!,
      decision: r.appeal.decision && {
        note: r.appeal.decision.note,
        at: beijingIso(r.appeal.decision.at)!,
      },
    },
  };

/** The fee and its notice on the case page (applicant and staff). */
export function paymentView(c: CaseRecord): PaymentView | undefined {
  const f = c.fee;
  if (!f) return undefined;
  const p = c.payment ?? {};
  const n = p.notice;
  return {
    timingName: FEE_TIMING_NAMES[f.timing],
    afterApproval: f.timing === 'after-approval',
    options: f.options,
    standard: f.standard,
    basis: f.basis,
    reductions: f.reductions,
    payee: f.payee,
    notice: n && {
      noticeId: noticeId(c.caseNo, n.n),
      paymentCode: formatPaymentCode(paymentCode(c.caseNo, n.n)),
      lines: n.lines,
      fen: n.fen,
      issuedAt: beijingIso(n.issuedAt)!,
      expiresAt: beijingIso(n.expiresAt)!,
    },
    paid: p.paid && { ...p.paid, at: beijingIso(p.paid.at)! },
    waived: p.waived && { reason: p.waived.reason, at: beijingIso(p.waived.at)! },
    expiredAt: beijingIso(p.expiredAt),
    refund: p.refund && {
      fen: p.refund.fen,
      requestedAt: beijingIso(p.refund.requestedAt)!,
      doneAt: beijingIso(p.refund.doneAt),
    },
    payable: c.phase === 'payment' && !!n && !p.paid && !p.expiredAt && Date.parse(n.expiresAt) > nowMs(),
  };
}

/** What filing answers: the number and the query code the applicant keeps. */
export const filedView = (c: CaseRecord): FiledCase => ({
  caseNo: c.caseNo,
  queryCode: c.queryCode,
  status: c.status,
  filedAt: beijingIso(c.filedAt)!,
});

export const alertView = (a: AlertRecord): AlertView => ({
  ...a,
  raisedAt: beijingIso(a.raisedAt)!,
  deadline: beijingIso(a.deadline),
  // Who urged by name only (their account id stays with the record, for the escalation SMS).
  urge: a.urge && {
    by: a.urge.by,
    note: a.urge.note,
    at: a.urge.at,
    replyBy: beijingIso(a.urge.replyBy),
    escalatedAt: beijingIso(a.urge.escalatedAt),
  },
  escalation: a.escalation && {
    alertId: a.escalation.alertId,
    urgedBy: a.escalation.urgedBy,
    to: a.escalation.to,
  },
});
