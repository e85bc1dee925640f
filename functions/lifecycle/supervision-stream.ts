/**
 * Cases table stream → e-supervision. A case whose timers changed gets a timer execution for each
 * new timer (the execution name carries the instant, so a replayed record starts nothing twice);
 * a new alert is published to the supervisors' topic.
 */
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { PublishCommand } from '@aws-sdk/client-sns';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import type { AlertRecord } from '#functions/cases/store.ts';
import { env, sfn, sns } from '#lib/aws.ts';
import { logger } from '#lib/http.ts';
import type { Timer, TimerKey } from './process.ts';

type Timers = Partial<Record<TimerKey, Timer>>;
type Image = Parameters<typeof unmarshall>[0];

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

async function publishAlert(alert: AlertRecord) {
  const label = { yellow: '黄牌预警', red: '红牌超期', finding: '流程监察' }[alert.severity];
  await sns.send(
    new PublishCommand({
      TopicArn: env('ALERTS_TOPIC_ARN'),
      Subject: `电子监察：${label}`,
      Message: JSON.stringify({ hall: env('HALL_ID'), ...alert }),
      MessageAttributes: {
        severity: { DataType: 'String', StringValue: alert.severity },
        dept: { DataType: 'String', StringValue: alert.dept },
      },
    }),
  );
}

export async function handler(event: DynamoDBStreamEvent): Promise<void> {
  for (const record of event.Records) {
    const image = record.dynamodb?.NewImage ? unmarshall(record.dynamodb.NewImage as Image) : undefined;
    if (!image || record.eventName === 'REMOVE') continue;
    if (image.sk === 'CASE') {
      const old = record.dynamodb?.OldImage ? unmarshall(record.dynamodb.OldImage as Image) : undefined;
      for (const [key, timer] of newTimers(old?.timers, image.timers))
        await startTimer(image.caseNo, key, timer);
    } else if (
      record.eventName === 'INSERT' &&
      typeof image.sk === 'string' &&
      image.sk.startsWith('ALERT#')
    ) {
      await publishAlert(image as AlertRecord);
      logger.info('alert raised', { caseNo: image.caseNo, alertId: image.alertId });
    }
  }
}
