/**
 * Cases table stream → statistics counters (issue #11 §3). Each change of a CASE item (or of a
 * 在线咨询, a CONSULT item) is counted by the pure rules (counting.ts) and written as one transaction
 * with a marker of the version (store.ts), so a retried or replayed record counts nothing. The
 * counters live in the hall's unstreamed `stats` table: writing them wakes no stream consumer.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { WorkingCalendar } from '#domain/calendar.ts';
import { dynamo, env } from '#lib/aws.ts';
import { currentCalendar } from '#lib/calendar.ts';
import { logger } from '#lib/logger.ts';
import { type Change, streamHandler } from '#lib/streams.ts';
import { statsCatalogue } from './catalogue.ts';
import {
  type CaseImage,
  type ConsultImage,
  countChange,
  countConsultChange,
  type ItemFacts,
} from './counting.ts';
import { type WriteOutcome, writeCounting } from './store.ts';

export interface CountingDeps {
  doc: DynamoDBDocumentClient;
  table: () => string;
  calendar: () => Promise<Pick<WorkingCalendar, 'workingDaysBetween'>>;
  item: (code: string) => Promise<ItemFacts | undefined>;
  nowSeconds: () => number;
}

const isCase = (image: Record<string, unknown> | undefined): image is Record<string, unknown> =>
  !!image && image.sk === 'CASE' && typeof image.caseNo === 'string' && typeof image.version === 'number';

const isConsultation = (image: Record<string, unknown> | undefined): image is Record<string, unknown> =>
  !!image &&
  image.sk === 'CONSULT' &&
  typeof image.consultNo === 'string' &&
  typeof image.version === 'number';

/** Counts one stream change; what it did (for tests and the bench). */
export async function countStreamChange(
  deps: CountingDeps,
  { eventName, newImage, oldImage }: Change,
): Promise<{ outcome: WriteOutcome; items: number }> {
  // A case item is never deleted (only idempotency records expire); other items count nothing.
  if (eventName === 'REMOVE') return { outcome: 'nothing', items: 0 };
  if (isConsultation(newImage)) {
    const before = isConsultation(oldImage) ? (oldImage as unknown as ConsultImage) : undefined;
    const counting = countConsultChange(before, newImage as unknown as ConsultImage);
    return writeCounting(deps.doc, deps.table(), counting, deps.nowSeconds());
  }
  if (!isCase(newImage)) return { outcome: 'nothing', items: 0 };
  const after = newImage as unknown as CaseImage;
  const before = isCase(oldImage) ? (oldImage as unknown as CaseImage) : undefined;
  if (before && before.version === after.version && before.status === after.status)
    return { outcome: 'nothing', items: 0 };
  const counting = countChange(before, after, {
    cal: after.result && !before?.result ? await deps.calendar() : NO_CALENDAR,
    item: before ? undefined : await deps.item(after.itemCode),
  });
  return writeCounting(deps.doc, deps.table(), counting, deps.nowSeconds());
}

const NO_CALENDAR: Pick<WorkingCalendar, 'workingDaysBetween'> = {
  workingDaysBetween: () => {
    throw new Error('no calendar needed');
  },
};

export function countingHandler(deps: CountingDeps) {
  return streamHandler(async (change) => {
    const { outcome } = await countStreamChange(deps, change);
    if (outcome === 'duplicate')
      logger.info('stats: case version already counted', { caseNo: String(change.newImage?.caseNo) });
  });
}

export const handler = countingHandler({
  doc: dynamo,
  table: () => env('STATS_TABLE'),
  calendar: async () => (await currentCalendar()).calendar,
  item: async (code) => (await statsCatalogue()).items.get(code),
  // TTL is storage housekeeping, measured in real time (not the business clock).
  nowSeconds: () => Math.floor(Date.now() / 1000),
});
