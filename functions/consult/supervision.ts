/**
 * A consultation under e-supervision, with the case machinery: the timer machine fires its
 * `answer-yellow` / `answer-red` timers (started by the cases-stream consumer from the record's
 * `timers`, as for a case), this raises the alerts (`ALERT#answer.<severity>` beside the
 * consultation, so the alert list, 督办, the alert topic and the staff SMS treat them like a case's),
 * and once answered its 待督办 alerts close by themselves.
 */

import { now } from '#domain/clock.ts';
import { CONSULT_ALERT_NOTES, CONSULT_POST, consultTimerIsCurrent } from '#domain/consultation.ts';
import type { Timer } from '#domain/process.ts';
import { RESOLVED_NOTE } from '#domain/process.ts';
import { ConflictError } from '#functions/cases/ports.ts';
import { type AlertRecord, getAlert, getAlerts, putAlert, updateAlert } from '#functions/cases/store.ts';
import { logger } from '#lib/logger.ts';
import { type ConsultRecord, getConsultation } from './store.ts';

/** Timer task for a consultation (functions/lifecycle/timer-fired.ts hands ZX… numbers here). */
export async function consultTimerFired(input: { caseNo: string; key: string; timer: Timer }) {
  const c = await getConsultation(input.caseNo);
  if (c?.status !== 'open' || !consultTimerIsCurrent(c.timers, input.key, input.timer)) {
    logger.info('stale consultation timer', { consultNo: input.caseNo, key: input.key });
    return { acted: false };
  }
  const at = now().toISOString();
  const alertOf = (severity: 'yellow' | 'red'): AlertRecord => ({
    alertId: `answer.${severity}`,
    caseNo: c.consultNo,
    itemName: `在线咨询：${c.itemName}`,
    severity,
    scope: 'answer',
    dept: c.deptCode,
    post: CONSULT_POST,
    deadline: c.deadlines.answer,
    note: CONSULT_ALERT_NOTES[severity],
    raisedAt: at,
    status: 'open',
  });
  // Yellow before red, as for a case (timer-fired.ts).
  if (input.key === 'answer-yellow') {
    if (await getAlert(c.consultNo, 'answer.red')) return { acted: false };
    return { acted: await putAlert(alertOf('yellow')) };
  }
  await putAlert(alertOf('yellow'));
  return { acted: await putAlert(alertOf('red')) };
}

/** Answered: its 待督办 alerts close by themselves, saying so; urged ones still await the reply. */
export async function closeAnsweredAlerts(c: Pick<ConsultRecord, 'consultNo' | 'status'>) {
  if (c.status !== 'answered') return;
  const at = now().toISOString();
  for (const alert of await getAlerts(c.consultNo)) {
    if (alert.status !== 'open') continue;
    try {
      await updateAlert(
        { ...alert, status: 'resolved', resolved: { at, note: RESOLVED_NOTE.answer } },
        'open',
      );
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
    }
  }
}
