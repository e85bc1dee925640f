/**
 * Cases table stream → e-supervision. A case whose timers changed gets a timer execution for each
 * new timer (the execution name carries the instant, so a replayed record starts nothing twice);
 * a new alert is published to the supervisors' topic.
 */
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { PublishCommand } from '@aws-sdk/client-sns';
import { now } from '#domain/clock.ts';
import {
  alertStillApplies,
  type CaseState,
  RESOLVED_NOTE,
  type Timer,
  type TimerKey,
} from '#domain/process.ts';
import { beijingIso } from '#domain/time.ts';
import { SEVERITY_NAMES } from '#domain/vocabulary.ts';
import { ConflictError } from '#functions/cases/ports.ts';
import { type AlertRecord, type CaseRecord, getAlerts, updateAlert } from '#functions/cases/store.ts';
import type { ConsultRecord } from '#functions/consult/store.ts';
import { closeAnsweredAlerts } from '#functions/consult/supervision.ts';
import { replyTimerName } from '#functions/supervision/escalation.ts';
import { env, sfn, sns } from '#lib/aws.ts';
import { logger } from '#lib/logger.ts';
import { streamHandler } from '#lib/streams.ts';

type Timers = Partial<Record<TimerKey, Timer>>;

/** Timers in `next` that `previous` did not have at the same instant. */
export function newTimers(previous: Timers | undefined, next: Timers | undefined): [TimerKey, Timer][] {
  return (Object.entries(next ?? {}) as [TimerKey, Timer][]).filter(
    ([key, t]) => previous?.[key]?.fireAt !== t.fireAt || previous?.[key]?.stepId !== t.stepId,
  );
}

export const timerExecutionName = (caseNo: string, key: TimerKey, timer: Timer) =>
  `${caseNo}_${key}_${Math.floor(Date.parse(timer.fireAt) / 1000)}`;

async function startTimer(caseNo: string, key: TimerKey, timer: Timer) {
  try {
    await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: env('TIMER_STATE_MACHINE_ARN'),
        name: timerExecutionName(caseNo, key, timer),
        input: JSON.stringify({ caseNo, key, timer }),
      }),
    );
  } catch (err) {
    if ((err as Error).name !== 'ExecutionAlreadyExists') throw err;
  }
}

/**
 * What the alerts topic carries: a documented event, not the storage record (no keys, times in
 * +08:00). Subscribers (the supervisors' inbox, e-mail, the provincial e-supervision system) rely
 * on exactly these fields; the README lists them.
 */
export function alertEvent(hall: string, alert: AlertRecord) {
  return {
    type: 'alert.raised' as const,
    hall,
    caseNo: alert.caseNo,
    alertId: alert.alertId,
    itemName: alert.itemName,
    severity: alert.severity,
    severityName: SEVERITY_NAMES[alert.severity],
    scope: alert.scope,
    stepId: alert.stepId,
    dept: alert.dept,
    post: alert.post,
    deadline: beijingIso(alert.deadline),
    note: alert.note,
    raisedAt: beijingIso(alert.raisedAt),
    // An unanswered 督办 (scope `reply`): reported to the city's supervisors, naming the alert urged.
    ...(alert.escalation ? { escalatedTo: alert.escalation.to, urgedAlertId: alert.escalation.alertId } : {}),
  };
}

async function publishAlert(alert: AlertRecord) {
  await sns.send(
    new PublishCommand({
      TopicArn: env('ALERTS_TOPIC_ARN'),
      Subject: alert.escalation
        ? '电子监察：督办逾期未回复（上报市级）'
        : `电子监察：${SEVERITY_NAMES[alert.severity]}`,
      Message: JSON.stringify(alertEvent(env('HALL_ID'), alert)),
      MessageAttributes: {
        severity: { DataType: 'String', StringValue: alert.severity },
        dept: { DataType: 'String', StringValue: alert.dept },
      },
    }),
  );
}

/** The case finished a step, a phase, its acceptance or part of a rectification: alerts may be moot. */
const movedOn = (a: CaseState, b: CaseState) =>
  a.stepIndex !== b.stepIndex ||
  a.phase !== b.phase ||
  a.acceptedAt !== b.acceptedAt ||
  !!a.rectification?.visit !== !!b.rectification?.visit ||
  !!a.rectification?.fix !== !!b.rectification?.fix ||
  !!a.rectification?.closed !== !!b.rectification?.closed;

/** Why an alert closed: its step or limit is done, or the 差评 it watched was annulled on appeal. */
const resolvedNote = (alert: AlertRecord, record: CaseRecord) =>
  record.rectification?.closed && (alert.scope === 'visit' || alert.scope === 'rectify')
    ? '差评申诉成立，整改终止，预警自动关闭'
    : RESOLVED_NOTE[alert.scope];

/** 待督办 alerts whose step or limit is done close by themselves, saying so; urged ones still await the reply. */
async function closeMootAlerts(record: CaseRecord) {
  const at = now().toISOString();
  for (const alert of await getAlerts(record.caseNo)) {
    if (alert.status !== 'open' || alertStillApplies(alert, record)) continue;
    try {
      await updateAlert(
        { ...alert, status: 'resolved', resolved: { at, note: resolvedNote(alert, record) } },
        'open',
      );
      logger.info('alert closed by itself', { caseNo: record.caseNo, alertId: alert.alertId });
    } catch (err) {
      // A supervisor urged it meanwhile: then it waits for the reply.
      if (!(err instanceof ConflictError)) throw err;
    }
  }
}

export const handler = streamHandler(async ({ eventName, newImage: image, oldImage: old }) => {
  if (!image || eventName === 'REMOVE') return;
  if (image.sk === 'CASE') {
    for (const [key, timer] of newTimers(
      old?.timers as Timers | undefined,
      image.timers as Timers | undefined,
    ))
      await startTimer(String(image.caseNo), key, timer);
    if (old && movedOn(old as unknown as CaseState, image as unknown as CaseState))
      await closeMootAlerts(image as unknown as CaseRecord);
  } else if (image.sk === 'CONSULT') {
    // 在线咨询: its answer limit on the same timers; answered, its 待督办 alerts close (functions/consult).
    for (const [key, timer] of newTimers(
      old?.timers as Timers | undefined,
      image.timers as Timers | undefined,
    ))
      await startTimer(String(image.caseNo), key, timer);
    if (old && old.status !== image.status) await closeAnsweredAlerts(image as unknown as ConsultRecord);
  } else if (typeof image.sk === 'string' && image.sk.startsWith('ALERT#')) {
    const alert = image as unknown as AlertRecord;
    if (eventName === 'INSERT') {
      await publishAlert(alert);
      logger.info('alert raised', { caseNo: image.caseNo, alertId: image.alertId });
    }
    // 督办: the department's reply deadline gets a timer of the same machine (escalation.ts).
    const replyBy = alert.status === 'urged' ? alert.urge?.replyBy : undefined;
    if (replyBy && (old as unknown as AlertRecord | undefined)?.urge?.replyBy !== replyBy)
      await startReplyTimer(alert.caseNo, alert.alertId, replyBy);
  }
});

async function startReplyTimer(caseNo: string, alertId: string, fireAt: string) {
  try {
    await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: env('TIMER_STATE_MACHINE_ARN'),
        name: replyTimerName(caseNo, alertId, fireAt),
        input: JSON.stringify({ caseNo, key: 'reply', alertId, timer: { fireAt } }),
      }),
    );
  } catch (err) {
    if ((err as Error).name !== 'ExecutionAlreadyExists') throw err;
  }
}
