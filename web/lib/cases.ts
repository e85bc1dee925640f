/**
 * What the portal knows about cases (办件): the shapes of the hall case APIs (queue, case page,
 * progress, alerts, filing), the action names and their inputs, and how times and deadlines are
 * worded. Pure (no React), so pages and tests share one reading.
 *
 * The action, special-procedure and delivery lists are those of functions/lifecycle/process.ts.
 */
import type { Hall } from './api.ts';

// ---------------------------------------------------------------------------------------------
// Answers of the API

export type Mark = 'yellow' | 'red';

export interface QueueTask {
  caseNo: string;
  taskId: string;
  task: string;
  itemName: string;
  applicantName: string;
  status: string;
  statusName: string;
  currentStep: string;
  version: number;
  waitingSince?: string;
  deadline?: string;
  caseDeadline?: string;
  mark?: Mark;
}

export interface CaseStep {
  id: string;
  name: string;
  post: string;
  level: string;
  limitDays: number;
  state: 'done' | 'current' | 'todo';
}

export interface CaseEventView {
  seq: number;
  type: string;
  at: string;
  actor: string;
  outcome?: string;
  note?: string;
}

/** 办件进度: the public part (GET /progress), also the head of the case page. */
export interface ProgressView {
  caseNo: string;
  itemName: string;
  deptName: string;
  status: string;
  statusName: string;
  currentStep: string;
  filedAt: string;
  acceptedAt?: string;
  promisedDays: number;
  deadline?: string;
  stepDeadline?: string;
  deemedAcceptanceAt?: string;
  pausedWorkingDays: number;
  special?: { type: string; expectedDays: number; startedAt?: string };
  result?: { outcome: string; text?: string; reasons?: string; remedy?: string; at?: string };
  delivery?: { method: string; at?: string };
  steps: CaseStep[];
  events: CaseEventView[];
}

export interface CaseTaskView {
  id: string;
  stepId: string;
  name: string;
  kind: 'staff' | 'applicant';
  dept?: string;
  post: string;
  /** The state machine is waiting on this task (its token is stored); acting before gives 409. */
  ready: boolean;
  since?: string;
  /** What this viewer may do on it; empty for everyone else. */
  actions: string[];
}

export interface AlertView {
  alertId: string;
  caseNo: string;
  itemName: string;
  severity: 'yellow' | 'red' | 'finding';
  scope: string;
  stepId?: string;
  dept: string;
  post: string;
  deadline?: string;
  note: string;
  raisedAt: string;
  status: 'open' | 'urged' | 'replied';
  urge?: { by: string; note: string; at: string };
  reply?: { by: string; note: string; at: string };
}

export interface PlanStepView {
  id: string;
  name: string;
  post: string;
  level: string;
  limitDays: number;
  depts: string[];
}

export interface CaseDetail extends ProgressView {
  version: number;
  queryCode?: string;
  applicant: { name: string; phone?: string };
  agent?: { name: string };
  form: Record<string, string | number | boolean>;
  plan: PlanStepView[];
  tasks: CaseTaskView[];
  applicantActions: string[];
  alerts?: AlertView[];
  chain?: { ok: true } | { ok: false; seq: number; reason: string };
  supervisionError?: string;
}

export interface FiledCase {
  caseNo: string;
  queryCode: string;
  status: string;
  filedAt: string;
}

// ---------------------------------------------------------------------------------------------
// Actions

// The action names and lists of the lifecycle rules themselves (process.ts has no runtime imports).
export { ACTION_NAMES, DELIVERY_METHODS, SPECIAL_TYPES } from '../../functions/lifecycle/process.ts';

import { ACTION_NAMES, DELIVERY_METHODS, SPECIAL_TYPES } from '../../functions/lifecycle/process.ts';

/** Which inputs each action needs; the API refuses the action (422) without the required ones. */
export type ActionInputKind = 'note' | 'reason' | 'items' | 'special' | 'result' | 'remedy' | 'method';

export const ACTION_INPUTS: Record<string, { kind: ActionInputKind; required: boolean }[]> = {
  prereview: [{ kind: 'note', required: false }],
  accept: [{ kind: 'note', required: false }],
  'accept-supplement': [{ kind: 'note', required: false }],
  refuse: [{ kind: 'reason', required: true }],
  correct: [{ kind: 'items', required: true }],
  pass: [{ kind: 'note', required: false }],
  'special-start': [
    { kind: 'special', required: true },
    { kind: 'reason', required: false },
  ],
  'special-result': [{ kind: 'result', required: true }],
  approve: [{ kind: 'result', required: false }],
  deny: [
    { kind: 'reason', required: true },
    { kind: 'remedy', required: false },
  ],
  deliver: [
    { kind: 'method', required: true },
    { kind: 'note', required: false },
  ],
  supplement: [{ kind: 'note', required: false }],
  withdraw: [{ kind: 'reason', required: false }],
};

/** Actions that end a case against the applicant (or by them): their button is drawn in red. */
export const WEIGHTY_ACTIONS = new Set(['refuse', 'deny', 'withdraw']);

/** 审查 steps pass as 审查通过, others (联办 review of a deciding department …) as 同意. */
export function actionLabel(action: string, task?: Pick<CaseTaskView, 'name' | 'post'>): string {
  if (action === 'pass' && task && task.name !== '审查' && task.post !== '审查') return '同意';
  return (ACTION_NAMES as Record<string, string>)[action] ?? action;
}

export interface ActionBody {
  action: string;
  version?: number;
  taskId?: string;
  reason?: string;
  items?: string[];
  note?: string;
  special?: { type: string; expectedDays: number };
  result?: string;
  remedy?: string;
  method?: string;
}

export interface ActionDraft {
  note: string;
  reason: string;
  /** One row per missing material; `id` keeps each row's input stable when another is removed. */
  items: { id: number; text: string }[];
  specialType: string;
  expectedDays: string;
  result: string;
  remedy: string;
  method: string;
}

export const EMPTY_DRAFT: ActionDraft = {
  note: '',
  reason: '',
  items: [{ id: 0, text: '' }],
  specialType: '',
  expectedDays: '',
  result: '',
  remedy: '',
  method: '',
};

/**
 * The request body for an action from what the form holds, or the first problem in words (the same
 * rules the API applies, checked here so a person sees them next to the field before sending).
 */
export function actionBody(
  action: string,
  draft: ActionDraft,
  context: { version?: number; taskId?: string },
): { ok: true; body: ActionBody } | { ok: false; field: ActionInputKind; message: string } {
  const body: ActionBody = { action, version: context.version, taskId: context.taskId };
  for (const { kind, required } of ACTION_INPUTS[action] ?? []) {
    switch (kind) {
      case 'note':
      case 'reason':
      case 'result':
      case 'remedy': {
        const v = draft[kind].trim();
        if (!v && required)
          return { ok: false, field: kind, message: REQUIRED_WORDS[action]?.[kind] ?? '请填写' };
        if (v) body[kind] = v;
        break;
      }
      case 'items': {
        const items = draft.items.map((i) => i.text.trim()).filter(Boolean);
        if (items.length === 0)
          return { ok: false, field: kind, message: '请逐项列明需要补正的全部材料（一次性告知）' };
        body.items = items;
        break;
      }
      case 'special': {
        const days = Number(draft.expectedDays);
        if (!(SPECIAL_TYPES as readonly string[]).includes(draft.specialType))
          return { ok: false, field: kind, message: '请选择特别程序的种类' };
        if (!Number.isInteger(days) || days < 1 || days > 365)
          return { ok: false, field: kind, message: '预计所需时间应为 1–365 个工作日' };
        body.special = { type: draft.specialType, expectedDays: days };
        break;
      }
      case 'method':
        if (!(DELIVERY_METHODS as readonly string[]).includes(draft.method))
          return { ok: false, field: kind, message: '请选择领取方式' };
        body.method = draft.method;
        break;
    }
  }
  return { ok: true, body };
}

const REQUIRED_WORDS: Record<string, Partial<Record<ActionInputKind, string>>> = {
  refuse: { reason: '不予受理必须说明理由' },
  deny: { reason: '不予许可必须说明理由' },
  'special-result': { result: '请登记特别程序的结果' },
};

// ---------------------------------------------------------------------------------------------
// Words

export const SEVERITY_WORDS: Record<AlertView['severity'], string> = {
  yellow: '黄色预警',
  red: '红色超期',
  finding: '流程问题',
};

export const ALERT_STATUS_WORDS: Record<AlertView['status'], string> = {
  open: '待督办',
  urged: '已督办，待回复',
  replied: '已回复',
};

export const MARK_WORDS: Record<Mark, string> = { yellow: '预警', red: '超期' };

export const SCOPE_WORDS: Record<string, string> = {
  case: '办件总时限',
  step: '环节时限',
  deem: '受理时限',
  process: '办理过程',
};

export const LEVEL_WORDS: Record<string, string> = {
  city: '市级',
  county: '县级',
  town: '乡镇（街道）',
  village: '村（社区）',
};

// ---------------------------------------------------------------------------------------------
// Times: the API sends ISO 8601 instants with +08:00; people read Beijing dates and clock times.

const BEIJING_MS = 8 * 3600_000;

function beijingParts(iso: string) {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return undefined;
  const d = new Date(ms + BEIJING_MS);
  return {
    y: d.getUTCFullYear(),
    m: d.getUTCMonth() + 1,
    d: d.getUTCDate(),
    hh: d.getUTCHours(),
    mm: d.getUTCMinutes(),
  };
}

const two = (n: number) => String(n).padStart(2, '0');

/** `2026年3月2日 09:05` (Beijing). */
export function formatTime(iso: string | undefined): string {
  if (!iso) return '—';
  const p = beijingParts(iso);
  if (!p) return iso;
  return `${p.y}年${p.m}月${p.d}日 ${two(p.hh)}:${two(p.mm)}`;
}

/** `2026年3月2日` (Beijing). */
export function formatDate(iso: string | undefined): string {
  if (!iso) return '—';
  const p = beijingParts(iso);
  return p ? `${p.y}年${p.m}月${p.d}日` : iso;
}

/**
 * A deadline as people say it: `2026年3月9日 24:00前`. A period ends at the end of its last working
 * day, which the API sends as 00:00 of the next day; that reads as 24:00 of the day before.
 */
export function formatDeadline(iso: string | undefined): string {
  if (!iso) return '—';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  const p = beijingParts(iso)!;
  if (p.hh === 0 && p.mm === 0) {
    const prev = beijingParts(new Date(ms - 60_000).toISOString())!;
    return `${prev.y}年${prev.m}月${prev.d}日 24:00前`;
  }
  return `${p.y}年${p.m}月${p.d}日 ${two(p.hh)}:${two(p.mm)}前`;
}

/** Working days without needless decimals: 0, 1.5, 2. */
export function formatDays(days: number | undefined): string {
  if (typeof days !== 'number' || !Number.isFinite(days)) return '0';
  return String(Math.round(days * 100) / 100);
}

// ---------------------------------------------------------------------------------------------
// Numbers and halls

export const CASE_NO = /^\d{6}-\d{8}-\d{6}$/;
export const QUERY_CODE = /^\d{6}$/;

/** Case numbers are typed by hand from an SMS or a receipt: accept spaces and other dashes. */
export function normaliseCaseNo(input: string): string {
  const digits = input.replace(/[\s\u2010-\u2015\u2212－—]/g, '-').replace(/[^\d-]/g, '');
  const only = digits.replace(/-/g, '');
  if (only.length === 20) return `${only.slice(0, 6)}-${only.slice(6, 14)}-${only.slice(14)}`;
  return digits.replace(/-+/g, '-');
}

/** The hall a case belongs to: the one whose division code begins its number. */
export function hallOfCase<H extends Pick<Hall, 'code'>>(caseNo: string, halls: H[]): H | undefined {
  const code = caseNo.slice(0, 6);
  return halls.find((h) => h.code === code);
}

/**
 * An Idempotency-Key for one filing attempt (the API wants 8–64 of [A-Za-z0-9_-]). Random values,
 * not randomUUID: the latter exists only in secure contexts, and a hall's LAN may serve plain http.
 */
export function newIdempotencyKey(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
