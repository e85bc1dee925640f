/**
 * Supervision timer machine task: a deadline instant arrived. Acts only if the case still wants this
 * exact timer (a clock stop, a finished step or a closed case make it stale): deemed acceptance for
 * the 5-day rule, or a yellow (预警) / red (超期) alert for the case or its step. A 督办's reply
 * deadline (key `reply`) escalates the alert if the department has not replied.
 */

import { now } from '#domain/clock.ts';
import { isConsultNo } from '#domain/consultation.ts';
import { responsibleFor, TIMER_ACTIONS, type Timer, type TimerKey, timerIsCurrent } from '#domain/process.ts';
import { RACE_CODES, Refusal } from '#domain/refusal.ts';
import { runAction } from '#functions/cases/act.ts';
import { stepFunctionsLifecycle } from '#functions/cases/lifecycle.ts';
import { type AlertRecord, caseStore, getAlert, getCase, putAlert } from '#functions/cases/store.ts';
import { consultTimerFired } from '#functions/consult/supervision.ts';
import { escalateIfUnanswered } from '#functions/supervision/escalation.ts';
import { logger } from '#lib/logger.ts';

interface Input {
  caseNo: string;
  key: TimerKey;
  timer: Timer;
}

/** A 督办's reply deadline (supervision/escalation.ts): the alert, not the case, holds it. */
interface ReplyInput {
  caseNo: string;
  key: 'reply';
  alertId: string;
  timer: Timer;
}

const NOTES: Record<Exclude<TimerKey, 'deem' | 'pay-remind' | 'pay-expire'>, string> = {
  'case-yellow': '办件即将超过承诺办结时限',
  'case-red': '办件已超过承诺办结时限',
  'step-yellow': '当前环节即将超过环节办理时限',
  'step-red': '当前环节已超过环节办理时限',
  'visit-yellow': '差评即将超过回访时限',
  'visit-red': '差评已超过回访时限，尚未回访申请人',
  'rectify-yellow': '差评即将超过整改时限',
  'rectify-red': '差评已超过整改时限，尚未整改完成',
};

export async function handler(input: Input | ReplyInput): Promise<{ acted: boolean }> {
  if (input.key === 'reply') {
    const acted = await escalateIfUnanswered(
      input.caseNo,
      input.alertId,
      input.timer.fireAt,
      now().toISOString(),
    );
    if (!acted) logger.info('stale reply timer', { caseNo: input.caseNo, alertId: input.alertId });
    return { acted };
  }
  // 在线咨询's answer limit: the same machine, the consultation's own rule (functions/consult).
  if (isConsultNo(input.caseNo)) return consultTimerFired(input);
  const record = await getCase(input.caseNo);
  if (!record || !timerIsCurrent(record.timers, input.key, input.timer)) {
    logger.info('stale timer', { caseNo: input.caseNo, key: input.key });
    return { acted: false };
  }
  const at = now().toISOString();
  const action = TIMER_ACTIONS[input.key];
  if (action) {
    try {
      await runAction(
        { store: caseStore, lifecycle: stepFunctionsLifecycle },
        {
          caseNo: input.caseNo,
          action,
          input: {},
          actor: { kind: 'system', name: '系统' },
          at,
        },
      );
      return { acted: true };
    } catch (err) {
      // Staff decided at the same instant: the case no longer waits for acceptance. Not a failure.
      if (err instanceof Refusal && RACE_CODES.includes(err.code)) {
        logger.info('timer action overtaken', { caseNo: input.caseNo, key: input.key, code: err.code });
        return { acted: false };
      }
      throw err;
    }
  }
  const { dept, post, stepId } = responsibleFor(record, input.key);
  const [scope, severity] = input.key.split('-') as ['case' | 'step' | 'visit' | 'rectify', 'yellow' | 'red'];
  // One alert per case/step and severity, however often deadlines move.
  const alertOf = (sev: 'yellow' | 'red'): AlertRecord => ({
    alertId:
      scope === 'visit' || scope === 'rectify' ? `${scope}.${sev}` : `${scope}.${stepId ?? 'case'}.${sev}`,
    caseNo: record.caseNo,
    itemName: record.itemName,
    severity: sev,
    scope,
    stepId,
    dept,
    post,
    deadline: record.deadlines[scope],
    note: NOTES[`${scope}-${sev}`],
    raisedAt: at,
    status: 'open',
  });
  // Yellow always comes before red, even when the clock jumped past both instants and the two timers
  // fire together: red raises the yellow first (a no-op if it exists), and a yellow that arrives after
  // its red says nothing new.
  if (severity === 'yellow') {
    if (await getAlert(record.caseNo, alertOf('red').alertId)) return { acted: false };
    return { acted: await putAlert(alertOf('yellow')) };
  }
  await putAlert(alertOf('yellow'));
  return { acted: await putAlert(alertOf('red')) };
}
