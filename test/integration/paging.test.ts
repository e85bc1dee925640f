/**
 * Paging through HTTP: the staff queue (GET /tasks) is read most urgent first from the index itself
 * and paged with a cursor — every task exactly once, in deadline order, also when a case filed later
 * is due earlier — and 我的办件 (GET /cases) pages newest first; a forged cursor is a 400.
 * A hall of its own (not the pilot hall the lifecycle tests use), and the cases are withdrawn at
 * the end, so other tests' queues stay as they were.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleForm } from '#domain/forms.ts';
import { call, eventually, login } from '../support/client.ts';
import { withMaterials } from '../support/materials.ts';

const HALL = 'mengcheng';
const api = (path: string) => `/api/halls/${HALL}${path}`;
const PER_ITEM = 13;

interface Account {
  username: string;
  role: string;
  hall?: string;
  dept?: string;
  posts?: string[];
}

interface Candidate {
  code: string;
  limitDays: number;
  form: Record<string, unknown>;
}

let applicant: string;
let staff: string;
let post: string;
/** The longer first-step limit is filed first, the shorter after: filed later, due earlier. */
let items: [Candidate, Candidate];
const filed: { caseNo: string; item: string }[] = [];

beforeAll(async () => {
  const accounts: Account[] = (await call('GET', '/api/dev/accounts')).body.accounts;
  applicant = await login('lisi');
  // Two items whose first step lands in the same department and post (one queue) with different
  // step limits, so deadline order and filing order differ.
  const byQueue = new Map<string, Candidate[]>();
  let found: { key: string; account: Account; pair: [Candidate, Candidate] } | undefined;
  for (let offset = 0; !found && offset < 1000; offset += 50) {
    const page = await call('GET', `/api/items?hallId=${HALL}&limit=50&offset=${offset}`);
    if (page.body.items.length === 0) break;
    for (const it of page.body.items) {
      const guide = (await call('GET', `/api/items/${encodeURIComponent(it.code)}`)).body;
      const first = guide.steps?.[0];
      if (first?.depts.length !== 1 || guide.item.promisedDays > 20) continue;
      const account = accounts.find(
        (a) =>
          a.role === 'staff' && a.hall === HALL && a.dept === first.depts[0] && a.posts?.includes(first.post),
      );
      if (!account) continue;
      const key = `${first.depts[0]}#${first.post}`;
      const list = byQueue.get(key) ?? [];
      const candidate = {
        code: it.code,
        limitDays: first.limitDays,
        form: exampleForm(guide.applicationForm, { phone: '13800000002' }),
      };
      const other = list.find((c) => c.limitDays !== candidate.limitDays);
      if (other) {
        const pair = [other, candidate].sort((a, b) => b.limitDays - a.limitDays) as [Candidate, Candidate];
        found = { key, account, pair };
        break;
      }
      byQueue.set(key, [...list, candidate]);
    }
  }
  expect(found, 'two items of one queue with different first-step limits').toBeTruthy();
  items = found!.pair;
  post = found!.key.split('#')[1];
  staff = await login(found!.account.username);

  for (const item of items) {
    for (let i = 0; i < PER_ITEM; i++) {
      const key = randomUUID();
      const res = await call('POST', api('/cases'), {
        token: applicant,
        body: await withMaterials(applicant, HALL, { itemCode: item.code, form: item.form }, key),
        headers: { 'idempotency-key': key },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      filed.push({ caseNo: res.body.caseNo, item: item.code });
    }
  }
  // Every filing's first task reaches the queue when its state machine gets there.
  await eventually(
    async () => {
      const nos = new Set((await readQueue(100, `post=${encodeURIComponent(post)}`)).map((t) => t.caseNo));
      return filed.every((f) => nos.has(f.caseNo)) || undefined;
    },
    'every filed case in the queue',
    60_000,
  );
}, 180_000);

afterAll(async () => {
  await Promise.all(
    filed.map((f) =>
      call('POST', api(`/cases/${f.caseNo}/actions`), {
        token: applicant,
        body: { action: 'withdraw', reason: '测试结束' },
      }),
    ),
  );
});

/** Pages through GET /tasks with `limit`; checks every page's size; returns the tasks in order. */
async function readQueue(limit: number, extra = '', pages: string[] = []) {
  const tasks: any[] = [];
  let cursor: string | undefined;
  for (let n = 0; n < 200; n++) {
    const qs = [`limit=${limit}`, extra, cursor ? `cursor=${encodeURIComponent(cursor)}` : '']
      .filter(Boolean)
      .join('&');
    const res = await call('GET', api(`/tasks?${qs}`), { token: staff });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.tasks.length).toBeLessThanOrEqual(limit);
    tasks.push(...res.body.tasks);
    if (res.body.cursor) pages.push(res.body.cursor);
    cursor = res.body.cursor;
    if (!cursor) return tasks;
  }
  throw new Error('the queue never ended');
}

function expectDeadlineOrder(tasks: any[]) {
  const at = (t: any) => (t.deadline ? Date.parse(t.deadline) : Number.POSITIVE_INFINITY);
  for (let i = 1; i < tasks.length; i++) {
    expect(at(tasks[i - 1]), `${tasks[i - 1].caseNo} before ${tasks[i].caseNo}`).toBeLessThanOrEqual(
      at(tasks[i]),
    );
  }
}

describe('the staff queue, paged', () => {
  it.each([
    ['one post', true],
    ['every post the staff member holds, merged', false],
  ])('%s: with limit=10 every task appears exactly once, most urgent first', async (_what, onePost) => {
    const cursors: string[] = [];
    const tasks = await readQueue(10, onePost ? `post=${encodeURIComponent(post)}` : '', cursors);
    expect(cursors.length).toBeGreaterThanOrEqual(2);
    const keys = tasks.map((t) => `${t.caseNo}/${t.taskId}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const f of filed)
      expect(
        tasks.filter((t) => t.caseNo === f.caseNo),
        f.caseNo,
      ).toHaveLength(1);
    expectDeadlineOrder(tasks);
    // Filed later with the shorter limit, due earlier: those come first, so the order is the deadline's.
    // (Earlier tests move the business clock; on a day off both limits can end at the same instant,
    // and then there is nothing to show beyond the deadline order checked above.)
    const mine = tasks.filter((t) => filed.some((f) => f.caseNo === t.caseNo));
    const shorter = new Set(filed.filter((f) => f.item === items[1].code).map((f) => f.caseNo));
    const due = (group: boolean) => Date.parse(mine.find((t) => shorter.has(t.caseNo) === group)!.deadline);
    if (!(due(true) < due(false))) return;
    expect(shorter.has(mine[0].caseNo)).toBe(true);
    expect(mine.slice(0, PER_ITEM).every((t) => shorter.has(t.caseNo))).toBe(true);
    const order = (t: any) => filed.findIndex((f) => f.caseNo === t.caseNo);
    expect(order(mine[0])).toBeGreaterThan(order(mine.at(-1)));
  });

  it('answers 50 by default, at most 100', async () => {
    const res = await call('GET', api('/tasks'), { token: staff });
    expect(res.status).toBe(200);
    expect(res.body.tasks.length).toBeLessThanOrEqual(50);
    expect((await call('GET', api('/tasks?limit=101'), { token: staff })).status).toBe(400);
    expect((await call('GET', api('/tasks?limit=0'), { token: staff })).status).toBe(400);
  });
});

describe('我的办件, paged', () => {
  it('with limit=10 every case appears exactly once, newest first', async () => {
    const cases: any[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = await call(
        'GET',
        api(`/cases?limit=10${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`),
        { token: applicant },
      );
      expect(res.status).toBe(200);
      expect(res.body.cases.length).toBeLessThanOrEqual(10);
      cases.push(...res.body.cases);
      cursor = res.body.cursor;
      pages++;
    } while (cursor && pages < 100);
    expect(pages).toBeGreaterThanOrEqual(3);
    const nos = cases.map((c) => c.caseNo);
    expect(new Set(nos).size).toBe(nos.length);
    for (const f of filed) expect(nos).toContain(f.caseNo);
    const filedAt = cases.map((c) => c.filedAt);
    expect(filedAt).toEqual([...filedAt].sort().reverse());
  });
});

describe('cursors are checked', () => {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

  it('a forged or edited cursor is 400 BAD_CURSOR, never a DynamoDB error', async () => {
    const mine = await call('GET', api('/cases?limit=5'), { token: applicant });
    // A cursor is base64url of the last key followed by its 22-character signature (lib/cursor.ts).
    const keyOf = (cursor: string) => JSON.parse(Buffer.from(cursor.slice(0, -22), 'base64url').toString());
    const key = keyOf(mine.body.cursor);
    const queue = await call('GET', api(`/tasks?limit=5&post=${encodeURIComponent(post)}`), { token: staff });
    const qkey = keyOf(queue.body.cursor);
    const forged: [string, string, string][] = [
      ['cases', 'not-a-cursor', applicant],
      // The very key it was given, re-encoded without the signature.
      ['cases', b64(key), applicant],
      ['cases', b64({ ...key, gsi1pk: 'APPLICANT#demo-zhangsan' }), applicant],
      ['cases', b64({ ...key, sk: { S: 'x' } }), applicant],
      ['cases', b64({ ...key, extra: '1' }), applicant],
      ['cases', queue.body.cursor, applicant],
      ['tasks', b64({ ...qkey, gsi2pk: 'QUEUE#other#受理' }), staff],
      ['tasks', b64({ pk: qkey.pk, sk: qkey.sk }), staff],
      ['tasks', mine.body.cursor, staff],
      ['tasks', `${queue.body.cursor}.${queue.body.cursor}.x`, staff],
    ];
    for (const [route, cursor, token] of forged) {
      const path =
        route === 'cases'
          ? api(`/cases?cursor=${encodeURIComponent(cursor)}`)
          : api(`/tasks?post=${encodeURIComponent(post)}&cursor=${encodeURIComponent(cursor)}`);
      const res = await call('GET', path, { token });
      expect(res.status, `${route} ${cursor}`).toBe(400);
      expect(res.body.error.code).toBe('BAD_CURSOR');
    }
    // Another person's cursor is not theirs to use.
    const zhangsan = await login('zhangsan');
    const res = await call('GET', api(`/cases?cursor=${encodeURIComponent(mine.body.cursor)}`), {
      token: zhangsan,
    });
    expect(res.status).toBe(400);
  });
});
