/**
 * Where an alert sits in the indexes (functions/supervision/keys.ts): by status and level, by
 * department, and on the overdue list only while a red alert or finding with a limit waits.
 */
import { describe, expect, it } from 'vitest';
import { alertIndexKeys, isOverdueOpen } from '#functions/supervision/keys.ts';

const alert = {
  caseNo: '341602-20261201-000001',
  alertId: 'step.s1.red',
  raisedAt: '2026-12-10T01:00:00.000Z',
  status: 'open' as const,
  severity: 'red' as const,
  dept: '341602-mzj',
  deadline: '2026-12-09T16:00:00Z',
};

describe('alert index keys', () => {
  it('puts an open red alert in its level, department and overdue partitions, sorted by time and limit', () => {
    expect(alertIndexKeys(alert)).toEqual({
      gsi1pk: 'ALERTS#D#341602-mzj#open#red',
      gsi1sk: '2026-12-10T01:00:00.000Z#341602-20261201-000001#step.s1.red',
      gsi2pk: 'ALERTS#open#red',
      gsi2sk: '2026-12-10T01:00:00.000Z#341602-20261201-000001#step.s1.red',
      gsi3pk: 'OVERDUE',
      gsi3sk: '2026-12-09T16:00:00Z#341602-20261201-000001#step.s1.red',
    });
  });

  it('keeps yellow, answered, closed and limitless alerts off the overdue list', () => {
    expect(isOverdueOpen({ ...alert, status: 'urged' })).toBe(true);
    for (const a of [
      { ...alert, severity: 'yellow' as const },
      { ...alert, status: 'replied' as const },
      { ...alert, status: 'resolved' as const },
      { ...alert, severity: 'finding' as const, deadline: undefined },
    ]) {
      expect(isOverdueOpen(a)).toBe(false);
      expect(alertIndexKeys(a)).not.toHaveProperty('gsi3pk');
    }
  });
});
