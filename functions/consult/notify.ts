/**
 * The SMS of an answered consultation: the answer's transaction writes `NOTICE#answered`, and the
 * cases-stream SMS consumer (functions/notify/case-stream.ts) sends this through its outbox, so a
 * replayed record never texts twice and a failed send is kept for `npm run replay -- sms`.
 */
import { renderSms } from '#functions/notify/templates.ts';

export const CONSULT_NOTICE_SK = 'NOTICE#answered';

/** [outbox key, phones, text] for a notice item, as messagesFor answers. */
export function consultNotice(item: Record<string, unknown>): [string, string[], string][] {
  if (typeof item.phone !== 'string' || !item.phone) return [];
  const text = renderSms('consultAnswered', {
    itemName: String(item.itemName),
    consultNo: String(item.consultNo),
    deptName: String(item.deptName),
  });
  return [['consult-answered', [item.phone], text]];
}
