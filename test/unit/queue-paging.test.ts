/**
 * The staff queue's order and paging without a table: the byQueue sort key (deadline first), and
 * the merge of several posts' queues into one deadline order with one cursor position per post.
 */
import { describe, expect, it } from 'vitest';
import { EXHAUSTED, mergeQueuePages, splitQueueCursor } from '#functions/cases/queue.ts';
import { NO_DEADLINE, type QueueEntry, queueSortKey, taskDeadline } from '#functions/cases/store.ts';

describe('the queue sort key', () => {
  it('takes the step deadline, else deemed acceptance, else the case deadline; none sorts last', () => {
    const d = {
      step: '2026-03-05T16:00:00Z',
      deemAccept: '2026-03-06T16:00:00Z',
      case: '2026-03-20T16:00:00Z',
    };
    expect(taskDeadline(d)).toBe(d.step);
    expect(taskDeadline({ ...d, step: undefined })).toBe(d.deemAccept);
    expect(taskDeadline({ case: d.case })).toBe(d.case);
    expect(taskDeadline({})).toBeUndefined();
    const key = (deadline: string | undefined, since: string, caseNo: string) =>
      queueSortKey({ deadline, since, caseNo });
    const keys = [
      key(undefined, '2026-03-01T01:00:00.000Z', '341602-20260301-000001'),
      key('2026-03-09T16:00:00Z', '2026-03-01T01:00:00.000Z', '341602-20260301-000002'),
      // Filed later, due earlier: comes first.
      key('2026-03-04T16:00:00Z', '2026-03-02T01:00:00.000Z', '341602-20260302-000001'),
      key('2026-03-04T16:00:00Z', '2026-03-02T01:00:00.000Z', '341602-20260302-000002'),
    ];
    expect([...keys].sort()).toEqual([keys[2], keys[3], keys[1], keys[0]]);
    expect(keys[0].startsWith(`${NO_DEADLINE}#`)).toBe(true);
  });
});

/** A post's queue as the index holds it, paged like listQueue: `after` is the position after an entry. */
function fakeQueue(name: string, sortKeys: string[]) {
  const entries: QueueEntry[] = [...sortKeys].sort().map((sortKey, i) => ({
    task: { caseNo: `${name}-${sortKey}` } as QueueEntry['task'],
    sortKey,
    after: `${name}:${i}`,
  }));
  return {
    entries,
    page(cursor: string, limit: number) {
      const from = cursor ? Number(cursor.split(':')[1]) + 1 : 0;
      return { entries: entries.slice(from, from + limit), more: from + limit < entries.length };
    },
  };
}

function pageThrough(queues: ReturnType<typeof fakeQueue>[], limit: number) {
  const seen: QueueEntry[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const positions = splitQueueCursor(cursor, queues.length);
    const read = queues.map((q, i) => (positions[i] === EXHAUSTED ? undefined : q.page(positions[i], limit)));
    const out = mergeQueuePages(read, positions, limit);
    expect(out.entries.length).toBeLessThanOrEqual(limit);
    if (out.cursor) expect(out.entries.length).toBe(limit);
    seen.push(...out.entries);
    cursor = out.cursor;
    pages++;
  } while (cursor && pages < 100);
  return { seen, pages };
}

describe('a queue of several posts, paged', () => {
  const sl = fakeQueue('受理', [
    '2026-03-03',
    '2026-03-05',
    '2026-03-05',
    '2026-03-09',
    '9999',
    '2026-03-04',
    '2026-03-08',
  ]);
  const ck = fakeQueue('窗口', ['2026-03-02', '2026-03-06', '2026-03-10', '2026-03-11', '2026-03-12']);
  const all = [...sl.entries, ...ck.entries];

  it.each([1, 2, 3, 5, 12, 50])(
    'limit %i: every task once, in deadline order, and no empty last page',
    (limit) => {
      const { seen, pages } = pageThrough([sl, ck], limit);
      expect(seen).toHaveLength(all.length);
      expect(new Set(seen.map((e) => e.after)).size).toBe(all.length);
      expect(seen.map((e) => e.sortKey)).toEqual(all.map((e) => e.sortKey).sort());
      expect(pages).toBe(Math.max(1, Math.ceil(all.length / limit)));
    },
  );

  it('one post: the cursor is that post’s own position', () => {
    const out = mergeQueuePages([sl.page('', 2)], [''], 2);
    expect(out.cursor).toBe('受理:1');
    expect(mergeQueuePages([sl.page('', 50)], [''], 50).cursor).toBeUndefined();
  });

  it.each([
    ['a cursor for another number of posts', 'a.b.c'],
    ['a one-post cursor for two posts', 'abc'],
  ])('refuses %s with 400 BAD_CURSOR', (_what, raw) => {
    expect(() => splitQueueCursor(raw, 2)).toThrow(
      expect.objectContaining({ status: 400, code: 'BAD_CURSOR' }),
    );
  });
});
