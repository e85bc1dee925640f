/**
 * GET /progress?caseNo=&code=[&proof=] — 办件进度和结果查询, no login. A wrong code answers exactly
 * like an unknown case number. Guessing is limited by the rules of guessing.ts: only failures are
 * counted (per address and per case number, on the hall's limits table, never the streamed cases
 * table), and a query with the right code writes nothing and is never refused for others' guesses.
 */
import { z } from 'zod';
import { nowMs } from '#domain/clock.ts';
import { proofHolds } from '#domain/proof.ts';
import { isQueryCode, normaliseQueryCode, QUERY_CODE_PROBLEM } from '#domain/query-code.ts';
import { dynamo, env } from '#lib/aws.ts';
import { clientIp } from '#lib/client.ts';
import { api, HttpError, httpErrors } from '#lib/http.ts';
import { SlidingLimiter } from '#lib/limiter.ts';
import { logger } from '#lib/logger.ts';
import {
  addressLimits,
  addressRefusal,
  caseFailures,
  challengeAt,
  liveChallenges,
  PROOF,
  PROOF_REQUIRED_MESSAGE,
  proofBits,
} from './guessing.ts';
import { queryCodeMatches } from './model.ts';
import { checkProgressToken } from './progress-link.ts';
import { getCaseWithEvents } from './store.ts';
import { progressView } from './views.ts';

const query = z.object({
  caseNo: z.string().regex(/^\d{6}-\d{8}-\d{6}$/, '办件编号格式应为 341602-20261126-000001'),
  code: z.string().max(40).transform(normaliseQueryCode).refine(isQueryCode, QUERY_CODE_PROBLEM).optional(),
  /** The signed link of an SMS (progress-link.ts), instead of the code. */
  t: z.string().max(40).optional(),
  proof: z.string().regex(PROOF, '安全验证参数无效，请刷新页面后重试').optional(),
});

let counters: SlidingLimiter | undefined;

export const handler = api({ auth: 'public', query }, async ({ query, event }) => {
  counters ??= new SlidingLimiter(dynamo, env('LIMITS_TABLE'));
  const limiter = counters;
  const now = nowMs();
  const perAddress = addressLimits(clientIp(event) ?? 'unknown');
  const perCase = caseFailures(query.caseNo);
  // Reads only: the counters and the case with its events, side by side.
  const [counts, found] = await Promise.all([
    limiter.peekAll([...perAddress, perCase], now),
    getCaseWithEvents(query.caseNo),
  ]);
  const refused = counts.slice(0, perAddress.length).find((c) => !c.allowed);
  if (refused) throw tooMany(refused.retryAfterMs);

  if (query.t !== undefined) {
    // A signed link cannot be guessed: no proof of work; a bad one counts as a wrong code below.
    const link = checkProgressToken(query.caseNo, query.t, now);
    if (link === 'ok' && found) return { body: progressView(found.record, found.events) };
    if (link === 'expired')
      throw new HttpError(410, 'LINK_EXPIRED', '链接已过期，请输入办件编号和查询码查询');
  } else if (query.code === undefined) {
    throw new HttpError(400, 'VALIDATION_FAILED', '请输入查询码', [
      { field: 'code', message: '请输入查询码' },
    ]);
  } else {
    const bits = proofBits(counts[perAddress.length].count);
    if (bits > 0 && !proofValid(query.proof, query.caseNo, query.code, bits, now)) {
      throw new HttpError(428, 'PROOF_REQUIRED', PROOF_REQUIRED_MESSAGE, {
        challenge: challengeAt(now),
        bits,
      });
    }
    if (found && queryCodeMatches(found.record.queryCode, query.code)) {
      return { body: progressView(found.record, found.events) };
    }
  }

  // A failure: counted against the address and the case number. Guesses that arrived together
  // past the address's limit are not answered either.
  const hits = await Promise.all([
    ...perAddress.map((l) => limiter.hit(l, now, false)),
    limiter.hit(perCase, now, false),
  ]);
  const i = hits.slice(0, perAddress.length).findIndex((h) => !h.allowed);
  if (i >= 0) {
    // Logged when the limit is first passed, not at every refusal after it.
    if (hits[i].count === perAddress[i].max + 1)
      logger.warn('progress query: an address reached its failure limit', { limit: perAddress[i].key });
    throw tooMany(hits[i].retryAfterMs);
  }
  throw httpErrors.notFound('办件编号或查询码不正确');
});

function proofValid(proof: string | undefined, caseNo: string, code: string, bits: number, now: number) {
  const m = proof ? PROOF.exec(proof) : null;
  if (!m || !liveChallenges(now).includes(m[1])) return false;
  return proofHolds({ caseNo, code, challenge: m[1] }, m[2], bits);
}

function tooMany(retryAfterMs: number): HttpError {
  const r = addressRefusal(retryAfterMs);
  return new HttpError(r.status, r.code, r.message, { retryAfterSeconds: r.retryAfterSeconds });
}
