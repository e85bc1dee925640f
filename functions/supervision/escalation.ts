/**
 * 督办 with a reply deadline. Urging an alert sets `urge.replyBy` (working days from
 * infra/config/supervision.json `urge.replyDays`); the supervision stream starts a timer for it on
 * the same timer state machine as every other limit (key `reply`), and when it fires on an alert
 * still waiting for that reply, a finding (scope `reply`) is raised: published to the alert topic
 * as reported to the city, listed among the overdue alerts, and texted to the supervisor who urged.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { CalendarRangeError, type WorkingCalendar } from '#domain/calendar.ts';
import { validateMobile } from '#domain/ids.ts';
import { ConflictError } from '#functions/cases/ports.ts';
import { type AlertRecord, getAlert, putAlert, updateAlert } from '#functions/cases/store.ts';
import supervisionConfig from '#infra/config/supervision.json' with { type: 'json' };
import { dynamo, env } from '#lib/aws.ts';

export const URGE_REPLY_DAYS = supervisionConfig.urge.replyDays;

/** When the department's reply is due: whole seconds, as timers want them; none beyond the calendar. */
export function replyDeadline(cal: WorkingCalendar, urgedAt: Date): string | undefined {
  try {
    const due = cal.addWorkingDays(urgedAt, URGE_REPLY_DAYS);
    return new Date(Math.ceil(due.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  } catch (err) {
    if (err instanceof CalendarRangeError) return undefined;
    throw err;
  }
}

/** The timer execution's name: one per urged alert and deadline, so a replayed record starts nothing twice. */
export const replyTimerName = (caseNo: string, alertId: string, fireAt: string) =>
  `${caseNo}_reply_${alertId.replace(/[^\w-]/g, '-')}_${Math.floor(Date.parse(fireAt) / 1000)}`.slice(0, 80);

export const ESCALATION_NOTE = '督办超过回复期限，责任部门仍未回复，已上报市级监察';

/** The finding an unanswered 督办 raises (its id derives from the alert's: raised once). */
export function escalationOf(alert: AlertRecord, at: string): AlertRecord {
  return {
    alertId: `${alert.alertId}.reply`,
    caseNo: alert.caseNo,
    itemName: alert.itemName,
    severity: 'finding',
    scope: 'reply',
    stepId: alert.stepId,
    dept: alert.dept,
    post: alert.post,
    deadline: alert.urge?.replyBy,
    note: ESCALATION_NOTE,
    raisedAt: at,
    status: 'open',
    escalation: {
      alertId: alert.alertId,
      urgedBy: alert.urge?.by ?? '',
      urgedBySub: alert.urge?.bySub,
      to: 'city',
    },
  };
}

/**
 * The reply timer fired: escalate if the alert still waits for exactly that reply, and mark the
 * urged alert (`urge.escalatedAt`) so its department sees it was reported. Both idempotent.
 */
export async function escalateIfUnanswered(caseNo: string, alertId: string, fireAt: string, at: string) {
  const alert = await getAlert(caseNo, alertId);
  if (alert?.status !== 'urged' || !alert.urge || alert.urge.replyBy !== fireAt) return false;
  const raised = await putAlert(escalationOf(alert, at));
  if (!alert.urge.escalatedAt) {
    try {
      await updateAlert({ ...alert, urge: { ...alert.urge, escalatedAt: at } }, 'urged');
    } catch (err) {
      // The department replied meanwhile: the finding stands, the alert is answered.
      if (!(err instanceof ConflictError)) throw err;
    }
  }
  return raised;
}

/** The mobile of the supervisor who urged, if the account is active and has one. */
export async function supervisorPhone(sub: string | undefined): Promise<string | undefined> {
  if (!sub) return undefined;
  const out = await dynamo.send(
    new GetCommand({ TableName: env('ACCOUNTS_TABLE'), Key: { pk: `USER#${sub}`, sk: 'PROFILE' } }),
  );
  const phone = out.Item?.phone;
  return out.Item?.status === 'active' && typeof phone === 'string' && validateMobile(phone).ok
    ? phone
    : undefined;
}
