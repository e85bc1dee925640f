/**
 * Cases table stream → SMS. Each new process event that the applicant must hear about becomes one
 * SMS, recorded in the outbox first (a conditional put, so a replayed stream record never sends
 * twice). Sending happens after the case changed, so a failure never blocks or rolls back the case.
 */
import { PublishCommand } from '@aws-sdk/client-sns';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import type { CaseEvent } from '#functions/cases/model.ts';
import { getCase } from '#functions/cases/store.ts';
import { dynamo, env, sns } from '#lib/aws.ts';
import { now } from '#lib/clock.ts';
import { logger } from '#lib/http.ts';
import { renderSms, type SmsTemplate, toE164 } from './templates.ts';

/** Which template an event calls for, if any. */
export function templateFor(event: Pick<CaseEvent, 'type' | 'outcome'>): SmsTemplate | undefined {
  switch (event.type) {
    case '受理':
      return event.outcome === '不予受理' ? 'refused' : event.outcome === '视为受理' ? 'deemed' : 'accepted';
    case '补交告知':
      return 'correction';
    case '特别程序申请':
      return 'special';
    case '办结':
      return event.outcome === '不予' ? 'denied' : 'approved';
    default:
      return undefined;
  }
}

async function claimOutbox(caseNo: string, seq: number, phone: string, message: string): Promise<boolean> {
  try {
    await dynamo.send(
      new PutCommand({
        TableName: env('CASES_TABLE'),
        Item: {
          pk: `CASE#${caseNo}`,
          sk: `SMS#${String(seq).padStart(4, '0')}#${phone}`,
          phone,
          message,
          status: 'pending',
          createdAt: now().toISOString(),
        },
        ConditionExpression: 'attribute_not_exists(pk) OR #s = :failed',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':failed': 'failed' },
      }),
    );
    return true;
  } catch (err) {
    if ((err as { name?: string }).name === 'ConditionalCheckFailedException') return false;
    throw err;
  }
}

async function markOutbox(caseNo: string, seq: number, phone: string, fields: Record<string, unknown>) {
  const names = Object.keys(fields);
  await dynamo.send(
    new UpdateCommand({
      TableName: env('CASES_TABLE'),
      Key: { pk: `CASE#${caseNo}`, sk: `SMS#${String(seq).padStart(4, '0')}#${phone}` },
      UpdateExpression: `SET ${names.map((_, i) => `#f${i} = :v${i}`).join(', ')}`,
      ExpressionAttributeNames: Object.fromEntries(names.map((n, i) => [`#f${i}`, n])),
      ExpressionAttributeValues: Object.fromEntries(names.map((n, i) => [`:v${i}`, fields[n]])),
    }),
  );
}

export async function handler(event: DynamoDBStreamEvent): Promise<void> {
  let failed = 0;
  for (const record of event.Records) {
    if (record.eventName !== 'INSERT' || !record.dynamodb?.NewImage) continue;
    const item = unmarshall(record.dynamodb.NewImage as Parameters<typeof unmarshall>[0]);
    if (typeof item.sk !== 'string' || !item.sk.startsWith('EVT#')) continue;
    const caseEvent = item as CaseEvent & { caseNo: string };
    const template = templateFor(caseEvent);
    if (!template) continue;
    const c = await getCase(caseEvent.caseNo);
    const phone = c?.applicant.phone;
    if (!c || !phone) continue;
    const message = renderSms(template, {
      itemName: c.itemName,
      caseNo: c.caseNo,
      queryCode: c.queryCode,
      promisedDays: c.promisedDays,
      reason: caseEvent.note,
      items: caseEvent.note?.replace(/^请补交：/, ''),
      type: caseEvent.outcome,
      days: /预计需要 (\d+) 个工作日/.exec(caseEvent.note ?? '')?.[1],
      phone: '12345',
    });
    if (!(await claimOutbox(c.caseNo, caseEvent.seq, phone, message))) continue;
    try {
      const out = await sns.send(
        new PublishCommand({
          PhoneNumber: toE164(phone),
          Message: message,
          MessageAttributes: { 'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' } },
        }),
      );
      await markOutbox(c.caseNo, caseEvent.seq, phone, {
        status: 'sent',
        messageId: out.MessageId,
        sentAt: now().toISOString(),
      });
    } catch (err) {
      failed++;
      logger.warn('sms failed', { caseNo: c.caseNo, seq: caseEvent.seq, error: (err as Error).message });
      await markOutbox(c.caseNo, caseEvent.seq, phone, { status: 'failed', error: (err as Error).message });
    }
  }
  // Failed messages stay 'failed' in the outbox; failing the batch makes the stream retry them.
  if (failed) throw new Error(`${failed} SMS failed`);
}
