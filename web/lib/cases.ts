/**
 * What the portal knows about cases (办件). The shapes of the hall case APIs, the action catalogue,
 * the words and the Beijing-time formatting are the server's own pure modules (functions/domain/),
 * re-exported here so pages have one import; this file adds only what is the portal's: the staff
 * form's draft and the numbers people type.
 */
import {
  type ActionBody,
  type ActionId,
  checkActionInput,
  type FieldKind,
  type RatingInput,
} from '../../functions/domain/actions.ts';
import type { RatingLevel } from '../../functions/domain/vocabulary.ts';
import type { Hall } from './api.ts';

export {
  ACTIONS,
  type ActionBody,
  type ActionId,
  actionLabel,
  EXPECTED_DAYS,
  type FieldKind,
  type FieldSpec,
  fieldOfCode,
  MAX_COMMENT,
  MAX_ITEM_LENGTH,
  MAX_ITEMS,
  RATING_WINDOW_DAYS,
} from '../../functions/domain/actions.ts';
export { findProof } from '../../functions/domain/proof.ts';
export {
  formatQueryCode,
  isQueryCode,
  normaliseQueryCode,
  QUERY_CODE_HINT,
  QUERY_CODE_PROBLEM,
} from '../../functions/domain/query-code.ts';
export { formatDate, formatDeadline, formatTime } from '../../functions/domain/time.ts';
export type {
  AlertView,
  CaseDetail,
  CaseEventView,
  CaseStepView,
  CaseSummary,
  CaseTaskView,
  FiledCase,
  ProgressView,
  QueueTask,
  RatingView,
  RectificationView,
} from '../../functions/domain/views.ts';
export {
  ALERT_STATUS_NAMES,
  COMPLAINT_TAGS,
  DELIVERY_METHODS,
  DIMENSION_NAMES,
  isBadRating,
  LEVEL_NAMES,
  levelName,
  MARK_NAMES,
  type Mark,
  RATING_DIMENSIONS,
  RATING_LEVELS,
  RATING_NAMES,
  type RatingDimension,
  type RatingLevel,
  SCOPE_NAMES,
  SEVERITY_NAMES,
  type Severity,
  SPECIAL_TYPES,
} from '../../functions/domain/vocabulary.ts';

// ---------------------------------------------------------------------------------------------
// The staff (and applicant) action form

export interface ActionDraft {
  note: string;
  reason: string;
  /** One row per missing material; `id` keeps each row's input stable when another is removed. */
  items: { id: number; text: string }[];
  /** 补交告知: the slots (ids) to upload again. */
  slots: string[];
  specialType: string;
  expectedDays: string;
  result: string;
  remedy: string;
  method: string;
  /** 准予 of an item charging afterwards (web/components/PayFeeField.tsx): category, amount in 元, or 减免. */
  fee: { option: string; yuan: string; waiver: string };
  /** 领取登记 by post: the parcel's number. */
  tracking: string;
  rating: {
    level?: RatingLevel;
    dimensions: NonNullable<RatingInput['dimensions']>;
    tags: string[];
    comment: string;
  };
}

export const EMPTY_DRAFT: ActionDraft = {
  note: '',
  reason: '',
  items: [{ id: 0, text: '' }],
  slots: [],
  specialType: '',
  expectedDays: '',
  result: '',
  remedy: '',
  method: '',
  fee: { option: '', yuan: '', waiver: '' },
  tracking: '',
  rating: { dimensions: {}, tags: [], comment: '' },
};

/**
 * The request body for an action from what the form holds, or the first problem in words: the
 * catalogue's own check, the one the server applies, so a person sees it next to the field first.
 */
export function actionBody(
  action: ActionId,
  draft: ActionDraft,
  context: { version?: number; taskId?: string },
): { ok: true; body: ActionBody } | { ok: false; field: FieldKind; message: string } {
  const checked = checkActionInput(action, {
    note: draft.note,
    reason: draft.reason,
    result: draft.result,
    remedy: draft.remedy,
    items: draft.items.map((i) => i.text),
    slots: draft.slots,
    special: draft.specialType
      ? { type: draft.specialType, expectedDays: Number(draft.expectedDays) }
      : undefined,
    method: draft.method || undefined,
    fee: feeInput(draft.fee),
    tracking: draft.tracking || undefined,
    rating: draft.rating.level ? ({ ...draft.rating, level: draft.rating.level } as RatingInput) : undefined,
  });
  if (!checked.ok) return { ok: false, field: checked.field as FieldKind, message: checked.message };
  return { ok: true, body: { action, version: context.version, taskId: context.taskId, ...checked.input } };
}

/** The fee the staff form holds, as the action wants it (an amount typed in 元 becomes fen). */
function feeInput(f: ActionDraft['fee']): ActionBody['fee'] {
  if (f.waiver.trim()) return { waiver: f.waiver };
  if (f.option) return { option: f.option };
  const m = /^\s*(\d{1,6})(?:\.(\d{1,2}))?\s*$/.exec(f.yuan);
  return m ? { fen: Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0')) } : undefined;
}

/** Working days without needless decimals: 0, 1.5, 2. */
export function formatDays(days: number | undefined): string {
  if (typeof days !== 'number' || !Number.isFinite(days)) return '0';
  return String(Math.round(days * 100) / 100);
}

// ---------------------------------------------------------------------------------------------
// Numbers and halls

export const CASE_NO = /^\d{6}-\d{8}-\d{6}$/;

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
