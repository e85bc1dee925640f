/**
 * Cases table stream → SMS. A new process event the applicant must hear about, a new task in a
 * staff queue and a new e-supervision alert each become SMS, recorded in the outbox first (a
 * conditional put, so a replayed stream record never sends twice). Sending happens after the case
 * changed, so a failure never blocks or rolls back the case.
 */
import { PublishCommand } from '@aws-sdk/client-sns';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { now } from '#domain/clock.ts';
import { SEVERITY_NAMES } from '#domain/vocabulary.ts';
import type { CaseEvent } from '#functions/cases/model.ts';
import { type AlertRecord, getCase, type TaskRecord } from '#functions/cases/store.ts';
import { staffPhones } from '#functions/identity/directory.ts';
import { dynamo, env, sns } from '#lib/aws.ts';
import { logger } from '#lib/logger.ts';
import { streamHandler } from '#lib/streams.ts';
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

/** Claim the outbox record `key` for one recipient; false if this message was already sent. */
async function claimOutbox(caseNo: string, key: string, phone: string, message: string): Promise<boolean> {
  try {
    await dynamo.send(
      new PutCommand({
        TableName: env('CASES_TABLE'),
        Item: {
          pk: `CASE#${caseNo}`,
          sk: `SMS#${key}#${phone}`,
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

async function markOutbox(caseNo: string, key: string, phone: string, fields: Record<string, unknown>) {
  const names = Object.keys(fields);
  await dynamo.send(
    new UpdateCommand({
      TableName: env('CASES_TABLE'),
      Key: { pk: `CASE#${caseNo}`, sk: `SMS#${key}#${phone}` },
      UpdateExpression: `SET ${names.map((_, i) => `#f${i} = :v${i}`).join(', ')}`,
      ExpressionAttributeNames: Object.fromEntries(names.map((n, i) => [`#f${i}`, n])),
      ExpressionAttributeValues: Object.fromEntries(names.map((n, i) => [`:v${i}`, fields[n]])),
    }),
  );
}

/** Send one message to one phone once: outbox first, then SNS; the outbox keeps the outcome. */
async function send(caseNo: string, key: string, phone: string, message: string): Promise<boolean> {
  if (!(await claimOutbox(caseNo, key, phone, message))) return true;
  try {
    const out = await sns.send(
      new PublishCommand({
        PhoneNumber: toE164(phone),
        Message: message,
        MessageAttributes: { 'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' } },
      }),
    );
    await markOutbox(caseNo, key, phone, {
      status: 'sent',
      messageId: out.MessageId,
      sentAt: now().toISOString(),
    });
    return true;
  } catch (err) {
    logger.warn('sms failed', { caseNo, key, error: (err as Error).message });
    await markOutbox(caseNo, key, phone, { status: 'failed', error: (err as Error).message });
    return false;
  }
}

let directory: ((q: { hall: string; dept: string; post: string }) => Promise<string[]>) | undefined;
/** Mobiles of the active staff holding a post in a department of this hall. */
function staffOf(dept: string, post: string): Promise<string[]> {
  directory ??= (q) => staffPhones(dynamo, env('ACCOUNTS_TABLE'), q);
  return directory({ hall: env('HALL_ID'), dept, post });
}

/** The messages one new stream item calls for: [outbox key, phones, text]. */
async function messagesFor(item: Record<string, unknown>): Promise<[string, string[], string][]> {
  const sk = String(item.sk);
  const caseNo = String(item.caseNo);
  if (sk.startsWith('EVT#')) {
    const e = item as unknown as CaseEvent;
    const template = templateFor(e);
    const c = template ? await getCase(caseNo) : undefined;
    if (!template || !c?.applicant.phone) return [];
    const text = renderSms(template, {
      itemName: c.itemName,
      caseNo,
      queryCode: c.queryCode,
      promisedDays: c.promisedDays,
      reason: e.note,
      items: e.note?.replace(/^请补交：/, ''),
      type: e.outcome,
      days: /预计需要 (\d+) 个工作日/.exec(e.note ?? '')?.[1],
      phone: '12345',
    });
    return [[String(e.seq).padStart(4, '0'), [c.applicant.phone], text]];
  }
  if (sk.startsWith('TASK#') && item.kind === 'staff') {
    const t = item as unknown as TaskRecord;
    const text = renderSms('newTask', { itemName: t.itemName, caseNo, task: t.name });
    return [[`T#${t.id}#${t.since}`, await staffOf(t.dept!, t.post), text]];
  }
  if (sk.startsWith('ALERT#')) {
    const a = item as unknown as AlertRecord;
    const text = renderSms('alert', {
      label: SEVERITY_NAMES[a.severity],
      itemName: a.itemName,
      caseNo,
      note: a.note,
    });
    return [[`A#${a.alertId}`, await staffOf(a.dept, a.post), text]];
  }
  return [];
}

export const handler = streamHandler(async ({ eventName, newImage: item }) => {
  if (eventName !== 'INSERT' || !item) return;
  let failed = 0;
  for (const [key, phones, text] of await messagesFor(item)) {
    for (const phone of phones) if (!(await send(String(item.caseNo), key, phone, text))) failed++;
  }
  // Failed messages stay 'failed' in the outbox; failing this record makes the mapping retry it
  // (with backoff; the case itself moved on long ago) without holding up the records before it.
  if (failed) throw new Error(`${failed} SMS failed`);
});
