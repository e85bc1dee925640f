/**
 * Why the domain says no. Rules return (or use cases throw) a Refusal with a stable code and a
 * Chinese message; functions/lib/http.ts maps each code to an HTTP status once, and callers that are
 * not HTTP (the timer task) can tell "someone else already acted" from a real failure.
 */
export const REFUSAL_STATUS = {
  /** The actor may not take this action at all (wrong role or post). */
  FORBIDDEN: 403,
  /** Unknown case, or one the caller may not know exists. */
  NOT_FOUND: 404,
  /** The case moved on since the caller looked (version changed, or another person acted). */
  CONFLICT: 409,
  /** The case is not in a phase or step where this action is possible. */
  ACTION_NOT_ALLOWED: 409,
  /** The state machine has not reached the task yet. */
  STEP_NOT_READY: 409,
  /** A required input of the action is missing (the field says which). */
  REASON_REQUIRED: 422,
  ITEMS_REQUIRED: 422,
  SPECIAL_REQUIRED: 422,
  RESULT_REQUIRED: 422,
  METHOD_REQUIRED: 422,
  RATING_REQUIRED: 422,
  /** 准予 of an item that charges afterwards without the category or amount (or a 减免 reason). */
  FEE_REQUIRED: 422,
  /** A payment that does not match its notice (amount, notice): never counted. */
  PAYMENT_MISMATCH: 422,
  /** 领取登记 by post without the parcel's tracking number. */
  TRACKING_REQUIRED: 422,
  /** 补交告知 naming a slot that is not one of the case's applicant slots. */
  SLOTS_INVALID: 422,
  /** An input has the wrong shape (type, length, unknown value). */
  INPUT_INVALID: 400,
  /** The same Idempotency-Key was sent with a different request body. */
  IDEMPOTENCY_KEY_REUSED: 422,
} as const;

export type RefusalCode = keyof typeof REFUSAL_STATUS;

/** Refusals that mean "someone got there first": retrying the same request cannot succeed. */
export const RACE_CODES: readonly RefusalCode[] = ['CONFLICT', 'ACTION_NOT_ALLOWED', 'STEP_NOT_READY'];

export interface RefusalInfo {
  code: RefusalCode;
  message: string;
  /** The input field the refusal is about, so a form can show it beside that field. */
  field?: string;
}

export class Refusal extends Error implements RefusalInfo {
  override name = 'Refusal';
  readonly code: RefusalCode;
  readonly field?: string;
  constructor(info: RefusalInfo) {
    super(info.message);
    this.code = info.code;
    this.field = info.field;
  }
}

export const refusals = {
  notFound: (message = '办件不存在') => new Refusal({ code: 'NOT_FOUND', message }),
  conflict: (message = '该办件已被他人处理，请刷新后重试') => new Refusal({ code: 'CONFLICT', message }),
  notReady: () => new Refusal({ code: 'STEP_NOT_READY', message: '该环节尚未就绪，请稍后刷新重试' }),
};
