/**
 * Cases table stream → SMS. A new process event the applicant must hear about, a new task in a
 * staff queue and a new e-supervision alert each become SMS, recorded in the outbox first (one
 * record per case, event and recipient, so a replayed stream record never sends twice; outbox.ts).
 * Sending happens after the case changed, so a failure never blocks or rolls back the case, and a
 * failed SMS is kept for `npm run replay -- sms` instead of holding up the stream.
 */
import { now } from '#domain/clock.ts';
import { yuan } from '#domain/fees.ts';
import { formatPaymentCode, paymentCode } from '#domain/payment.ts';
import { formatTime } from '#domain/time.ts';
import { SEVERITY_NAMES } from '#domain/vocabulary.ts';
import type { CaseEvent } from '#functions/cases/model.ts';
import { progressLink } from '#functions/cases/progress-link.ts';
import { type AlertRecord, type CaseRecord, getCase, type TaskRecord } from '#functions/cases/store.ts';
import { CONSULT_NOTICE_SK, consultNotice } from '#functions/consult/notify.ts';
import { staffPhones } from '#functions/identity/directory.ts';
import { supervisorPhone } from '#functions/supervision/escalation.ts';
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
    case '领取登记':
      return event.outcome === '邮寄'
        ? 'deliveredPost'
        : event.outcome === '电子'
          ? 'deliveredE'
          : 'deliveredSelf';
    // A 工本费 is due at filing: the filing itself carries its notice (checked in messagesFor).
    case '申办':
    case '缴费通知':
      return 'payNotice';
    case '缴费提醒':
      return 'payReminder';
    case '缴费':
      return 'paid';
    case '缴费超期':
      return 'unpaid';
    case '退费':
      return event.outcome === '已退还' ? 'refunded' : undefined;
    default:
      return undefined;
  }
}

/** The amount, payment code and limit of the case's notice (or its paid / refunded amount), for the 缴费 SMS. */
function paymentVars(c: CaseRecord) {
  const p = c.payment;
  const n = p?.notice;
  const fen = p?.refund?.fen ?? p?.paid?.fen ?? n?.fen;
  return {
    amount: fen === undefined ? undefined : yuan(fen).replace(' ', ''),
    paymentCode: n && formatPaymentCode(paymentCode(c.caseNo, n.n)),
    expires: n && formatTime(n.expiresAt),
  };
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
  // 在线咨询 answered (functions/consult/notify.ts): the asker is texted through the same outbox.
  if (sk === CONSULT_NOTICE_SK) return consultNotice(item);
  if (sk.startsWith('EVT#')) {
    const e = item as unknown as CaseEvent;
    const template = templateFor(e);
    const c = template ? await getCase(caseNo) : undefined;
    if (!template || !c?.applicant.phone) return [];
    if (e.type === '申办' && c.payment?.notice?.issuedAt !== e.at) return [];
    const text = renderSms(template, {
      itemName: c.itemName,
      caseNo,
      queryCode: c.queryCode,
      promisedDays: c.promisedDays,
      reason: e.note,
      ...paymentVars(c),
      link: progressLink(caseNo, now().getTime()),
      tracking: c.delivery?.tracking,
      // A 补交告知 naming slots is texted by their names (short); otherwise by its items.
      items: e.type === '补交告知' && e.outcome ? e.outcome : e.note?.replace(/^请补交：/, ''),
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
    const messages: [string, string[], string][] = [[`A#${a.alertId}`, await staffOf(a.dept, a.post), text]];
    // An unanswered 督办: the supervisor who urged hears of the escalation too.
    const supervisor = a.escalation && (await supervisorPhone(a.escalation.urgedBySub));
    if (supervisor)
      messages.push([
        `E#${a.alertId}`,
        [supervisor],
        renderSms('escalated', { itemName: a.itemName, caseNo }),
      ]);
    return messages;
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
