/**
 * GET /tasks?post=&limit=&cursor= — a staff member's queue: open tasks of their department and post,
 * the most urgent deadline first, each marked yellow (预警) or red (超期) against the clock; one page
 * (`limit`, default 50, at most 100) and the `cursor` of the next while there is one.
 *
 * The byQueue index is ordered by deadline (see queueSortKey in store.ts), so a page is read, not
 * sorted. Without `post` the page merges every post the caller holds (受理 staff also hold 窗口)
 * into one deadline order: each post is read from its own position, the pages are merged, and the
 * cursor carries one position per post (`<post 1>.<post 2>`, `~` once a post is exhausted), each
 * checked against that post's queue partition. A cursor belongs to the same `post` choice it came with.
 */
import { z } from 'zod';
import { nowMs } from '#domain/clock.ts';
import { type DeadlineKey, type Task, trackOf } from '#domain/process.ts';
import { beijingIso } from '#domain/time.ts';
import type { QueuePage, QueueTask } from '#domain/views.ts';
import { STATUS_NAMES } from '#domain/vocabulary.ts';
import { env } from '#lib/aws.ts';
import { api, HttpError, httpErrors } from '#lib/http.ts';
import { canSeeQueue } from '#lib/policy.ts';
import { type CaseRecord, getCases, listQueue, type QueueEntry, queueKey, taskDeadlineKey } from './store.ts';
import { currentStepName } from './views.ts';

export const QUEUE_PAGE = { default: 50, max: 100 } as const;

const query = z.object({
  post: z.string().max(8).optional(),
  limit: z.coerce.number().int().min(1).max(QUEUE_PAGE.max).default(QUEUE_PAGE.default),
  cursor: z.string().max(4096).optional(),
});

/** The mark of a task now: red past one of its track's deadlines, yellow past a warning instant. */
export function markOf(c: CaseRecord, at: number, task: Pick<Task, 'stepId'>): 'red' | 'yellow' | undefined {
  const past = (iso?: string) => !!iso && Date.parse(iso) <= at;
  const scopes =
    trackOf(task) === 'rectification' ? (['visit', 'rectify'] as const) : (['step', 'case'] as const);
  if (scopes.some((k) => past(c.deadlines?.[k]))) return 'red';
  if (scopes.some((k) => past(c.timers?.[`${k}-yellow`]?.fireAt))) return 'yellow';
  return undefined;
}

/** A post's position in a merged cursor once it has nothing more (not a base64url character). */
export const EXHAUSTED = '~';
const SEPARATOR = '.';

/**
 * One position per post ('' = from its start: a post none of whose tasks were shown yet); a cursor
 * for another number of posts is refused (each position is checked against its queue when read).
 */
export function splitQueueCursor(raw: string | undefined, posts: number): string[] {
  if (raw === undefined || raw === '') return Array.from({ length: posts }, () => '');
  const parts = raw.split(SEPARATOR);
  if (parts.length !== posts) {
    throw new HttpError(400, 'BAD_CURSOR', '翻页参数无效，请从第一页重新查询');
  }
  return parts;
}

/**
 * Merges one page of each post's queue (undefined: that post was exhausted before) into the first
 * `limit` tasks in deadline order, and the cursor resuming each post right after what was taken.
 */
export function mergeQueuePages(
  pages: ({ entries: QueueEntry[]; more: boolean } | undefined)[],
  positions: string[],
  limit: number,
): { entries: QueueEntry[]; cursor?: string } {
  const all = pages.flatMap((page, post) => (page?.entries ?? []).map((entry, n) => ({ entry, post, n })));
  all.sort((a, b) =>
    a.entry.sortKey < b.entry.sortKey
      ? -1
      : a.entry.sortKey > b.entry.sortKey
        ? 1
        : a.post - b.post || a.n - b.n,
  );
  const taken = all.slice(0, limit);
  const next = positions.map((position, post) => {
    const page = pages[post];
    if (!page) return EXHAUSTED;
    const mine = taken.filter((t) => t.post === post);
    if (mine.length === page.entries.length && !page.more) return EXHAUSTED;
    return mine.length > 0 ? mine[mine.length - 1].entry.after : position;
  });
  return {
    entries: taken.map((t) => t.entry),
    cursor: next.every((p) => p === EXHAUSTED) ? undefined : next.join(SEPARATOR),
  };
}

export const handler = api({ auth: 'user', query }, async ({ query, principal }) => {
  const who = principal!;
  const posts = query.post ? [query.post] : who.posts;
  if (
    !who.dept ||
    posts.length === 0 ||
    !posts.every((p) => canSeeQueue(who, env('HALL_ID'), who.dept!, p))
  ) {
    throw httpErrors.forbidden('只有本部门相应岗位的工作人员可以查看待办');
  }
  const positions = splitQueueCursor(query.cursor, posts.length);
  const pages = await Promise.all(
    posts.map((post, i) =>
      positions[i] === EXHAUSTED
        ? undefined
        : listQueue(queueKey(who.dept!, post), { limit: query.limit, cursor: positions[i] || undefined }),
    ),
  );
  const { entries, cursor } = mergeQueuePages(pages, positions, query.limit);
  const tasks = entries.map((e) => e.task);
  const cases = new Map((await getCases(tasks.map((t) => t.caseNo))).map((c) => [c.caseNo, c]));
  const at = nowMs();
  const rows: QueueTask[] = tasks
    .filter((t) => cases.has(t.caseNo))
    .map((t) => {
      const c = cases.get(t.caseNo)!;
      // The deadline now (the queue's order is the one the task began with; they differ only while
      // a special procedure stops the clock).
      const key = taskDeadlineKey(c.deadlines, t);
      const deadline = key && c.deadlines[key];
      const provisional = (k?: DeadlineKey) => (k && c.deadlines?.provisional?.includes(k)) || undefined;
      return {
        caseNo: t.caseNo,
        taskId: t.id,
        task: t.name,
        itemName: t.itemName,
        applicantName: t.applicantName,
        status: c.status,
        statusName: STATUS_NAMES[c.status],
        currentStep: currentStepName(c),
        version: c.version,
        waitingSince: beijingIso(t.since),
        deadline: beijingIso(deadline),
        caseDeadline: beijingIso(c.deadlines?.case),
        deadlineProvisional: provisional(key),
        caseDeadlineProvisional: provisional('case'),
        mark: markOf(c, at, t),
      };
    });
  const body: QueuePage = { tasks: rows, ...(cursor ? { cursor } : {}) };
  return { body };
});
