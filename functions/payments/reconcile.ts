/**
 * GET /payments/reconciliation?day=yyyy-mm-dd — 对账: one Beijing day of this hall's payment ledger
 * against the provider's statement of the same day (operators and the hall's supervisors; default
 * yesterday). Differences are listed: money the provider took that we never counted, trades we
 * counted that the provider does not show, and amounts or refunds that disagree.
 */
import { z } from 'zod';
import { nowMs } from '#domain/clock.ts';
import { reconcile } from '#domain/payment.ts';
import { beijingDate } from '#domain/time.ts';
import { env } from '#lib/aws.ts';
import { api, HttpError, httpErrors } from '#lib/http.ts';
import { logger } from '#lib/logger.ts';
import { isOperator, supervisesHall } from '#lib/policy.ts';
import { paymentDeps } from './runtime.ts';
import { ledgerOf } from './store.ts';

const query = z.object({
  day: z
    .string()
    .regex(/^\d{4}-\d\d-\d\d$/, '日期格式应为 yyyy-mm-dd')
    .optional(),
});

export const handler = api({ auth: 'user', query }, async ({ query: q, principal }) => {
  const who = principal!;
  if (!isOperator(who) && !supervisesHall(who, env('HALL_ID')))
    throw httpErrors.forbidden('对账由运营人员或本厅监察人员查看');
  const day = q.day ?? beijingDate(nowMs() - 86_400_000);
  if (Number.isNaN(Date.parse(`${day}T00:00:00+08:00`)) || day > beijingDate(nowMs()))
    throw new HttpError(400, 'BAD_DAY', '对账日期不正确（不能晚于今天）');
  const started = Date.now();
  const [ledger, statement] = await Promise.all([ledgerOf(day), paymentDeps().provider.statement(day)]);
  const diff = reconcile(ledger, statement);
  const differences = diff.missingInLedger.length + diff.missingAtProvider.length + diff.mismatched.length;
  logger.info('reconciliation', { day, ledger: ledger.length, statement: statement.length, differences });
  return {
    body: {
      day,
      ledger: ledger.length,
      statement: statement.length,
      matched: diff.matched,
      differences,
      missingInLedger: diff.missingInLedger,
      missingAtProvider: diff.missingAtProvider,
      mismatched: diff.mismatched,
      tookMs: Date.now() - started,
    },
  };
});
