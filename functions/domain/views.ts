/**
 * The shapes of the case API answers (queue, case page, progress, alerts, filing): the server
 * builds them (functions/cases/views.ts and the handlers), the portal reads them; one definition.
 * Instants are ISO 8601 with +08:00.
 */
import type { ActionId, RatingInput } from './actions.ts';
import type { DeliveryChoice } from './delivery.ts';
import type { PaymentView } from './payment.ts';
import type { DeadlineKey, PlanStep, RatingAppeal, Task } from './process.ts';
import type {
  AlertScope,
  AlertStatus,
  CaseEventType,
  CaseStatus,
  Mark,
  Outcome,
  Severity,
} from './vocabulary.ts';

export interface CaseStepView {
  id: string;
  name: string;
  post: string;
  level: string;
  limitDays: number;
  state: 'done' | 'current' | 'todo';
}

export interface CaseEventView {
  seq: number;
  type: CaseEventType;
  at: string;
  actor: string;
  outcome?: string;
  note?: string;
}

/** A case in a list (我的办件). */
export interface CaseSummary {
  caseNo: string;
  /** The item's code: its guide and application form are at GET /api/items/{itemCode}. */
  itemCode: string;
  itemName: string;
  deptName: string;
  status: CaseStatus;
  statusName: string;
  currentStep: string;
  filedAt: string;
  deadline?: string;
}

export interface ResultView {
  outcome: Outcome;
  outcomeName: string;
  text?: string;
  reasons?: string;
  remedy?: string;
  at?: string;
}

/** 办件进度: the public part (GET /progress), also the head of the case page. */
export interface ProgressView extends CaseSummary {
  acceptedAt?: string;
  promisedDays: number;
  stepDeadline?: string;
  deemedAcceptanceAt?: string;
  pausedWorkingDays: number;
  /** Deadlines that rest on a year without an official holiday schedule yet (shown as 暂定). */
  provisional?: DeadlineKey[];
  special?: { type: string; expectedDays: number; startedAt?: string };
  result?: ResultView;
  delivery?: { method: string; at?: string };
  /** 好差评: the applicant's rating, or until when they may still give one (absent once they may not). */
  rating?: RatingView;
  ratingOpenUntil?: string;
  rectification?: RectificationView;
  steps: CaseStepView[];
  events: CaseEventView[];
}

export interface RatingView extends RatingInput {
  levelName: string;
  at: string;
  /**
   * 评价申诉 and its decision, without the names of who appealed and decided (the case page and the
   * public progress answer both show it); `excluded` once upheld (the rating no longer counts in any figure).
   */
  appeal?: Omit<RatingAppeal, 'by' | 'decision'> & { decision?: { at: string; note: string } };
  excluded?: true;
}

/** The rectification of a 差评: its limits while open, what the department did, and its rating. */
export interface RectificationView {
  openedAt: string;
  visitDeadline?: string;
  rectifyDeadline?: string;
  visit?: { at: string; note: string };
  fix?: { at: string; note: string };
  /** Ended without a fix: an appeal against the 差评 was upheld. */
  closed?: { at: string; note: string };
  rating?: RatingView;
}

export interface CaseTaskView extends Task {
  /** The state machine is waiting on this task (its token is stored); acting before gives 409. */
  ready: boolean;
  since?: string;
  /** What this viewer may do on it; empty for everyone else. */
  actions: ActionId[];
}

/** An e-supervision alert (stored with UTC instants, shown with +08:00 ones). */
export interface AlertView {
  alertId: string;
  caseNo: string;
  itemName: string;
  severity: Severity;
  scope: AlertScope;
  stepId?: string;
  dept: string;
  post: string;
  deadline?: string;
  note: string;
  raisedAt: string;
  status: AlertStatus;
  /** 督办: who urged, and by when the department must reply (`replyBy`; an overdue reply escalates). */
  urge?: { by: string; bySub?: string; note: string; at: string; replyBy?: string; escalatedAt?: string };
  reply?: { by: string; note: string; at: string };
  /** Why and when it closed by itself (status `resolved`). */
  resolved?: { note: string; at: string };
  /** A finding raised because a 督办 went unanswered past `urge.replyBy` (scope `reply`): reported to the city. */
  escalation?: { alertId: string; urgedBy: string; urgedBySub?: string; to: 'city' };
}

/** An alert past its limit, as the supervisor's overdue list shows it: working days late. */
export interface OverdueAlertView extends AlertView {
  lateDays: number;
}

/** GET …/alerts and …/alerts?view=overdue: one page, and the cursor of the next. */
export interface AlertPage {
  alerts: AlertView[];
  cursor?: string;
}

/** GET …/alerts/summary: the supervisor dashboard's figures of one hall (or one department of it). */
export interface AlertSummary {
  hallId: string;
  /** The Beijing day counted. */
  day: string;
  /** Alerts raised today, by level. */
  today: { yellow: number; red: number; finding: number };
  /** 督办 waiting for the department's reply, and how many of them are past their reply deadline. */
  urged: number;
  urgedOverdue: number;
  /** Red alerts and findings past their limit that nobody answered yet (the overdue list's length). */
  overdue: number;
  /** Of those, unanswered 督办 reported to the city (findings of scope `reply`). */
  escalated: number;
}

export interface CaseDetail extends ProgressView {
  version: number;
  queryCode?: string;
  applicant: { name: string; phone?: string };
  agent?: { name: string };
  /** How it was filed: by the applicant online, or by an agent (代办员) for them. */
  channel: 'online' | 'agent';
  enterprise?: { uscc: string; name?: string };
  form: Record<string, unknown>;
  /** 网上缴费: the item's fee, the notice and what became of it (items that charge). */
  payment?: PaymentView;
  /** 送达 as the applicant chose it at filing (the address for 邮寄). */
  deliveryChoice?: DeliveryChoice;
  plan: PlanStep[];
  tasks: CaseTaskView[];
  applicantActions: ActionId[];
  /** What this viewer may do on the case as a whole: the department's 评价申诉, a supervisor's decision on it. */
  officialActions: ActionId[];
  alerts?: AlertView[];
  chain?: { ok: true } | { ok: false; seq: number; reason: string };
  supervisionError?: string;
}

export interface QueueTask {
  caseNo: string;
  taskId: string;
  task: string;
  itemName: string;
  applicantName: string;
  status: CaseStatus;
  statusName: string;
  currentStep: string;
  version: number;
  waitingSince?: string;
  deadline?: string;
  caseDeadline?: string;
  /** `deadline` / `caseDeadline` rests on a provisional holiday schedule (see ProgressView). */
  deadlineProvisional?: boolean;
  caseDeadlineProvisional?: boolean;
  mark?: Mark;
}

/**
 * One page of a list. `cursor` (opaque) asks for the next page (`?cursor=`); absent on the last page.
 * A cursor that was edited, or belongs to another list, is refused with 400 BAD_CURSOR.
 */
export interface Paged {
  cursor?: string;
}

/** GET /tasks: one page of the caller's queue, most urgent deadline first. */
export interface QueuePage extends Paged {
  tasks: QueueTask[];
}

/** A case in 我的办件, with whether it waits on the applicant (补正). */
export interface MyCase extends CaseSummary {
  needsMe: boolean;
  /** 代办: in the list of the agent who filed it, whose case it is (the name masked). */
  filedFor?: string;
}

/** GET /cases: one page of 我的办件, newest first. */
export interface MyCasesPage extends Paged {
  cases: MyCase[];
}

export interface FiledCase {
  caseNo: string;
  queryCode: string;
  status: CaseStatus;
  filedAt: string;
}
