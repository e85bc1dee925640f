/**
 * The use case "file a case" (申办): idempotent by the caller's key, numbered by the hall's daily
 * sequence, stored with its first hash-chained event and the idempotency record in ONE transaction
 * (so a crash can never leave a case without its key or a key without its case — stronger than a
 * separate idempotency record written before and after), then its lifecycle started. Works on the
 * ports, so it is unit-tested with the in-memory store.
 */
import type { DeliveryChoice } from '#domain/delivery.ts';
import type { FeeTerms } from '#domain/fees.ts';
import type { CaseMaterials } from '#domain/materials.ts';
import { initialState, type PlanStep, statusOf } from '#domain/process.ts';
import { Refusal } from '#domain/refusal.ts';
import { beijingDate } from '#domain/time.ts';
import { currentCalendar } from '#lib/calendar.ts';
import { supervision } from './deadlines.ts';
import { chainEvent, formatCaseNo, GENESIS_HASH, newQueryCode } from './model.ts';
import type { CaseStore, Lifecycle } from './ports.ts';
import type { CaseRecord, Person } from './store.ts';

export const IDEMPOTENCY_TTL_S = 24 * 3600;

export interface FilingDeps {
  store: CaseStore;
  lifecycle: Lifecycle;
  /** The hall's division code: the first six digits of its case numbers. */
  hallCode: string;
}

/** What a new case is, once the handler has checked the item, the applicant and the form. */
export interface CaseDraft {
  hallId: string;
  itemCode: string;
  itemName: string;
  deptCode: string;
  deptName: string;
  legalDays: number;
  promisedDays: number;
  caseKind: string;
  plan: PlanStep[];
  /** The item's 网上缴费 terms, when it charges (#domain/fees.ts). */
  fee?: FeeTerms;
  /** 送达 as chosen (#domain/delivery.ts). */
  deliveryChoice?: DeliveryChoice;
  applicant: Person;
  agent?: Person;
  /** Who pressed 提交 (the applicant, or the agent filing for them). */
  filedBy: string;
  form: Record<string, unknown>;
  /** The materials checked and sealed for this filing (functions/materials/filing.ts). */
  materials?: CaseMaterials;
}

export interface FilingRequest {
  /** The account whose Idempotency-Key this is. */
  owner: string;
  key: string;
  /** Hash of the request body: the same key with another body is refused. */
  requestHash: string;
  at: Date;
  /** Checks and builds the draft; not called when the key was already used (a retry). */
  draft: () => Promise<CaseDraft>;
}

export interface Filed {
  /** false when this was a retry of an earlier filing: the same case is answered. */
  created: boolean;
  record: CaseRecord;
}

const keyReused = () =>
  new Refusal({ code: 'IDEMPOTENCY_KEY_REUSED', message: '同一个 Idempotency-Key 不能用于不同的申请内容' });

export async function fileCase(deps: FilingDeps, req: FilingRequest): Promise<Filed> {
  const previous = await deps.store.getIdempotency(req.owner, req.key);
  if (previous) return replay(deps, previous, req.requestHash);

  const draft = await req.draft();
  const filedAt = req.at.toISOString();
  const date = beijingDate(req.at);
  const caseNo = formatCaseNo(deps.hallCode, date, await deps.store.nextDailySequence(date));
  const event = chainEvent(caseNo, GENESIS_HASH, 1, {
    type: '申办',
    at: filedAt,
    actor: draft.agent ? '代办员' : '申请人',
    actorName: draft.filedBy,
    note: `在线申办“${draft.itemName}”`,
  });
  const state = initialState({
    plan: draft.plan,
    deptCode: draft.deptCode,
    promisedDays: draft.promisedDays,
    filedAt,
    fee: draft.fee,
  });
  const { plan: _plan, filedBy: _by, fee: _fee, ...facts } = draft;
  const record: CaseRecord = {
    ...state,
    ...supervision(state, filedAt, (await currentCalendar()).calendar),
    ...facts,
    status: statusOf(state),
    caseNo,
    version: 1,
    eventCount: 1,
    lastHash: event.hash,
    queryCode: newQueryCode(),
  };
  const outcome = await deps.store.createCase(record, event, {
    sub: req.owner,
    key: req.key,
    requestHash: req.requestHash,
    // TTL is storage housekeeping, which DynamoDB measures in real time, not the business clock.
    expiresAt: Math.floor(Date.now() / 1000) + IDEMPOTENCY_TTL_S,
  });
  if (outcome === 'duplicate') {
    // A concurrent request with the same key won; answer as it did.
    const winner = await deps.store.getIdempotency(req.owner, req.key);
    if (winner) return replay(deps, winner, req.requestHash);
    throw new Refusal({ code: 'CONFLICT', message: '重复提交，请稍后在“我的办件”中查看' });
  }
  await deps.lifecycle.start(caseNo);
  return { created: true, record };
}

/** A repeated request with the same key gets the first answer; a different body under that key is refused. */
async function replay(
  { store, lifecycle }: FilingDeps,
  previous: { caseNo: string; requestHash: string },
  requestHash: string,
): Promise<Filed> {
  if (previous.requestHash !== requestHash) throw keyReused();
  const existing = await store.getCase(previous.caseNo);
  if (!existing) throw new Refusal({ code: 'CONFLICT', message: '申请正在处理中，请稍后重试' });
  // The first attempt may have stopped before starting the execution; starting again is idempotent.
  await lifecycle.start(existing.caseNo);
  return { created: false, record: existing };
}
