/**
 * Cases table stream → e-supervision. A case whose timers changed gets a timer execution for each
 * new timer (the execution name carries the instant, so a replayed record starts nothing twice);
 * a new alert is published to the supervisors' topic.
 */
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { PublishCommand } from '@aws-sdk/client-sns';
import type { Timer, TimerKey } from '#domain/process.ts';
import { beijingIso } from '#domain/time.ts';
import { SEVERITY_NAMES } from '#domain/vocabulary.ts';
import type { AlertRecord } from '#functions/cases/store.ts';
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
  };
}

async function publishAlert(alert: AlertRecord) {
  await sns.send(
    new PublishCommand({
      TopicArn: env('ALERTS_TOPIC_ARN'),
      Subject: `电子监察：${SEVERITY_NAMES[alert.severity]}`,
      Message: JSON.stringify(alertEvent(env('HALL_ID'), alert)),
      MessageAttributes: {
        severity: { DataType: 'String', StringValue: alert.severity },
        dept: { DataType: 'String', StringValue: alert.dept },
      },
    }),
  );
}

export const handler = streamHandler(async ({ eventName, newImage: image, oldImage: old }) => {
  if (!image || eventName === 'REMOVE') return;
  if (image.sk === 'CASE') {
    for (const [key, timer] of newTimers(
      old?.timers as Timers | undefined,
      image.timers as Timers | undefined,
    ))
      await startTimer(String(image.caseNo), key, timer);
  } else if (eventName === 'INSERT' && typeof image.sk === 'string' && image.sk.startsWith('ALERT#')) {
    await publishAlert(image as unknown as AlertRecord);
    logger.info('alert raised', { caseNo: image.caseNo, alertId: image.alertId });
  }
});
