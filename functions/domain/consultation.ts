/**
 * 在线咨询 as pure rules: a person (signed in, or anonymous with a phone proved by SMS code) asks the
 * department of an item; the department answers within a limit of working days, watched by the same
 * yellow/red timers and alerts as a case step; the person rates the answer once (the five levels of
 * 好差评); the department may publish the question and answer, edited and without the asker, as an
 * FAQ on the item's guide. No AWS, no clock: `at` is passed in.
 *
 * Storage (functions/consult/store.ts): the hall's cases table, `CASE#<consultNo> / CONSULT`, so a
 * consultation's alerts (`ALERT#answer.<severity>`) and SMS outbox records sit beside it exactly as a
 * case's do and the supervision and SMS machinery serve both. Consultation numbers start with `ZX`
 * and so are never case numbers; nothing that reads cases (sk `CASE`) sees a consultation.
 */
import { RATING_WINDOW_DAYS, type RatingInput } from './actions.ts';
import type { WorkingCalendar, YellowThreshold } from './calendar.ts';
import { type Timer, timerInstant, warnAt } from './process.ts';
import { QUERY_CODE_ALPHABET } from './query-code.ts';
import type { RefusalCode, RefusalInfo } from './refusal.ts';
import { RATING_NAMES, type RatingLevel } from './vocabulary.ts';

export const MIN_QUESTION = 5;
export const MAX_QUESTION = 1000;
export const MAX_ANSWER = 2000;
/** The post whose holders are texted about a consultation's alerts (any staff of the department may answer). */
export const CONSULT_POST = '受理';
/** Suffix alphabet of consultation numbers (Crockford base32, as query codes). */
export const CONSULT_SUFFIX_LENGTH = 6;

/**
 * Abuse limits of asking (functions/consult): per address (a village office puts many people behind
 * one, so generous) and per asker (the account, or the phone proved by SMS code). The per-asker
 * counter is hit only after the asker is proved, so nobody else can spend the owner's budget; the
 * SMS codes themselves are the identity's (per address, per phone, one a minute, five tries).
 */
const HOUR = 3_600_000;
export const CONSULT_LIMITS = {
  perAddress: [
    { max: 30, windowMs: HOUR },
    { max: 200, windowMs: 24 * HOUR },
  ],
  perAsker: [
    { max: 5, windowMs: HOUR },
    { max: 20, windowMs: 24 * HOUR },
  ],
} as const;

export interface ConsultConfig {
  /** Working days the department has to answer. */
  answerDays: number;
}

export type ConsultStatus = 'open' | 'answered';
export const CONSULT_STATUS_NAMES: Record<ConsultStatus, string> = {
  open: '待答复',
  answered: '已答复',
};

export interface ConsultRating extends RatingInput {
  at: string;
}

/** What changes over a consultation's life (the stored record adds who, what and the keys). */
export interface ConsultState {
  status: ConsultStatus;
  askedAt: string;
  answer?: { text: string; by: string; at: string };
  rating?: ConsultRating;
  /** Published as an FAQ of the item: the department's edited texts (no asker, no personal data). */
  faq?: { question: string; answer: string; by: string; at: string };
}

export type ConsultTimerKey = 'answer-yellow' | 'answer-red';
export type ConsultTimers = Partial<Record<ConsultTimerKey, Timer>>;

const CONSULT_NO = /^ZX(\d{6})-(\d{8})-([0-9A-Z]{6})$/;

/** `ZX341602-20261129-K7QM3X`: hall division code, day asked (Beijing), a random suffix. */
export function formatConsultNo(hallCode: string, beijingDate: string, suffix: string): string {
  return `ZX${hallCode}-${beijingDate.replaceAll('-', '')}-${suffix}`;
}

export const isConsultNo = (value: string) => CONSULT_NO.test(value);

/** A random suffix from `random` (0 ≤ r < 1 per call): the caller brings the randomness. */
export function consultSuffix(random: () => number): string {
  let out = '';
  for (let i = 0; i < CONSULT_SUFFIX_LENGTH; i++)
    out += QUERY_CODE_ALPHABET[Math.floor(random() * QUERY_CODE_ALPHABET.length)];
  return out;
}

/**
 * The answer's deadline and its timers while the question is open (none once answered): the same
 * working days, yellow threshold and "never before halfway" rule as a case step.
 */
export function superviseConsultation(
  c: Pick<ConsultState, 'status' | 'askedAt'>,
  cal: WorkingCalendar,
  config: ConsultConfig & { yellow: YellowThreshold },
): { deadlines: { answer?: string; provisional?: boolean }; timers: ConsultTimers } {
  if (c.status !== 'open') return { deadlines: {}, timers: {} };
  const start = new Date(c.askedAt);
  const deadline = cal.addWorkingDays(start, config.answerDays);
  const answer = timerInstant(deadline);
  const yellow = timerInstant(warnAt(cal, start, deadline, config.yellow, []));
  const provisional = cal.dependsOnProvisional(start, deadline);
  return {
    deadlines: provisional ? { answer, provisional } : { answer },
    timers: { 'answer-yellow': { fireAt: yellow }, 'answer-red': { fireAt: answer } },
  };
}

export function consultTimerIsCurrent(
  current: ConsultTimers | undefined,
  key: string,
  fired: Timer,
): boolean {
  const t = current?.[key as ConsultTimerKey];
  return !!t && t.fireAt === fired.fireAt;
}

export const CONSULT_ALERT_NOTES: Record<'yellow' | 'red', string> = {
  yellow: '在线咨询即将超过答复时限',
  red: '在线咨询已超过答复时限，尚未答复',
};

// ---------------------------------------------------------------------------------------------
// The rules. Each returns the new state or a refusal (domain codes, mapped to HTTP once).

type Outcome<T> = { ok: true; state: T } | ({ ok: false } & RefusalInfo);
const refuse = (code: RefusalCode, message: string, field?: string) =>
  ({ ok: false, code, message, field }) as const;

/** A question's text: trimmed, of sensible length (the schema has refused control characters). */
export function questionProblem(text: string): string | undefined {
  const t = text.trim();
  if (t.length < MIN_QUESTION) return `请把问题说清楚（至少 ${MIN_QUESTION} 个字）`;
  if (t.length > MAX_QUESTION) return `问题不能超过 ${MAX_QUESTION} 个字`;
  return undefined;
}

export function answerConsultation<T extends ConsultState>(
  c: T,
  text: string,
  by: string,
  at: string,
): Outcome<T> {
  if (c.status !== 'open') return refuse('CONFLICT', '该咨询已答复，请刷新');
  const answer = text.trim();
  if (!answer) return refuse('RESULT_REQUIRED', '请填写答复内容', 'answer');
  return { ok: true, state: { ...c, status: 'answered', answer: { text: answer, by, at } } };
}

/** The last instant an answer may be rated: the same window as a case's rating. */
export const consultRatingDeadline = (answeredAt: string) =>
  new Date(Date.parse(answeredAt) + RATING_WINDOW_DAYS * 86_400_000).toISOString();

export function mayRate(c: ConsultState, at: string): boolean {
  return (
    c.status === 'answered' &&
    !!c.answer &&
    !c.rating &&
    Date.parse(at) <= Date.parse(consultRatingDeadline(c.answer.at))
  );
}

export function rateConsultation<T extends ConsultState>(c: T, rating: RatingInput, at: string): Outcome<T> {
  if (c.rating) return refuse('CONFLICT', '您已评价过该咨询（每次咨询评价一次）');
  if (!mayRate(c, at))
    return refuse('ACTION_NOT_ALLOWED', `答复后 ${RATING_WINDOW_DAYS} 日内可以评价，每次咨询评价一次`);
  return { ok: true, state: { ...c, rating: { ...rating, at } } };
}

/** Publish (or re-edit) the FAQ: only an answered question, with both texts the department edited. */
export function publishFaq<T extends ConsultState>(
  c: T,
  texts: { question: string; answer: string },
  by: string,
  at: string,
): Outcome<T> {
  if (c.status !== 'answered') return refuse('ACTION_NOT_ALLOWED', '答复后才能公开为常见问题');
  const question = texts.question.trim();
  const answer = texts.answer.trim();
  const qp = questionProblem(question);
  if (qp) return refuse('REASON_REQUIRED', qp, 'question');
  if (!answer) return refuse('RESULT_REQUIRED', '请填写公开的答复内容', 'answer');
  return { ok: true, state: { ...c, faq: { question, answer, by, at } } };
}

// ---------------------------------------------------------------------------------------------
// Views (instants with +08:00; the server converts)

export interface ConsultRatingView extends RatingInput {
  levelName: string;
  at: string;
}

export const consultRatingView = (r: ConsultRating, at: string): ConsultRatingView => ({
  ...r,
  levelName: RATING_NAMES[r.level as RatingLevel],
  at,
});

/** A consultation as its asker and the department's staff see it. */
export interface ConsultationView {
  consultNo: string;
  hallId: string;
  itemCode: string;
  itemName: string;
  deptName: string;
  question: string;
  askedAt: string;
  status: ConsultStatus;
  statusName: string;
  /** The answer's deadline while open (working days, see ConsultConfig); `provisional` like a case's. */
  deadline?: string;
  deadlineProvisional?: boolean;
  /** Staff only: the asker, masked unless signed in (name) — the phone always masked. */
  asker?: { name?: string; phone?: string; anonymous: boolean };
  answer?: { text: string; at: string; by?: string };
  rating?: ConsultRatingView;
  /** Until when the asker may rate the answer, while they may. */
  ratingOpenUntil?: string;
  faq?: { question: string; answer: string; at: string };
  version: number;
  mark?: 'yellow' | 'red';
}

/** An FAQ entry on an item's guide: the department's edited texts, nothing of the asker. */
export interface FaqEntry {
  consultNo: string;
  question: string;
  answer: string;
  deptName: string;
  answeredAt: string;
  publishedAt: string;
}
