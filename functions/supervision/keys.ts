/**
 * Where an alert sits in the cases table's indexes, so that every view of the supervisor's page is
 * read directly, already sorted, whatever the size of the hall (no filtering after a read):
 *
 * - byQueue   `ALERTS#<status>#<severity>`        / `<raisedAt>#<caseNo>#<alertId>`  newest first,
 *   by status and level; a filter on one of them reads 3 or 4 partitions, no filter 12 (merged).
 * - byApplicant `ALERTS#D#<dept>#<status>#<severity>` / the same sort key: one department (staff see
 *   only theirs; supervisors filter by it).
 * - byDeadline `OVERDUE` / `<deadline>#<caseNo>#<alertId>`: only red alerts and findings still waiting
 *   (待督办 or 督办 without a reply) whose limit has passed, most late first. Sparse: an alert leaves it
 *   when it is replied to or closes by itself.
 *
 * Counts of the day (today's yellow/red) are key-conditioned on `raisedAt` in the byQueue partitions.
 */
import type { AlertStatus, Severity } from '#domain/vocabulary.ts';

export const ALERT_STATUSES = [
  'open',
  'urged',
  'replied',
  'resolved',
] as const satisfies readonly AlertStatus[];
export const SEVERITIES = ['yellow', 'red', 'finding'] as const satisfies readonly Severity[];
export const OVERDUE_PARTITION = 'OVERDUE';

interface Keyed {
  caseNo: string;
  alertId: string;
  raisedAt: string;
  status: AlertStatus;
  severity: Severity;
  dept: string;
  deadline?: string;
}

export const byLevelPartition = (status: AlertStatus, severity: Severity) => `ALERTS#${status}#${severity}`;
export const byDeptPartition = (dept: string, status: AlertStatus, severity: Severity) =>
  `ALERTS#D#${dept}#${status}#${severity}`;
export const raisedSortKey = (a: Pick<Keyed, 'raisedAt' | 'caseNo' | 'alertId'>) =>
  `${a.raisedAt}#${a.caseNo}#${a.alertId}`;
export const overdueSortKey = (a: Pick<Keyed, 'deadline' | 'caseNo' | 'alertId'>) =>
  `${a.deadline}#${a.caseNo}#${a.alertId}`;

/** Red alerts and findings with a passed limit that nobody has answered yet. */
export const isOverdueOpen = (a: Pick<Keyed, 'status' | 'severity' | 'deadline'>) =>
  (a.status === 'open' || a.status === 'urged') && a.severity !== 'yellow' && !!a.deadline;

/** The index attributes of an alert item (see above). */
export function alertIndexKeys(a: Keyed): Record<string, string> {
  const sk = raisedSortKey(a);
  return {
    gsi1pk: byDeptPartition(a.dept, a.status, a.severity),
    gsi1sk: sk,
    gsi2pk: byLevelPartition(a.status, a.severity),
    gsi2sk: sk,
    ...(isOverdueOpen(a) ? { gsi3pk: OVERDUE_PARTITION, gsi3sk: overdueSortKey(a) } : {}),
  };
}
