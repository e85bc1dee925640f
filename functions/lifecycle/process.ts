/**
 * The case lifecycle as pure rules: which tasks a case waits on, what each action does to it, and
 * the deadlines and timers that follow. The state machine (statemachines/case-lifecycle.asl.json)
 * only loops "ask what to wait for → wait for the task tokens"; every decision lives here, so the
 * same rules drive the API, the timers and the flowchart. No AWS, no clock: `now` is passed in.
 *
 * Phases of a case:
 *   work        the current step of the plan is being worked (its tasks wait for staff)
 *   correction  a 补交告知 was issued: the applicant must supplement; the clock is stopped
 *   special     a 特别程序 runs (听证, 检验, 专家评审 …); the clock is stopped until its result
 *   delivery    办结 (准予) — the result waits for 领取登记 at the window
 *   closed      finished: refused, denied, withdrawn, or delivered
 */
import type { CaseEventType } from '#functions/cases/model.ts';
import type { Interval, WorkingCalendar, YellowThreshold } from './calendar.ts';

export type Phase = 'work' | 'correction' | 'special' | 'delivery' | 'closed';

export type CaseStatus =
  | 'submitted'
  | 'accepted'
  | 'correcting'
  | 'special'
  | 'approved'
  | 'refused'
  | 'denied'
  | 'withdrawn'
  | 'delivered';

export const STATUS_NAMES: Record<CaseStatus, string> = {
  submitted: '已申办，待受理',
  accepted: '已受理，办理中',
  correcting: '待补交材料',
  special: '特别程序中',
  approved: '已办结（准予），待领取',
  refused: '不予受理',
  denied: '已办结（不予许可）',
  withdrawn: '申请人已撤回',
  delivered: '已办结，已领取',
};

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

export interface CaseState {
  plan: PlanStep[];
  stepIndex: number;
  phase: Phase;
  status: CaseStatus;
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
  result?: { outcome: string; text?: string; reasons?: string; remedy?: string; at: string };
  delivery?: { method: string; at: string };
}

export interface Task {
  /** Unique within the case while open: `<stepId>#<dept>`, `supplement`, `special#<dept>`, `deliver`. */
  id: string;
  stepId: string;
  name: string;
  kind: 'staff' | 'applicant';
  dept?: string;
  post: string;
}

export type ActionId =
  | 'prereview'
  | 'accept'
  | 'refuse'
  | 'correct'
  | 'supplement'
  | 'accept-supplement'
  | 'pass'
  | 'special-start'
  | 'special-result'
  | 'approve'
  | 'deny'
  | 'deliver'
  | 'withdraw'
  | 'deem-accept';

export const ACTION_NAMES: Record<ActionId, string> = {
  prereview: '网上预受理',
  accept: '受理',
  refuse: '不予受理',
  correct: '一次性告知补正',
  supplement: '补交材料',
  'accept-supplement': '补交受理',
  pass: '审查通过',
  'special-start': '启动特别程序',
  'special-result': '登记特别程序结果',
  approve: '准予（办结）',
  deny: '不予许可（办结）',
  deliver: '领取登记',
  withdraw: '撤回申请',
  'deem-accept': '视为受理',
};

export interface ActionInput {
  reason?: string;
  /** 补交告知: every missing or incorrect item, at once. */
  items?: string[];
  note?: string;
  special?: { type: string; expectedDays: number };
  result?: string;
  remedy?: string;
  method?: string;
}

export interface Actor {
  kind: 'staff' | 'applicant' | 'system';
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

export type ActionResult =
  | {
      ok: true;
      state: CaseState;
      events: EventDraft[];
      /** Open tasks this action answers, with the output their task tokens receive. */
      answered: { taskId: string; output: { decision: string } }[];
      findings: Finding[];
    }
  | { ok: false; status: 403 | 409 | 422; code: string; message: string };

export const SPECIAL_TYPES = ['听证', '招标', '拍卖', '检验', '检测', '检疫', '鉴定', '专家评审'] as const;
export const DELIVERY_METHODS = ['自取', '邮寄', '电子'] as const;

const DEFAULT_REMEDY =
  '如不服本决定，可在收到决定书之日起六十日内依法申请行政复议，或在六个月内依法提起行政诉讼。';

const currentStep = (s: CaseState) => s.plan[s.stepIndex];
const isAcceptanceStep = (s: CaseState) => s.stepIndex === 0 && !s.acceptedAt;
const isLastStep = (s: CaseState) => s.stepIndex === s.plan.length - 1;
const openPause = (s: CaseState) => s.pauses.find((p) => !p.to);

export function initialState(input: {
  plan: PlanStep[];
  deptCode: string;
  promisedDays: number;
  filedAt: string;
}): CaseState {
  return {
    plan: input.plan,
    stepIndex: 0,
    phase: 'work',
    status: 'submitted',
    deptCode: input.deptCode,
    promisedDays: input.promisedDays,
    filedAt: input.filedAt,
    windowFrom: input.filedAt,
    stepStartedAt: input.filedAt,
    corrections: 0,
    pauses: [],
    doneDepts: [],
  };
}

/** The tasks the case waits on now; empty when it is closed. Joint steps give one task per department. */
export function openTasks(s: CaseState): Task[] {
  const step = currentStep(s);
  switch (s.phase) {
    case 'closed':
      return [];
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

/** Which actions the task allows in the current state (what the console offers). */
export function actionsFor(s: CaseState, task: Task): ActionId[] {
  if (task.kind === 'applicant') return ['supplement'];
  if (s.phase === 'special') return ['special-result'];
  if (s.phase === 'delivery') return ['deliver'];
  if (s.phase !== 'work') return [];
  const joint = currentStep(s).depts.length > 1;
  if (isAcceptanceStep(s)) {
    const base: ActionId[] = s.supplementPending
      ? ['accept-supplement', 'refuse', 'correct']
      : ['accept', 'refuse', 'correct'];
    return s.prereviewed || s.supplementPending ? base : ['prereview', ...base];
  }
  if (s.supplementPending) return ['accept-supplement'];
  if (joint) return ['pass'];
  if (isLastStep(s)) return ['approve', 'deny', 'correct', 'special-start'];
  return ['pass', 'correct', 'special-start'];
}

/** Applicant actions that need no open task. */
export function applicantActions(s: CaseState): ActionId[] {
  const out: ActionId[] = [];
  if (s.phase === 'correction') out.push('supplement');
  if (canWithdraw(s)) out.push('withdraw');
  return out;
}

/** Withdrawal is possible until the decision. */
function canWithdraw(s: CaseState): boolean {
  return s.phase === 'work' || s.phase === 'correction' || s.phase === 'special';
}

const fail = (status: 403 | 409 | 422, code: string, message: string): ActionResult => ({
  ok: false,
  status,
  code,
  message,
});

function clone(s: CaseState): CaseState {
  return structuredClone(s);
}

function closePause(s: CaseState, at: string) {
  const p = openPause(s);
  if (p) p.to = at;
}

function staffLabel(actor: Actor, post: string) {
  return `${actor.deptName ?? ''}${post}岗`;
}

/**
 * Apply `action` by `actor` to the case. `taskId` names the open task a staff member acts on (the
 * caller checked the actor holds it); applicant and system actions need none.
 */
export function applyAction(
  before: CaseState,
  action: ActionId,
  input: ActionInput,
  actor: Actor,
  at: string,
  taskId?: string,
): ActionResult {
  const tasks = openTasks(before);
  const s = clone(before);
  const events: EventDraft[] = [];
  const findings: Finding[] = [];
  const answered: { taskId: string; output: { decision: string } }[] = [];
  const reason = input.reason?.trim();

  if (action === 'withdraw') {
    if (actor.kind !== 'applicant') return fail(403, 'FORBIDDEN', '只有申请人可以撤回申请');
    if (!canWithdraw(s)) return fail(409, 'ACTION_NOT_ALLOWED', '已作出决定的办件不能撤回');
    closePause(s, at);
    s.phase = 'closed';
    s.status = 'withdrawn';
    s.result = { outcome: '撤回', reasons: reason, at };
    events.push({ type: '撤回', actor: '申请人', actorName: actor.name, note: reason || '申请人撤回申请' });
    for (const t of tasks) answered.push({ taskId: t.id, output: { decision: 'withdrawn' } });
    return { ok: true, state: s, events, answered, findings };
  }

  if (action === 'supplement') {
    if (actor.kind !== 'applicant') return fail(403, 'FORBIDDEN', '补交材料由申请人提交');
    if (s.phase !== 'correction') return fail(409, 'ACTION_NOT_ALLOWED', '该办件目前不需要补交材料');
    s.phase = 'work';
    s.status = s.acceptedAt ? 'accepted' : 'submitted';
    s.supplementPending = true;
    events.push({
      type: '补交材料',
      actor: '申请人',
      actorName: actor.name,
      note: input.note?.trim() || undefined,
    });
    answered.push({ taskId: 'supplement', output: { decision: 'supplemented' } });
    return { ok: true, state: s, events, answered, findings };
  }

  if (action === 'deem-accept') {
    if (actor.kind !== 'system' || !isAcceptanceStep(s) || s.phase !== 'work') {
      return fail(409, 'ACTION_NOT_ALLOWED', '该办件已不在受理环节');
    }
    accept(s, at);
    events.push({
      type: '受理',
      actor: '系统',
      outcome: '视为受理',
      note: '申请材料提交后五个工作日内未作出受理决定，依法视为受理（《行政许可法》第三十二条）',
    });
    for (const t of tasks) answered.push({ taskId: t.id, output: { decision: 'accept' } });
    return finishStep(s, at, events, answered, findings);
  }

  // Staff actions from here on: the actor must hold an open task that allows this action.
  if (actor.kind !== 'staff') return fail(403, 'FORBIDDEN', '该操作由工作人员办理');
  const task = tasks.find((t) => t.id === taskId);
  if (!task) return fail(409, 'ACTION_NOT_ALLOWED', '该办件当前环节不能进行此操作，请刷新后重试');
  if (!actionsFor(s, task).includes(action)) {
    return fail(409, 'ACTION_NOT_ALLOWED', '该办件当前环节不能进行此操作，请刷新后重试');
  }
  const by = staffLabel(actor, task.post);
  const step = currentStep(s);

  switch (action) {
    case 'prereview':
      s.prereviewed = true;
      events.push({
        type: '网上预受理',
        actor: by,
        actorName: actor.name,
        note: input.note?.trim() || '网上材料预审通过',
      });
      return { ok: true, state: s, events, answered, findings };

    case 'accept':
    case 'accept-supplement': {
      const acceptance = isAcceptanceStep(s);
      if (action === 'accept-supplement') {
        s.supplementPending = false;
        closePause(s, at);
        events.push({
          type: '补交受理',
          actor: by,
          actorName: actor.name,
          note: input.note?.trim() || '补交材料齐全',
        });
        if (!acceptance) return { ok: true, state: s, events, answered, findings };
        events.push({
          type: '受理',
          actor: by,
          actorName: actor.name,
          outcome: '受理',
          note: '补正后予以受理',
        });
      } else {
        if (!s.prereviewed)
          events.push({ type: '网上预受理', actor: by, actorName: actor.name, note: '网上材料预审通过' });
        events.push({
          type: '受理',
          actor: by,
          actorName: actor.name,
          outcome: '受理',
          note: input.note?.trim() || undefined,
        });
      }
      s.prereviewed = true;
      accept(s, at);
      answered.push({ taskId: task.id, output: { decision: 'accept' } });
      return finishStep(s, at, events, answered, findings);
    }

    case 'refuse':
      if (!reason) return fail(422, 'REASON_REQUIRED', '不予受理必须说明理由');
      s.phase = 'closed';
      s.status = 'refused';
      s.supplementPending = false;
      closePause(s, at);
      s.result = { outcome: '不予受理', reasons: reason, remedy: input.remedy?.trim() || DEFAULT_REMEDY, at };
      events.push({ type: '受理', actor: by, actorName: actor.name, outcome: '不予受理', note: reason });
      answered.push({ taskId: task.id, output: { decision: 'refuse' } });
      return { ok: true, state: s, events, answered, findings };

    case 'correct': {
      const items = (input.items ?? []).map((i) => i.trim()).filter(Boolean);
      if (items.length === 0) return fail(422, 'ITEMS_REQUIRED', '补交告知须一次性列明全部需要补正的材料');
      if (s.corrections > 0) {
        findings.push({
          kind: 'repeat-correction',
          note: `第 ${s.corrections + 1} 次补交告知（应一次性告知）`,
        });
      }
      s.corrections += 1;
      s.phase = 'correction';
      s.status = 'correcting';
      s.supplementPending = false;
      if (!openPause(s)) s.pauses.push({ from: at, reason: '补正' });
      events.push({
        type: '补交告知',
        actor: by,
        actorName: actor.name,
        note: `请补交：${items.join('；')}`,
      });
      answered.push({ taskId: task.id, output: { decision: 'correct' } });
      return { ok: true, state: s, events, answered, findings };
    }

    case 'pass':
      events.push({
        type: '审批（处理）',
        actor: by,
        actorName: actor.name,
        outcome: step.name === '审查' || step.post === '审查' ? '审查通过' : '同意',
        note: input.note?.trim() || undefined,
      });
      s.doneDepts.push(task.dept!);
      answered.push({ taskId: task.id, output: { decision: 'pass' } });
      if (s.doneDepts.length < step.depts.length) return { ok: true, state: s, events, answered, findings };
      return finishStep(s, at, events, answered, findings);

    case 'special-start': {
      const sp = input.special;
      if (!sp || !(SPECIAL_TYPES as readonly string[]).includes(sp.type) || !(sp.expectedDays > 0)) {
        return fail(
          422,
          'SPECIAL_REQUIRED',
          `请说明特别程序的种类（${SPECIAL_TYPES.join('、')}）和预计所需时间`,
        );
      }
      s.phase = 'special';
      s.status = 'special';
      s.special = { type: sp.type, expectedDays: sp.expectedDays, startedAt: at };
      s.pauses.push({ from: at, reason: '特别程序' });
      events.push({
        type: '特别程序申请',
        actor: by,
        actorName: actor.name,
        outcome: sp.type,
        note: `预计需要 ${sp.expectedDays} 个工作日，所需时间不计入办理时限${reason ? `；${reason}` : ''}`,
      });
      answered.push({ taskId: task.id, output: { decision: 'special' } });
      return { ok: true, state: s, events, answered, findings };
    }

    case 'special-result': {
      const result = input.result?.trim();
      if (!result) return fail(422, 'RESULT_REQUIRED', '请登记特别程序的结果');
      closePause(s, at);
      s.phase = 'work';
      s.status = 'accepted';
      events.push({
        type: '特别程序结果',
        actor: by,
        actorName: actor.name,
        outcome: s.special?.type,
        note: result,
      });
      s.special = undefined;
      answered.push({ taskId: task.id, output: { decision: 'special-done' } });
      return { ok: true, state: s, events, answered, findings };
    }

    case 'approve':
      s.phase = 'delivery';
      s.status = 'approved';
      s.result = { outcome: '准予', text: input.result?.trim() || undefined, at };
      events.push({
        type: '办结',
        actor: by,
        actorName: actor.name,
        outcome: '准予',
        note: input.result?.trim() || undefined,
      });
      answered.push({ taskId: task.id, output: { decision: 'approve' } });
      return { ok: true, state: s, events, answered, findings };

    case 'deny': {
      if (!reason) return fail(422, 'REASON_REQUIRED', '不予许可必须说明理由');
      const remedy = input.remedy?.trim() || DEFAULT_REMEDY;
      s.phase = 'closed';
      s.status = 'denied';
      s.result = { outcome: '不予', reasons: reason, remedy, at };
      events.push({
        type: '办结',
        actor: by,
        actorName: actor.name,
        outcome: '不予',
        note: `${reason}。${remedy}`,
      });
      answered.push({ taskId: task.id, output: { decision: 'deny' } });
      return { ok: true, state: s, events, answered, findings };
    }

    case 'deliver': {
      const method = input.method ?? '';
      if (!(DELIVERY_METHODS as readonly string[]).includes(method)) {
        return fail(422, 'METHOD_REQUIRED', `请选择领取方式（${DELIVERY_METHODS.join('、')}）`);
      }
      s.phase = 'closed';
      s.status = 'delivered';
      s.delivery = { method, at };
      events.push({
        type: '领取登记',
        actor: by,
        actorName: actor.name,
        outcome: method,
        note: input.note?.trim() || undefined,
      });
      answered.push({ taskId: task.id, output: { decision: 'delivered' } });
      return { ok: true, state: s, events, answered, findings };
    }
  }
  return fail(409, 'ACTION_NOT_ALLOWED', '该办件当前环节不能进行此操作');
}

function accept(s: CaseState, at: string) {
  s.acceptedAt = at;
  s.status = 'accepted';
  s.supplementPending = false;
}

/** The current step is complete: move to the next one, or finish an instant (即办) case on acceptance. */
function finishStep(
  s: CaseState,
  at: string,
  events: EventDraft[],
  answered: { taskId: string; output: { decision: string } }[],
  findings: Finding[],
): ActionResult {
  s.doneDepts = [];
  if (isLastStep(s)) {
    // 即办件: the one step is acceptance, and the case is completed on the spot.
    s.phase = 'delivery';
    s.status = 'approved';
    s.result = { outcome: '准予', text: '即办件，当场办结', at };
    events.push({ type: '办结', actor: '系统', outcome: '准予', note: '即办件，受理即办结' });
  } else {
    s.stepIndex += 1;
    s.stepStartedAt = at;
  }
  return { ok: true, state: s, events, answered, findings };
}

// ---------------------------------------------------------------------------------------------
// Deadlines and timers

export interface SupervisionConfig {
  yellow: YellowThreshold;
  prereviewDays: number;
}

export interface Deadlines {
  /** 行政许可法 Art. 32: the instant the application counts as accepted if nobody decides. */
  deemAccept?: string;
  case?: string;
  step?: string;
  /** Working days the clock has stood still (补正, 特别程序). */
  pausedDays: number;
}

export type TimerKey = 'deem' | 'case-yellow' | 'case-red' | 'step-yellow' | 'step-red';

export interface Timer {
  fireAt: string;
  /** The step it watches (step timers), so a timer of a finished step is recognisably stale. */
  stepId?: string;
}

/** RFC 3339 without fractions, as Step Functions Wait timestamps want; rounded up so a timer never fires early. */
const instant = (d: Date) =>
  new Date(Math.ceil(d.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z');

const toIntervals = (pauses: Pause[], now: string): Interval[] =>
  pauses.map((p) => ({ from: new Date(p.from), to: new Date(p.to ?? now) }));

/**
 * Deadlines now, and the timers that should exist for them. While the clock stands still there are
 * no case or step timers; they come back, shifted, when it runs again. Throws CalendarRangeError
 * when a deadline falls in a year the calendar does not know (the caller records that instead).
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
  if (s.phase === 'closed' || s.phase === 'delivery') return { deadlines, timers };
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
  return { deadlines, timers };
}

/**
 * The yellow warning: the operator's threshold, but never before half the limit is used — with a
 * one-day step, "1 working day left" would otherwise warn the moment the step begins.
 */
function warnAt(
  cal: WorkingCalendar,
  start: Date,
  deadline: Date,
  threshold: YellowThreshold,
  paused: Interval[],
) {
  const configured = cal.yellowInstant(start, deadline, threshold, paused);
  const halfway = cal.yellowInstant(start, deadline, { fraction: 0.5 }, paused);
  return configured < halfway ? halfway : configured;
}

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
  if (key.startsWith('case')) return { dept: s.deptCode, post: step.post };
  return { dept: step.depts[0], post: step.post, stepId: step.id };
}
