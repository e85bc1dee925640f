/** The audit log's classes, shards and operator filters (functions/identity/audit.ts), pure. */
import { describe, expect, it } from 'vitest';
import { AUDIT_SHARDS, auditClass, auditQueryOf, auditShard } from '#functions/identity/audit.ts';

describe('audit classes', () => {
  it('keep what operators must see apart from what anyone can cause', () => {
    expect(auditClass({ type: 'role_change' })).toBe('security');
    expect(auditClass({ type: 'login_locked' })).toBe('security');
    expect(auditClass({ type: 'account_reclaim', details: { result: 'ok' } })).toBe('security');
    // A failed real-name check is anyone's doing: noise, however many.
    expect(auditClass({ type: 'account_reclaim', details: { result: 'realname_failed' } })).toBe('activity');
    expect(auditClass({ type: 'register', details: { result: 'realname_failed' } })).toBe('activity');
    expect(auditClass({ type: 'login_failed' })).toBe('activity');
  });

  it('spread a day over the shards evenly', () => {
    const counts = new Array(AUDIT_SHARDS).fill(0);
    for (let i = 0; i < 4000; i++) counts[auditShard(crypto.randomUUID())]++;
    for (const n of counts) expect(n).toBeGreaterThan((4000 / AUDIT_SHARDS) * 0.8);
  });
});

describe('audit filters', () => {
  const today = '2026-03-02';

  it('default to today’s security entries, both classes once anything is filtered', () => {
    const q = auditQueryOf({ limit: 100 }, today);
    expect(q).toEqual({
      ok: true,
      query: expect.objectContaining({
        classes: ['security'],
        from: '2026-03-01T16:00:00.000Z',
        to: '2026-03-02T15:59:59.999Z',
      }),
    });
    const byActor = auditQueryOf({ limit: 100, actor: 'demo-operator' }, today);
    expect(byActor.ok && byActor.query.classes).toEqual(['security', 'activity']);
    const activity = auditQueryOf({ limit: 100, class: 'activity', type: 'register' }, today);
    expect(activity.ok && activity.query).toMatchObject({ classes: ['activity'], type: 'register' });
  });

  it('take days or instants, end at today, and refuse a reversed or over-long range', () => {
    const q = auditQueryOf({ limit: 10, from: '2026-02-20', to: '2026-02-21T12:00:00+08:00' }, today);
    expect(q.ok && [q.query.from, q.query.to]).toEqual([
      '2026-02-19T16:00:00.000Z',
      '2026-02-21T04:00:00.000Z',
    ]);
    const open = auditQueryOf({ limit: 10, from: '2026-02-20' }, today);
    expect(open.ok && open.query.to).toBe('2026-03-02T15:59:59.999Z');
    expect(auditQueryOf({ limit: 10, from: '2026-03-02', to: '2026-03-01' }, today)).toMatchObject({
      ok: false,
    });
    expect(auditQueryOf({ limit: 10, from: '2026-01-01' }, today)).toEqual({
      ok: false,
      message: expect.stringMatching(/31 天/),
    });
  });
});
