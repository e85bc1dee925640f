/**
 * The shapes of the case API answers (queue, case page, progress, alerts, filing): the server
 * builds them (functions/cases/views.ts and the handlers), the portal reads them; one definition.
 * Instants are ISO 8601 with +08:00.
 */
import type { ActionId, RatingInput } from './actions.ts';
import type { DeadlineKey, PlanStep, Task } from './process.ts';
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
}

/** The rectification of a 差评: its limits while open, what the department did, and its rating. */
export interface RectificationView {
  openedAt: string;
  visitDeadline?: string;
  rectifyDeadline?: string;
  visit?: { at: string; note: string };
  fix?: { at: string; note: string };
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
  urge?: { by: string; note: string; at: string };
  reply?: { by: string; note: string; at: string };
  /** Why and when it closed by itself (status `resolved`). */
  resolved?: { note: string; at: string };
}

export interface CaseDetail extends ProgressView {
  version: number;
  queryCode?: string;
  applicant: { name: string; phone?: string };
  agent?: { name: string };
  enterprise?: { uscc: string; name?: string };
  form: Record<string, unknown>;
  plan: PlanStep[];
  tasks: CaseTaskView[];
  applicantActions: ActionId[];
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
