/**
 * The payment ledger of a hall, in its cases table: one item per provider trade we were told of,
 * whatever became of it (counted for a notice, or given back), written before the case changes so
 * no trade is ever forgotten; the daily reconciliation compares a day of it with the provider's
 * statement.
 *
 *   CASE#<caseNo> / PAY#<tradeNo>   gsi2pk=LEDGER#<yyyy-mm-dd>, gsi2sk=<noticeId>#<tradeNo>
 */
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { now } from '#domain/clock.ts';
import type { LedgerEntry, TradeNotice } from '#domain/payment.ts';
import { beijingDate } from '#domain/time.ts';
import { dynamo, env, queryAll } from '#lib/aws.ts';

const table = () => env('CASES_TABLE');
export const ledgerPartition = (day: string) => `LEDGER#${day}`;

/** Records the trade once (a repeated delivery changes nothing); `refunded` marks money given back. */
export async function recordTrade(caseNo: string | undefined, t: TradeNotice, as: 'counted' | 'refunded') {
  const at = t.paidAt ?? now().toISOString();
  try {
    await dynamo.send(
      new PutCommand({
        TableName: table(),
        Item: {
          pk: `CASE#${caseNo ?? `UNKNOWN#${t.noticeId}`}`,
          sk: `PAY#${t.tradeNo}`,
          gsi2pk: ledgerPartition(beijingDate(new Date(at))),
          gsi2sk: `${t.noticeId}#${t.tradeNo}`,
          caseNo,
          noticeId: t.noticeId,
          tradeNo: t.tradeNo,
          fen: t.fen,
          // Money not counted is refunded right after: markRefunded records it once the provider did.
          refundedFen: 0,
          state: as,
          at,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (err) {
    if ((err as Error).name !== 'ConditionalCheckFailedException') throw err;
  }
}

/** A counted trade refunded later (the case was refused, denied or withdrawn). */
export async function markRefunded(caseNo: string | undefined, tradeNo: string, fen: number) {
  if (!caseNo) return;
  await dynamo
    .send(
      new UpdateCommand({
        TableName: table(),
        Key: { pk: `CASE#${caseNo}`, sk: `PAY#${tradeNo}` },
        UpdateExpression: 'SET refundedFen = :f',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':f': fen },
      }),
    )
    .catch((err) => {
      if ((err as Error).name !== 'ConditionalCheckFailedException') throw err;
    });
}

/** The day's ledger (Beijing day of payment). */
export async function ledgerOf(day: string): Promise<LedgerEntry[]> {
  const items = await queryAll({
    TableName: table(),
    IndexName: 'byQueue',
    KeyConditionExpression: 'gsi2pk = :p',
    ExpressionAttributeValues: { ':p': ledgerPartition(day) },
  });
  return items.map((i) => ({
    noticeId: String(i.noticeId),
    tradeNo: String(i.tradeNo),
    fen: Number(i.fen),
    refundedFen: Number(i.refundedFen ?? 0),
  }));
}
