/**
 * The case lifecycle as pure rules: which tasks a case waits on, what each action does to it, and
 * the deadlines and timers that follow. The state machine (statemachines/case-lifecycle.asl.json)
 * only loops "ask what to wait for → wait for the task tokens"; every decision lives here, so the
 * same rules drive the API, the timers and the flowchart. No AWS, no clock: `now` is passed in.
 *
 * What an action is called, who takes it and what it asks for is the catalogue (actions.ts); here is
 * what it does: `applyAction` = look the action up → guard (actor, phase, step, inputs) → its rule.
 *
 * Phases of a case (the status people read is derived from them, see `statusOf`):
 *   work        the current step of the plan is being worked (its tasks wait for staff)
 *   correction  a 补交告知 was issued: the applicant must supplement; the clock is stopped
 *   special     a 特别程序 runs (听证, 检验, 专家评审 …); the clock is stopped until its result
 *   delivery    办结 (准予) — the result waits for 领取登记 at the window
 *   closed      finished: refused, denied, withdrawn, or delivered
 *
 * After 办结 (delivery or closed) the applicant may rate the case once (好差评). A 差评 opens a
 * rectification: a second track of staff tasks (回访, then 整改) with its own time limits, run by a
 * lifecycle execution of its own, after which the applicant may rate the fix.
 */

import {
  ACTION_IDS,
  ACTIONS,
  type ActionId,
  type ActionInput,
  type ActionSpec,
  type ActorKind,
  APPEAL_WINDOW_DAYS,
  actionLabel,
  checkActionInput,
  RATING_WINDOW_DAYS,
  type RatingInput,
  type Track,
} from './actions.ts';
import type { Interval, WorkingCalendar, YellowThreshold } from './calendar.ts';
import { type DeliveryChoice, TRACKING_NO } from './delivery.ts';
import { type FeeTerms, noticeLines, yuan } from './fees.ts';
import type { CaseMaterials } from './materials.ts';
import { noticeExpiry, type PaymentState, reminderAt } from './payment.ts';
import type { RefusalCode, RefusalInfo } from './refusal.ts';
import {
  type AlertScope,
  type CaseEventType,
  type CaseStatus,
  isBadRating,
  type Outcome,
  RATING_NAMES,
} from './vocabulary.ts';

export type { ActionId, ActionInput, Track } from './actions.ts';

export type Phase = 'work' | 'correction' | 'special' | 'payment' | 'delivery' | 'closed';

export interface PlanStep {
  id: string;
  name: string;
  post: string;
  level: string;
  limitDays: number;
  depts: string[];
}

export interface Pause {
  from: string;
  to?: string;
  reason: '补正' | '特别程序';
}

export interface CaseResult {
  outcome: Outcome;
  /** 准予: what was granted (licence name and number …). */
  text?: string;
  reasons?: string;
  remedy?: string;
  at: string;
}

export interface CaseState {
  plan: PlanStep[];
  stepIndex: number;
  phase: Phase;
  deptCode: string;
  promisedDays: number;
  filedAt: string;
  acceptedAt?: string;
  prereviewed?: boolean;
  /** When the acceptance window (deemed acceptance) last started: filing or the last supplement. */
  windowFrom: string;
  stepStartedAt: string;
  corrections: number;
  /** Supplement received at a review step, waiting for 补交受理. */
  supplementPending?: boolean;
  pauses: Pause[];
  /** Depts whose task in the current (joint) step is done. */
  doneDepts: string[];
  special?: { type: string; expectedDays: number; startedAt: string };
  result?: CaseResult;
  delivery?: { method: string; at: string; tracking?: string };
  /** How the applicant chose to receive the result at filing (#domain/delivery.ts). */
  deliveryChoice?: DeliveryChoice;
  /** 好差评: the applicant's rating of the case. */
  rating?: Rating;
  /** Opened by a 差评. */
  rectification?: Rectification;
  /** The item's fee terms as they were at filing (items that charge only). */
  fee?: FeeTerms;
  /** 网上缴费: the notice, its payment, a 减免, expiry, refund. */
  payment?: PaymentState;
  /** The materials sealed at filing (their slots: what a 补交告知 may name). */
  materials?: CaseMaterials;
  /** 补交告知: the slots the applicant re-uploads while the correction runs (round = `corrections`). */
  correctionSlots?: string[];
}

export type Rating = RatingInput & {
  at: string;
  /** 评价申诉 by the department (once, within APPEAL_WINDOW_DAYS), and the supervisor's decision. */
  appeal?: RatingAppeal;
  /**
   * Set (true) when an appeal was upheld (申诉成立): the rating stays on the case but no longer counts
   * in any public figure or statistic. Absent = it counts.
   */
  excluded?: true;
};

export interface RatingAppeal {
  status: 'pending' | 'upheld' | 'rejected';
  at: string;
  by: string;
  dept: string;
  reason: string;
  decision?: { at: string; by: string; note: string };
}

export interface Rectification {
  openedAt: string;
  visit?: { at: string; by: string; note: string };
  fix?: { at: string; by: string; note: string };
  /** Ended without a fix because an appeal against the 差评 was upheld (申诉成立), with its reason. */
  closed?: { at: string; by: string; note: string };
  /** The applicant's rating of the fix. */
  rating?: Rating;
}

/** Where the case stands, in one word, derived from its phase and how it ended. */
export function statusOf(s: Pick<CaseState, 'phase' | 'acceptedAt' | 'result'>): CaseStatus {
  switch (s.phase) {
    case 'work':
      return s.acceptedAt ? 'accepted' : 'submitted';
    case 'correction':
      return 'correcting';
    case 'special':
      return 'special';
    case 'payment':
      return 'awaiting-payment';
    case 'delivery':
      return 'approved';
    case 'closed':
      return s.result?.outcome === 'approved' ? 'delivered' : (s.result?.outcome ?? 'withdrawn');
  }
}

export interface Task {
  /**
   * Unique within the case while open: `<stepId>#<dept>`, `supplement`, `special#<dept>`, `deliver`,
   * and on the rectification track `visit`, `rectify` (stepId `rectification`).
   */
  id: string;
  stepId: string;
  name: string;
  kind: 'staff' | 'applicant';
  dept?: string;
  post: string;
}

export interface Actor {
  kind: ActorKind;
  name: string;
  dept?: string;
  deptName?: string;
  posts?: string[];
}

export interface EventDraft {
  type: CaseEventType;
  actor: string;
  actorName?: string;
  outcome?: string;
  note?: string;
}

export interface Finding {
  kind: 'repeat-correction';
  note: string;
}

export interface Answered {
  taskId: string;
  output: { decision: string };
}

export type ActionResult =
  | {
      ok: true;
      state: CaseState;
      events: EventDraft[];
      /** Open tasks this action answers, with the output their task tokens receive. */
      answered: Answered[];
      findings: Finding[];
      /** A new track of tasks to run (start its lifecycle execution). */
      opens?: Track;
    }
  | ({ ok: false } & RefusalInfo);

const DEFAULT_REMEDY =
  '如不服本决定，可在收到决定书之日起六十日内依法申请行政复议，或在六个月内依法提起行政诉讼。';

const currentStep = (s: CaseState) => s.plan[s.stepIndex];
const isAcceptanceStep = (s: CaseState) => s.stepIndex === 0 && !s.acceptedAt;
const isLastStep = (s: CaseState) => s.stepIndex === s.plan.length - 1;
const isJointStep = (s: CaseState) => currentStep(s).depts.length > 1;
const openPause = (s: CaseState) => s.pauses.find((p) => !p.to);

export function initialState(input: {
  plan: PlanStep[];
  deptCode: string;
  promisedDays: number;
  filedAt: string;
  fee?: FeeTerms;
}): CaseState {
  const s: CaseState = {
    plan: input.plan,
    stepIndex: 0,
    phase: 'work',
    deptCode: input.deptCode,
    promisedDays: input.promisedDays,
    filedAt: input.filedAt,
    windowFrom: input.filedAt,
    stepStartedAt: input.filedAt,
    corrections: 0,
    pauses: [],
    doneDepts: [],
  };
  if (!input.fee) return s;
  s.fee = input.fee;
  // 工本费: nothing is accepted (or made) until it is paid; the acceptance window starts then.
  if (input.fee.timing === 'before-acceptance') {
    const lines = noticeLines(input.fee, undefined);
    if (lines.ok) {
      s.phase = 'payment';
      s.payment = { notice: notice(input.fee, lines.lines, 1, input.filedAt) };
    }
  }
  return s;
}

function notice(fee: FeeTerms, lines: { label: string; fen: number }[], n: number, at: string) {
  return {
    n,
    lines,
    fen: lines.reduce((sum, l) => sum + l.fen, 0),
    issuedAt: at,
    expiresAt: noticeExpiry(at),
    payee: fee.payee,
  };
}

export const RECTIFICATION_STEP = 'rectification';
export const trackOf = (task: Pick<Task, 'stepId'>): Track =>
  task.stepId === RECTIFICATION_STEP ? 'rectification' : 'case';

/**
 * The tasks the case waits on now, on one track or on both; a closed case without a rectification
 * waits on none. Joint steps give one task per department.
 */
export function openTasks(s: CaseState, track?: Track): Task[] {
  if (track === 'case') return caseTasks(s);
  if (track === 'rectification') return rectificationTasks(s);
  return [...caseTasks(s), ...rectificationTasks(s)];
}

/** 回访 then 整改, by the department that handled the case, at the post that received it. */
function rectificationTasks(s: CaseState): Task[] {
  const r = s.rectification;
  if (!r || r.fix || r.closed) return [];
  const common = {
    stepId: RECTIFICATION_STEP,
    kind: 'staff',
    dept: s.deptCode,
    post: s.plan[0].post,
  } as const;
  return [
    r.visit ? { id: 'rectify', name: '差评整改', ...common } : { id: 'visit', name: '差评回访', ...common },
  ];
}

function caseTasks(s: CaseState): Task[] {
  const step = currentStep(s);
  switch (s.phase) {
    case 'closed':
      return [];
    case 'payment':
      return [{ id: 'pay', stepId: 'pay', name: '缴费', kind: 'applicant', post: '申请人' }];
    case 'correction':
      return [{ id: 'supplement', stepId: step.id, name: '补交材料', kind: 'applicant', post: '申请人' }];
    case 'special':
      return [
        {
          id: `special#${step.depts[0]}`,
          stepId: step.id,
          name: `特别程序（${s.special?.type ?? ''}）`,
          kind: 'staff',
          dept: step.depts[0],
          post: step.post,
        },
      ];
    case 'delivery':
      return [
        { id: 'deliver', stepId: 'deliver', name: '领取登记', kind: 'staff', dept: s.deptCode, post: '窗口' },
      ];
    case 'work':
      return step.depts
        .filter((d) => !s.doneDepts.includes(d))
        .map((dept) => ({
          id: `${step.id}#${dept}`,
          stepId: step.id,
          name: step.name,
          kind: 'staff',
          dept,
          post: step.post,
        }));
  }
}

// ---------------------------------------------------------------------------------------------
// The rules: for each action of the catalogue, where in the process it is offered and what it does.

interface Context {
  /** The case after the action, being built (a copy of the state before). */
  s: CaseState;
  input: ActionInput;
  actor: Actor;
  at: string;
  /** The staff task acted on; undefined for applicant and system actions. */
  task?: Task;
  /** How the timeline names the acting post: `民政局受理岗`. */
  by: string;
  events: EventDraft[];
  answered: Answered[];
  findings: Finding[];
  /** Open tasks before the action (withdrawal and deemed acceptance answer all of them). */
  tasks: Task[];
}

interface Rule {
  /** Narrows the catalogue's phases to the steps (or times) where the action is offered (default: all). */
  offered?(s: CaseState, at: string): boolean;
  /** Refuses inputs that depend on the case (e.g. the fee of this item), before anything changes. */
  check?(s: CaseState, input: ActionInput): RefusalInfo | undefined;
  /** Changes `c.s` and records events; returns the step to finish, if the action completes one. */
  apply(c: Context): 'finish-step' | 'open-rectification' | undefined;
}

const atAcceptance = (s: CaseState) => isAcceptanceStep(s);
/** The last instant a rating can be given for what ended at `from` (办结, or a finished rectification). */
export const ratingDeadline = (from: string) =>
  new Date(Date.parse(from) + RATING_WINDOW_DAYS * 86_400_000).toISOString();
const withinRatingWindow = (from: string | undefined, at: string) =>
  !!from && Date.parse(at) <= Date.parse(ratingDeadline(from));
const ratingNote = (r: RatingInput) =>
  [r.tags?.join('、'), r.comment].filter(Boolean).join('；') || undefined;
/** A review or decision step that is not waiting for a supplement to be accepted. */
const reviewing = (s: CaseState) => !isAcceptanceStep(s) && !s.supplementPending;

const RULES: Record<ActionId, Rule> = {
  prereview: {
    offered: (s) => atAcceptance(s) && !s.prereviewed && !s.supplementPending,
    apply({ s, input, actor, by, events }) {
      s.prereviewed = true;
      events.push({
        type: '网上预受理',
        actor: by,
        actorName: actor.name,
        note: input.note || '网上材料预审通过',
      });
      return undefined;
    },
  },

  accept: {
    offered: (s) => atAcceptance(s) && !s.supplementPending,
    apply({ s, input, actor, by, events, task, answered, at }) {
      if (!s.prereviewed)
        events.push({ type: '网上预受理', actor: by, actorName: actor.name, note: '网上材料预审通过' });
      events.push({ type: '受理', actor: by, actorName: actor.name, outcome: '受理', note: input.note });
      accept(s, at);
      answered.push({ taskId: task!.id, output: { decision: 'accept' } });
      return 'finish-step';
    },
  },

  'accept-supplement': {
    offered: (s) => !!s.supplementPending,
    apply({ s, input, actor, by, events, task, answered, at }) {
      const acceptance = isAcceptanceStep(s);
      s.supplementPending = false;
      closePause(s, at);
      events.push({ type: '补交受理', actor: by, actorName: actor.name, note: input.note || '补交材料齐全' });
      if (!acceptance) return undefined;
      events.push({
        type: '受理',
        actor: by,
        actorName: actor.name,
        outcome: '受理',
        note: '补正后予以受理',
      });
      accept(s, at);
      answered.push({ taskId: task!.id, output: { decision: 'accept' } });
      return 'finish-step';
    },
  },

  pass: {
    offered: (s) => reviewing(s) && (isJointStep(s) || !isLastStep(s)),
    apply({ s, input, actor, by, events, task, answered }) {
      const step = currentStep(s);
      events.push({
        type: '审批（处理）',
        actor: by,
        actorName: actor.name,
        outcome: actionLabel('pass', step),
        note: input.note,
      });
      s.doneDepts.push(task!.dept!);
      answered.push({ taskId: task!.id, output: { decision: 'pass' } });
      return s.doneDepts.length < step.depts.length ? undefined : 'finish-step';
    },
  },

  approve: {
    offered: (s) => reviewing(s) && !isJointStep(s) && isLastStep(s),
    check: (s, input) => {
      if (s.fee?.timing !== 'after-approval' || input.fee?.waiver) return undefined;
      const lines = noticeLines(s.fee, input.fee);
      return lines.ok ? undefined : { code: 'FEE_REQUIRED', message: lines.message, field: 'fee' };
    },
    apply({ s, input, actor, by, events, task, answered, at }) {
      s.phase = 'delivery';
      s.result = { outcome: 'approved', text: input.result, at };
      events.push({ type: '办结', actor: by, actorName: actor.name, outcome: '准予', note: input.result });
      answered.push({ taskId: task!.id, output: { decision: 'approve' } });
      if (s.fee?.timing === 'after-approval') {
        if (input.fee?.waiver) {
          s.payment = { waived: { reason: input.fee.waiver, by: actor.name, at } };
          events.push({ type: '减免', actor: by, actorName: actor.name, note: input.fee.waiver });
        } else {
          const lines = noticeLines(s.fee, input.fee);
          if (lines.ok) issueNotice(s, events, lines.lines, at);
        }
      }
      return undefined;
    },
  },

  refuse: {
    offered: atAcceptance,
    apply({ s, input, actor, by, events, task, answered, at }) {
      const reason = input.reason!;
      s.phase = 'closed';
      s.supplementPending = false;
      closePause(s, at);
      s.result = { outcome: 'refused', reasons: reason, remedy: input.remedy || DEFAULT_REMEDY, at };
      events.push({ type: '受理', actor: by, actorName: actor.name, outcome: '不予受理', note: reason });
      refundIfDue(s, events, at);
      answered.push({ taskId: task!.id, output: { decision: 'refuse' } });
      return undefined;
    },
  },

  deny: {
    offered: (s) => reviewing(s) && !isJointStep(s) && isLastStep(s),
    apply({ s, input, actor, by, events, task, answered, at }) {
      const reason = input.reason!;
      const remedy = input.remedy || DEFAULT_REMEDY;
      s.phase = 'closed';
      s.result = { outcome: 'denied', reasons: reason, remedy, at };
      events.push({
        type: '办结',
        actor: by,
        actorName: actor.name,
        outcome: '不予',
        note: `${reason}。${remedy}`,
      });
      refundIfDue(s, events, at);
      answered.push({ taskId: task!.id, output: { decision: 'deny' } });
      return undefined;
    },
  },

  correct: {
    offered: (s) => atAcceptance(s) || (reviewing(s) && !isJointStep(s)),
    check(s, input) {
      // Only the case's own slots that the applicant supplies (部门共享 ones are the department's).
      const mine = new Set(
        (s.materials?.slots ?? []).filter((x) => x.supply === 'applicant').map((x) => x.id),
      );
      const bad = (input.slots ?? []).filter((id) => !mine.has(id));
      if (bad.length === 0) return undefined;
      return {
        code: 'SLOTS_INVALID',
        field: 'slots',
        message: '所选的材料项不属于本办件的申请人材料，请刷新页面后重新选择',
      };
    },
    apply({ s, input, actor, by, events, task, answered, findings, at }) {
      if (s.corrections > 0) {
        findings.push({
          kind: 'repeat-correction',
          note: `第 ${s.corrections + 1} 次补交告知（应一次性告知）`,
        });
      }
      s.corrections += 1;
      s.phase = 'correction';
      s.supplementPending = false;
      s.correctionSlots = input.slots ?? [];
      if (!openPause(s)) s.pauses.push({ from: at, reason: '补正' });
      const names = s.correctionSlots.map((id) => s.materials?.slots.find((x) => x.id === id)?.name);
      events.push({
        type: '补交告知',
        actor: by,
        actorName: actor.name,
        note: `请补交：${input.items!.join('；')}`,
        // The slots to upload again, by name (the SMS names these briefly).
        ...(names.length ? { outcome: names.join('、') } : {}),
      });
      answered.push({ taskId: task!.id, output: { decision: 'correct' } });
      return undefined;
    },
  },

  'special-start': {
    offered: (s) => reviewing(s) && !isJointStep(s),
    apply({ s, input, actor, by, events, task, answered, at }) {
      const sp = input.special!;
      s.phase = 'special';
      s.special = { type: sp.type, expectedDays: sp.expectedDays, startedAt: at };
      s.pauses.push({ from: at, reason: '特别程序' });
      events.push({
        type: '特别程序申请',
        actor: by,
        actorName: actor.name,
        outcome: sp.type,
        note: `预计需要 ${sp.expectedDays} 个工作日，所需时间不计入办理时限${input.reason ? `；${input.reason}` : ''}`,
      });
      answered.push({ taskId: task!.id, output: { decision: 'special' } });
      return undefined;
    },
  },

  'special-result': {
    apply({ s, input, actor, by, events, task, answered, at }) {
      closePause(s, at);
      s.phase = 'work';
      events.push({
        type: '特别程序结果',
        actor: by,
        actorName: actor.name,
        outcome: s.special?.type,
        note: input.result,
      });
      s.special = undefined;
      answered.push({ taskId: task!.id, output: { decision: 'special-done' } });
      return undefined;
    },
  },

  deliver: {
    check: (_s, input) => {
      if (input.method !== '邮寄') return undefined;
      if (!input.tracking || !TRACKING_NO.test(input.tracking))
        return {
          code: 'TRACKING_REQUIRED',
          message: '邮寄送达请填写快递单号（8–30 位字母或数字）',
          field: 'tracking',
        };
      return undefined;
    },
    apply({ s, input, actor, by, events, task, answered, at }) {
      s.phase = 'closed';
      s.delivery = {
        method: input.method!,
        at,
        ...(input.method === '邮寄' ? { tracking: input.tracking } : {}),
      };
      events.push({
        type: '领取登记',
        actor: by,
        actorName: actor.name,
        outcome: input.method,
        note:
          [s.delivery.tracking && `快递单号 ${s.delivery.tracking}`, input.note].filter(Boolean).join('；') ||
          undefined,
      });
      answered.push({ taskId: task!.id, output: { decision: 'delivered' } });
      return undefined;
    },
  },

  supplement: {
    apply({ s, input, actor, events, answered }) {
      s.phase = 'work';
      s.supplementPending = true;
      events.push({ type: '补交材料', actor: '申请人', actorName: actor.name, note: input.note });
      answered.push({ taskId: 'supplement', output: { decision: 'supplemented' } });
      return undefined;
    },
  },

  withdraw: {
    // An unpaid 工本费 notice may be given up by withdrawing; a fee due after 准予 may not (decided).
    offered: (s) => s.phase !== 'payment' || s.fee?.timing === 'before-acceptance',
    apply({ s, input, actor, events, answered, tasks, at }) {
      closePause(s, at);
      s.phase = 'closed';
      s.result = { outcome: 'withdrawn', reasons: input.reason, at };
      events.push({
        type: '撤回',
        actor: '申请人',
        actorName: actor.name,
        note: input.reason || '申请人撤回申请',
      });
      for (const t of tasks) answered.push({ taskId: t.id, output: { decision: 'withdrawn' } });
      refundIfDue(s, events, at);
      return undefined;
    },
  },

  rate: {
    offered: (s, at) => !s.rating && withinRatingWindow(s.result?.at, at),
    apply({ s, input, actor, events, at }) {
      const rating = input.rating!;
      s.rating = { ...rating, at };
      events.push({
        type: '评价',
        actor: '申请人',
        actorName: actor.name,
        outcome: RATING_NAMES[rating.level],
        note: ratingNote(rating),
      });
      if (!isBadRating(rating.level)) return undefined;
      s.rectification = { openedAt: at };
      return 'open-rectification';
    },
  },

  'rect-visit': {
    offered: (s) => !!s.rectification && !s.rectification.visit,
    apply({ s, input, actor, by, events, task, answered, at }) {
      s.rectification!.visit = { at, by: actor.name, note: input.result! };
      events.push({ type: '差评回访', actor: by, actorName: actor.name, note: input.result });
      answered.push({ taskId: task!.id, output: { decision: 'visited' } });
      return undefined;
    },
  },

  'rect-fix': {
    offered: (s) => !!s.rectification?.visit && !s.rectification.fix,
    apply({ s, input, actor, by, events, task, answered, at }) {
      s.rectification!.fix = { at, by: actor.name, note: input.result! };
      events.push({ type: '差评整改', actor: by, actorName: actor.name, note: input.result });
      answered.push({ taskId: task!.id, output: { decision: 'rectified' } });
      return undefined;
    },
  },

  're-rate': {
    offered: (s, at) =>
      !!s.rectification?.fix && !s.rectification.rating && withinRatingWindow(s.rectification.fix.at, at),
    apply({ s, input, actor, events, at }) {
      const rating = input.rating!;
      s.rectification!.rating = { ...rating, at };
      events.push({
        type: '整改评价',
        actor: '申请人',
        actorName: actor.name,
        outcome: RATING_NAMES[rating.level],
        note: ratingNote(rating),
      });
      return undefined;
    },
  },

  'e-collect': {
    // 电子送达: the applicant's first download of the result is its 领取登记.
    offered: (s) => s.deliveryChoice?.method === '电子',
    apply({ s, events, answered, tasks, at }) {
      s.phase = 'closed';
      s.delivery = { method: '电子', at };
      events.push({
        type: '领取登记',
        actor: '系统',
        outcome: '电子',
        note: '申请人首次下载办理结果，自动领取登记',
      });
      for (const t of tasks)
        if (t.id === 'deliver') answered.push({ taskId: t.id, output: { decision: 'delivered' } });
      return undefined;
    },
  },

  'pay-confirm': {
    offered: (s) => !!s.payment?.notice && !s.payment.paid && !s.payment.expiredAt,
    check: (s, input) => {
      const p = input.payment!;
      const n = s.payment!.notice!;
      return p.n === n.n && p.fen === n.fen
        ? undefined
        : { code: 'PAYMENT_MISMATCH', message: '到账金额或通知书与应缴不符', field: 'payment' };
    },
    apply({ s, input, events, answered, at }) {
      const p = input.payment!;
      s.payment!.paid = { tradeNo: p.tradeNo, fen: p.fen, at };
      events.push({ type: '缴费', actor: '系统', outcome: '已缴费', note: `已缴纳 ${yuan(p.fen)}` });
      answered.push({ taskId: 'pay', output: { decision: 'paid' } });
      if (s.fee?.timing === 'before-acceptance') {
        // Now the application counts as submitted: the acceptance window starts.
        s.phase = 'work';
        s.windowFrom = at;
        s.stepStartedAt = at;
      } else {
        s.phase = 'delivery';
      }
      return undefined;
    },
  },

  'pay-remind': {
    offered: (s) => !!s.payment?.notice && !s.payment.paid && !s.payment.remindedAt,
    apply({ s, events, at }) {
      s.payment!.remindedAt = at;
      const n = s.payment!.notice!;
      events.push({ type: '缴费提醒', actor: '系统', note: `应缴 ${yuan(n.fen)}，缴费期限 ${n.expiresAt}` });
      return undefined;
    },
  },

  'pay-expire': {
    offered: (s) => !!s.payment?.notice && !s.payment.paid && !s.payment.expiredAt,
    apply({ s, events, answered, at }) {
      s.payment!.expiredAt = at;
      s.phase = 'closed';
      s.result = {
        outcome: 'unpaid',
        text: s.result?.text,
        reasons: '未在缴费期限内缴纳费用，办件终止；如仍需办理，请重新申请',
        at,
      };
      events.push({ type: '缴费超期', actor: '系统', outcome: '未缴费', note: s.result.reasons });
      answered.push({ taskId: 'pay', output: { decision: 'unpaid' } });
      return undefined;
    },
  },

  'refund-done': {
    offered: (s) => !!s.payment?.refund && !s.payment.refund.doneAt,
    apply({ s, events, at }) {
      const r = s.payment!.refund!;
      r.doneAt = at;
      events.push({ type: '退费', actor: '系统', outcome: '已退还', note: `已原路退还 ${yuan(r.fen)}` });
      return undefined;
    },
  },

  'appeal-rating': {
    offered: (s, at) => !!s.rating && !s.rating.appeal && withinAppealWindow(s.rating.at, at),
    apply({ s, input, actor, events, at }) {
      const reason = input.reason!;
      s.rating!.appeal = { status: 'pending', at, by: actor.name, dept: actor.dept ?? s.deptCode, reason };
      events.push({
        type: '评价申诉',
        actor: actor.deptName || '承办部门',
        actorName: actor.name,
        note: reason,
      });
      return undefined;
    },
  },

  'appeal-uphold': {
    offered: (s) => s.rating?.appeal?.status === 'pending',
    apply: (c) => decideAppeal(c, 'upheld'),
  },

  'appeal-reject': {
    offered: (s) => s.rating?.appeal?.status === 'pending',
    apply: (c) => decideAppeal(c, 'rejected'),
  },

  'deem-accept': {
    offered: atAcceptance,
    apply({ s, events, answered, tasks, at }) {
      accept(s, at);
      events.push({
        type: '受理',
        actor: '系统',
        outcome: '视为受理',
        note: '申请材料提交后五个工作日内未作出受理决定，依法视为受理（《行政许可法》第三十二条）',
      });
      for (const t of tasks) answered.push({ taskId: t.id, output: { decision: 'accept' } });
      return 'finish-step';
    },
  },
};

const withinAppealWindow = (from: string, at: string) =>
  Date.parse(at) <= Date.parse(from) + APPEAL_WINDOW_DAYS * 86_400_000;

/**
 * A supervisor's decision on a pending 评价申诉. Upheld (申诉成立): the rating no longer counts
 * (`excluded`) and an open rectification ends with the decision as its reason (its task answered, so
 * the rectification's execution finishes and its timers go stale).
 */
function decideAppeal(
  { s, input, actor, events, answered, tasks, at }: Context,
  status: 'upheld' | 'rejected',
) {
  const rating = s.rating!;
  const note = input.reason!;
  rating.appeal = { ...rating.appeal!, status, decision: { at, by: actor.name, note } };
  events.push({
    type: '申诉审核',
    actor: '监察人员',
    actorName: actor.name,
    outcome: status === 'upheld' ? '申诉成立' : '申诉不成立',
    note,
  });
  if (status === 'rejected') return undefined;
  rating.excluded = true;
  const r = s.rectification;
  if (r && !r.fix && !r.closed) {
    r.closed = { at, by: actor.name, note: `差评申诉成立：${note}` };
    for (const t of tasks.filter((t) => trackOf(t) === 'rectification'))
      answered.push({ taskId: t.id, output: { decision: 'appeal-upheld' } });
  }
  return undefined;
}

/** Whether the catalogue and the rule offer `id` on the case as it is at `at`. */
function offered(s: CaseState, id: ActionId, at: string): boolean {
  return (ACTIONS[id].phases as readonly Phase[]).includes(s.phase) && (RULES[id].offered?.(s, at) ?? true);
}

/** Which actions a task allows at `at` (what the console offers), in catalogue order. */
export function actionsFor(s: CaseState, task: Task, at: string): ActionId[] {
  // The applicant's only task is 补交材料; withdrawal and rating need no task (applicantActions).
  if (task.kind === 'applicant') return offered(s, 'supplement', at) ? ['supplement'] : [];
  return ACTION_IDS.filter((id) => {
    const spec: ActionSpec = ACTIONS[id];
    return spec.by === 'staff' && (spec.track ?? 'case') === trackOf(task) && offered(s, id, at);
  });
}

/** What the department (评价申诉) or a supervisor (申诉审核) may do on the case as a whole now. */
export function caseActionsBy(kind: 'department' | 'supervisor', s: CaseState, at: string): ActionId[] {
  return ACTION_IDS.filter((id) => ACTIONS[id].by === kind && offered(s, id, at));
}

/** Applicant actions that need no open task (补交材料, 撤回 until the decision, 评价 after 办结). */
export function applicantActions(s: CaseState, at: string): ActionId[] {
  return ACTION_IDS.filter((id) => ACTIONS[id].by === 'applicant' && offered(s, id, at));
}

const refuse = (code: RefusalCode, message: string, field?: string): ActionResult => ({
  ok: false,
  code,
  message,
  field,
});
const NOT_NOW = '该办件当前环节不能进行此操作，请刷新后重试';

function closePause(s: CaseState, at: string) {
  const p = openPause(s);
  if (p) p.to = at;
}

/**
 * Apply `action` by `actor` to the case. `taskId` names the open task a staff member acts on (the
 * caller checked the actor holds it); applicant and system actions need none.
 */
export function applyAction(
  before: CaseState,
  action: ActionId,
  rawInput: ActionInput,
  actor: Actor,
  at: string,
  taskId?: string,
): ActionResult {
  // Lookup.
  const spec = ACTIONS[action];
  if (!spec) return refuse('ACTION_NOT_ALLOWED', NOT_NOW);
  // Guard: who, when, on which task, with what.
  if (actor.kind !== spec.by)
    return refuse('FORBIDDEN', 'notYours' in spec ? spec.notYours : '该操作由工作人员办理');
  const tasks = openTasks(before);
  let task: Task | undefined;
  if (spec.by === 'staff') {
    task = tasks.find((t) => t.id === taskId);
    if (!task || !actionsFor(before, task, at).includes(action)) return refuse('ACTION_NOT_ALLOWED', NOT_NOW);
  } else if (!offered(before, action, at)) {
    return refuse('ACTION_NOT_ALLOWED', 'notNow' in spec ? spec.notNow : NOT_NOW);
  }
  const checked = checkActionInput(action, rawInput);
  if (!checked.ok) return checked;
  const problem = RULES[action].check?.(before, checked.input);
  if (problem) return { ok: false, ...problem };
  // Transition.
  const s = structuredClone(before);
  const c: Context = {
    s,
    input: checked.input,
    actor,
    at,
    task,
    by: task ? `${actor.deptName ?? ''}${task.post}岗` : '',
    events: [],
    answered: [],
    findings: [],
    tasks,
  };
  const then = RULES[action].apply(c);
  if (then === 'finish-step') finishStep(c);
  return {
    ok: true,
    state: s,
    events: c.events,
    answered: c.answered,
    findings: c.findings,
    opens: then === 'open-rectification' ? 'rectification' : undefined,
  };
}

/** A notice for `lines`: the case waits on its payment (the task `pay`). */
function issueNotice(
  s: CaseState,
  events: EventDraft[],
  lines: { label: string; fen: number }[],
  at: string,
) {
  const n = (s.payment?.notice?.n ?? 0) + 1;
  s.phase = 'payment';
  s.payment = { notice: notice(s.fee!, lines, n, at) };
  const total = s.payment.notice!.fen;
  events.push({ type: '缴费通知', actor: '系统', outcome: yuan(total), note: `应缴 ${yuan(total)}` });
}

/** A paid fee the item refunds when the case ends thus: the refund is asked of the provider (stream). */
function refundIfDue(s: CaseState, events: EventDraft[], at: string) {
  const paid = s.payment?.paid;
  if (!paid || s.payment!.refund || !s.result || !s.fee?.refundOn.includes(s.result.outcome)) return;
  s.payment!.refund = { fen: paid.fen, reason: `${s.result.outcome}`, requestedAt: at };
  events.push({ type: '退费', actor: '系统', outcome: '退费中', note: `将原路退还 ${yuan(paid.fen)}` });
}

function accept(s: CaseState, at: string) {
  s.acceptedAt = at;
  s.supplementPending = false;
}

/** The current step is complete: move to the next one, or finish an instant (即办) case on acceptance. */
function finishStep({ s, at, events }: Context) {
  s.doneDepts = [];
  if (isLastStep(s)) {
    // 即办件: the one step is acceptance, and the case is completed on the spot.
    s.phase = 'delivery';
    s.result = { outcome: 'approved', text: '即办件，当场办结', at };
    events.push({ type: '办结', actor: '系统', outcome: '准予', note: '即办件，受理即办结' });
  } else {
    s.stepIndex += 1;
    s.stepStartedAt = at;
  }
}

// ---------------------------------------------------------------------------------------------
// Deadlines and timers

export interface SupervisionConfig {
  yellow: YellowThreshold;
  prereviewDays: number;
  /** 差评整改 limits in working days from the 差评: contact the applicant (回访), and finish the fix. */
  rectification: { visitDays: number; rectifyDays: number };
}

export type DeadlineKey = 'deemAccept' | 'case' | 'step' | 'visit' | 'rectify';

export interface Deadlines {
  /** 行政许可法 Art. 32: the instant the application counts as accepted if nobody decides. */
  deemAccept?: string;
  case?: string;
  step?: string;
  /** A 差评's 回访 and 整改 limits, while each is open. */
  visit?: string;
  rectify?: string;
  /** The open payment notice's 缴费期限 (calendar days, not working days). */
  payment?: string;
  /** Working days the clock has stood still (补正, 特别程序). */
  pausedDays: number;
  /**
   * The deadlines that rest on a year whose holidays are not yet officially published (the
   * calendar's provisional schedule): shown as 暂定; they may move when the official one is loaded.
   */
  provisional?: DeadlineKey[];
}

export type TimerKey =
  | 'deem'
  | 'case-yellow'
  | 'case-red'
  | 'step-yellow'
  | 'step-red'
  | 'visit-yellow'
  | 'visit-red'
  | 'rectify-yellow'
  | 'rectify-red'
  | 'pay-remind'
  | 'pay-expire';

export interface Timer {
  fireAt: string;
  /** The step it watches (step timers), so a timer of a finished step is recognisably stale. */
  stepId?: string;
}

/** RFC 3339 without fractions, as Step Functions Wait timestamps want; rounded up so a timer never fires early. */
const instant = (d: Date) =>
  new Date(Math.ceil(d.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
/** The same rounding for other supervised limits (在线咨询, functions/domain/consultation.ts). */
export const timerInstant = instant;

const toIntervals = (pauses: Pause[], now: string): Interval[] =>
  pauses.map((p) => ({ from: new Date(p.from), to: new Date(p.to ?? now) }));

/**
 * Deadlines now, and the timers that should exist for them. While the clock stands still there are
 * no case or step timers; they come back, shifted, when it runs again. A deadline computed on a
 * provisional year is marked `provisional`; one beyond the calendar's horizon throws
 * CalendarRangeError (the caller records that instead).
 */
export function supervise(
  s: CaseState,
  now: string,
  cal: WorkingCalendar,
  config: SupervisionConfig,
): { deadlines: Deadlines; timers: Partial<Record<TimerKey, Timer>> } {
  const timers: Partial<Record<TimerKey, Timer>> = {};
  const paused = toIntervals(s.pauses, now);
  // Working time the clock stood still: the time used since filing with and without the pauses.
  const since = new Date(s.filedAt);
  const end = new Date(Math.max(Date.parse(now), since.getTime()));
  const pausedDays = paused.length
    ? cal.workingDaysBetween(since, end) - cal.workingDaysBetween(since, end, paused)
    : 0;
  const deadlines: Deadlines = { pausedDays: Math.round(pausedDays * 100) / 100 };
  superviseRectification(s, cal, config, deadlines, timers);
  if (s.phase === 'closed' || s.phase === 'delivery') return withProvisional(s, cal, deadlines, timers);
  if (s.phase === 'payment') {
    // The applicant's turn: no staff limit runs; the notice's own limit does.
    const n = s.payment?.notice;
    if (n && !s.payment?.paid) {
      deadlines.payment = n.expiresAt;
      if (!s.payment?.remindedAt) timers['pay-remind'] = { fireAt: instant(new Date(reminderAt(n))) };
      timers['pay-expire'] = { fireAt: instant(new Date(n.expiresAt)) };
    }
    return withProvisional(s, cal, deadlines, timers);
  }
  const running = !openPause(s);
  const step = currentStep(s);

  if (!s.acceptedAt && s.phase === 'work' && s.stepIndex === 0 && !s.supplementPending) {
    const deem = cal.addWorkingDays(new Date(s.windowFrom), config.prereviewDays);
    deadlines.deemAccept = instant(deem);
    timers.deem = { fireAt: deadlines.deemAccept };
  }
  if (s.acceptedAt) {
    const deadline = cal.deadlineWithPauses(new Date(s.acceptedAt), s.promisedDays, paused);
    deadlines.case = instant(deadline);
    if (running) {
      const yellow = warnAt(cal, new Date(s.acceptedAt), deadline, config.yellow, paused);
      timers['case-yellow'] = { fireAt: instant(yellow) };
      timers['case-red'] = { fireAt: deadlines.case };
    }
  }
  if (s.phase === 'work') {
    const start = new Date(s.stepStartedAt);
    const stepPauses = paused.filter((p) => p.to > start);
    const deadline = cal.deadlineWithPauses(start, step.limitDays, stepPauses);
    deadlines.step = instant(deadline);
    if (running) {
      const yellow = warnAt(cal, start, deadline, config.yellow, stepPauses);
      timers['step-yellow'] = { fireAt: instant(yellow), stepId: step.id };
      timers['step-red'] = { fireAt: deadlines.step, stepId: step.id };
    }
  }
  return withProvisional(s, cal, deadlines, timers);
}

/** The 差评's 回访 and 整改 limits, counted in working days from the 差评, with their warnings. */
function superviseRectification(
  s: CaseState,
  cal: WorkingCalendar,
  config: SupervisionConfig,
  deadlines: Deadlines,
  timers: Partial<Record<TimerKey, Timer>>,
) {
  const r = s.rectification;
  if (!r || r.fix || r.closed) return;
  const opened = new Date(r.openedAt);
  const limits = [
    ['visit', config.rectification.visitDays],
    ['rectify', config.rectification.rectifyDays],
  ] as const;
  for (const [key, days] of limits) {
    if (key === 'visit' && r.visit) continue;
    const deadline = cal.addWorkingDays(opened, days);
    deadlines[key] = instant(deadline);
    timers[`${key}-yellow`] = { fireAt: instant(warnAt(cal, opened, deadline, config.yellow, [])) };
    timers[`${key}-red`] = { fireAt: deadlines[key] };
  }
}

const DEADLINE_KEYS: readonly DeadlineKey[] = ['deemAccept', 'case', 'step', 'visit', 'rectify'];

function withProvisional(
  s: CaseState,
  cal: WorkingCalendar,
  deadlines: Deadlines,
  timers: Partial<Record<TimerKey, Timer>>,
) {
  const provisional = DEADLINE_KEYS.filter((key) => {
    const at = deadlines[key];
    return at !== undefined && cal.dependsOnProvisional(new Date(s.filedAt), new Date(at));
  });
  if (provisional.length) deadlines.provisional = provisional;
  return { deadlines, timers };
}

/**
 * The yellow warning: the operator's threshold, but never before half the limit is used — with a
 * one-day step, "1 working day left" would otherwise warn the moment the step begins.
 */
export function warnAt(
  cal: WorkingCalendar,
  start: Date,
  deadline: Date,
  threshold: YellowThreshold,
  paused: Interval[],
) {
  const configured = cal.yellowInstant(start, deadline, threshold, paused);
  const halfway = cal.yellowInstant(start, deadline, { fraction: 0.5 }, paused);
  return new Date(Math.max(configured.getTime(), halfway.getTime()));
}

/**
 * Whether an alert still concerns the case as it is now: its step still runs, its limit still
 * counts. A 待督办 alert that no longer does closes by itself (the record stays); findings always stay.
 */
export function alertStillApplies(alert: { scope: AlertScope; stepId?: string }, s: CaseState): boolean {
  const running = s.phase === 'work' || s.phase === 'correction' || s.phase === 'special';
  switch (alert.scope) {
    case 'step':
      return running && currentStep(s).id === alert.stepId;
    case 'case':
      return running;
    case 'deem':
      return running && !s.acceptedAt;
    case 'visit':
      return !!s.rectification && !s.rectification.visit && !s.rectification.closed;
    case 'rectify':
      return !!s.rectification && !s.rectification.fix && !s.rectification.closed;
    case 'process':
    case 'reply':
    case 'payment':
      return true;
    // A consultation's alerts close by the consultation's own rule (functions/consult/supervision.ts).
    case 'answer':
      return false;
  }
}

/** What a closed-by-itself alert says. */
export const RESOLVED_NOTE: Record<AlertScope, string> = {
  step: '该环节已办理完毕，预警自动关闭',
  case: '办件已办结，预警自动关闭',
  deem: '办件已受理，预警自动关闭',
  visit: '已回访申请人，预警自动关闭',
  rectify: '差评已整改，预警自动关闭',
  process: '',
  reply: '',
  payment: '',
  answer: '咨询已答复，预警自动关闭',
};

/** Timers that fire a system action of the catalogue (the others raise alerts). */
export const TIMER_ACTIONS: Partial<Record<TimerKey, ActionId>> = {
  deem: 'deem-accept',
  'pay-remind': 'pay-remind',
  'pay-expire': 'pay-expire',
};

/** A timer that fires is acted on only if the case still wants exactly it (else it is stale). */
export function timerIsCurrent(
  current: Partial<Record<TimerKey, Timer>> | undefined,
  key: TimerKey,
  fired: Timer,
): boolean {
  const t = current?.[key];
  return !!t && t.fireAt === fired.fireAt && t.stepId === fired.stepId;
}

/** Who answers for a timer's alert: the department and post of the step (or of acceptance). */
export function responsibleFor(s: CaseState, key: TimerKey): { dept: string; post: string; stepId?: string } {
  const step = currentStep(s);
  if (key.startsWith('visit') || key.startsWith('rectify'))
    return { dept: s.deptCode, post: s.plan[0].post, stepId: RECTIFICATION_STEP };
  if (key.startsWith('case')) return { dept: s.deptCode, post: step.post };
  return { dept: step.depts[0], post: step.post, stepId: step.id };
}
