/**
 * Supervision timer machine task: a deadline instant arrived. Acts only if the case still wants this
 * exact timer (a clock stop, a finished step or a closed case make it stale): deemed acceptance for
 * the 5-day rule, or a yellow (预警) / red (超期) alert for the case or its step.
 */
import { type AlertRecord, getCase, putAlert } from '#functions/cases/store.ts';
import { now } from '#lib/clock.ts';
import { logger } from '#lib/http.ts';
import { runAction } from './engine.ts';
import { responsibleFor, type Timer, type TimerKey, timerIsCurrent } from './process.ts';

interface Input {
  caseNo: string;
  key: TimerKey;
  timer: Timer;
}

const NOTES: Record<Exclude<TimerKey, 'deem'>, string> = {
  'case-yellow': '办件即将超过承诺办结时限',
  'case-red': '办件已超过承诺办结时限',
  'step-yellow': '当前环节即将超过环节办理时限',
  'step-red': '当前环节已超过环节办理时限',
};

export async function handler(input: Input): Promise<{ acted: boolean }> {
  const record = await getCase(input.caseNo);
  if (!record || !timerIsCurrent(record.timers, input.key, input.timer)) {
    logger.info('stale timer', { caseNo: input.caseNo, key: input.key });
    return { acted: false };
  }
  const at = now().toISOString();
  if (input.key === 'deem') {
    await runAction(input.caseNo, 'deem-accept', {}, { kind: 'system', name: '系统' }, at);
    return { acted: true };
  }
  const { dept, post, stepId } = responsibleFor(record, input.key);
  const [scope, severity] = input.key.split('-') as ['case' | 'step', 'yellow' | 'red'];
  const alert: AlertRecord = {
    alertId: `${scope}.${stepId ?? 'case'}.${severity}`,
    caseNo: record.caseNo,
    itemName: record.itemName,
    severity,
    scope,
    stepId,
    dept,
    post,
    deadline: scope === 'case' ? record.deadlines.case : record.deadlines.step,
    note: NOTES[input.key],
    raisedAt: at,
    status: 'open',
  };
  // One alert per case/step and severity, however often deadlines move.
  const stored = await putAlert(alert);
  return { acted: stored };
}
