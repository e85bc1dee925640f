/**
 * The case (办件) as pure rules: case numbers, query codes, the ten process events and their
 * hash chain. No AWS here.
 */
import { createHash, randomInt, timingSafeEqual } from 'node:crypto';

import { QUERY_CODE_ALPHABET, QUERY_CODE_LENGTH } from '#domain/query-code.ts';
import type { CaseEventType } from '#domain/vocabulary.ts';

export { type CaseEventType, PROCESS_EVENTS, type ProcessEvent } from '#domain/vocabulary.ts';

export interface CaseEvent {
  seq: number;
  type: CaseEventType;
  at: string;
  /** Who acted: the post (受理岗 …) or 申请人 / 系统. */
  actor: string;
  actorName?: string;
  outcome?: string;
  note?: string;
  prevHash: string;
  hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);

/** `341602-20261126-000001`: hall division code, filing date (Beijing), daily sequence. */
export function formatCaseNo(hallCode: string, beijingDate: string, seq: number): string {
  return `${hallCode}-${beijingDate.replaceAll('-', '')}-${String(seq).padStart(6, '0')}`;
}

const CASE_NO = /^(\d{6})-(\d{8})-(\d{6})$/;

export function parseCaseNo(caseNo: string): { hallCode: string; date: string; seq: number } | undefined {
  const m = CASE_NO.exec(caseNo);
  return m ? { hallCode: m[1], date: m[2], seq: Number(m[3]) } : undefined;
}

export function isCaseNo(value: string): boolean {
  return CASE_NO.test(value);
}

/**
 * 8 characters of the query-code alphabet (#domain/query-code.ts), told to the applicant with the
 * case number; the pair opens the progress query.
 */
export function newQueryCode(): string {
  let code = '';
  for (let i = 0; i < QUERY_CODE_LENGTH; i++)
    code += QUERY_CODE_ALPHABET[randomInt(QUERY_CODE_ALPHABET.length)];
  return code;
}

/** `given` normalised (normaliseQueryCode); an older case's 6-digit code compares the same way. */
export function queryCodeMatches(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Canonical JSON (sorted keys) so the hash does not depend on attribute order in storage. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function hashEvent(caseNo: string, event: Omit<CaseEvent, 'hash'>): string {
  return createHash('sha256')
    .update(canonical({ caseNo, ...event }))
    .digest('hex');
}

export function chainEvent(
  caseNo: string,
  prevHash: string,
  seq: number,
  fields: Omit<CaseEvent, 'seq' | 'prevHash' | 'hash'>,
): CaseEvent {
  const body = { ...fields, seq, prevHash };
  return { ...body, hash: hashEvent(caseNo, body) };
}

/** Proves a timeline untampered: every hash matches its content and links to the one before. */
export function verifyChain(
  caseNo: string,
  events: CaseEvent[],
): { ok: true } | { ok: false; seq: number; reason: string } {
  let prev = GENESIS_HASH;
  for (const [i, e] of events.entries()) {
    if (e.seq !== i + 1) return { ok: false, seq: e.seq, reason: '事件序号不连续' };
    if (e.prevHash !== prev) return { ok: false, seq: e.seq, reason: '与前一事件的链接不符' };
    const { hash, ...body } = e;
    if (hashEvent(caseNo, body) !== hash) return { ok: false, seq: e.seq, reason: '事件内容与哈希不符' };
    prev = hash;
  }
  return { ok: true };
}
