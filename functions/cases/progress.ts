/**
 * GET /progress?caseNo=&code= — 办件进度和结果查询, no login. A wrong code answers exactly like an
 * unknown case number, and guessing is limited per IP and per case number.
 */
import { z } from 'zod';
import { env } from '#lib/aws.ts';
import { clientIp } from '#lib/client.ts';
import { api, httpErrors } from '#lib/http.ts';
import { enforceLimits } from '#lib/rate-limit.ts';
import { queryCodeMatches } from './model.ts';
import { getCase, getEvents } from './store.ts';
import { progressView } from './views.ts';

const query = z.object({
  caseNo: z.string().regex(/^\d{6}-\d{8}-\d{6}$/, '办件编号格式应为 341602-20261126-000001'),
  code: z.string().regex(/^\d{6}$/, '查询码是 6 位数字'),
});

/** Guessing limits; operators may tune them (PROGRESS_LIMIT_PER_IP, PROGRESS_LIMIT_PER_CASE per minute). */
export const LIMITS = {
  perIpPerMinute: Number(process.env.PROGRESS_LIMIT_PER_IP ?? 60),
  perCasePerMinute: Number(process.env.PROGRESS_LIMIT_PER_CASE ?? 10),
};

export const handler = api({ auth: 'public', query }, async ({ query, event }) => {
  await enforceLimits(env('CASES_TABLE'), [
    { key: `ip#${clientIp(event)}`, max: LIMITS.perIpPerMinute, windowSeconds: 60 },
    { key: `case#${query.caseNo}`, max: LIMITS.perCasePerMinute, windowSeconds: 60 },
  ]);
  const record = await getCase(query.caseNo);
  if (!record || !queryCodeMatches(record.queryCode, query.code)) {
    throw httpErrors.notFound('办件编号或查询码不正确');
  }
  return { body: progressView(record, await getEvents(record.caseNo)) };
});
