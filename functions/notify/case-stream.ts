/**
 * Cases table stream → SMS. A new process event the applicant must hear about, a new task in a
 * staff queue and a new e-supervision alert each become SMS, recorded in the outbox first (one
 * record per case, event and recipient, so a replayed stream record never sends twice; outbox.ts).
 * Sending happens after the case changed, so a failure never blocks or rolls back the case, and a
 * failed SMS is kept for `npm run replay -- sms` instead of holding up the stream.
 */
import { now } from '#domain/clock.ts';
import { SEVERITY_NAMES } from '#domain/vocabulary.ts';
import type { CaseEvent } from '#functions/cases/model.ts';
import { type AlertRecord, getCase, type TaskRecord } from '#functions/cases/store.ts';
import { staffPhones } from '#functions/identity/directory.ts';
import { dynamo, env, sns } from '#lib/aws.ts';
import { logger } from '#lib/logger.ts';
import { streamHandler } from '#lib/streams.ts';
import { type OutboxStore, sendOnce } from './outbox.ts';
import { dynamoOutbox, snsSender } from './outbox-store.ts';
import { renderSms, type SmsTemplate } from './templates.ts';

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
    case '差评整改':
      return 'rectified';
    default:
      return undefined;
  }
}

let outbox: OutboxStore | undefined;
const sendSms = snsSender(sns);
const nowIso = () => now().toISOString();

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
      // What the department did, as much as fits a text (the case page has all of it).
      note: e.note && (e.note.length > 120 ? `${e.note.slice(0, 120)}…` : e.note),
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
  const caseNo = String(item.caseNo);
  for (const [key, phones, message] of await messagesFor(item)) {
    for (const phone of phones) {
      // A failed send is kept in the outbox as a failure of its own (npm run replay -- sms), never
      // thrown: one failing number must not hold up the records after it, other people's SMS.
      outbox ??= dynamoOutbox(dynamo, env('CASES_TABLE'));
      if ((await sendOnce(outbox, sendSms, { caseNo, key, phone, message }, nowIso)) === 'failed')
        logger.warn('sms failed', { caseNo, key });
    }
  }
});
