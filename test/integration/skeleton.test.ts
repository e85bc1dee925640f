/**
 * The walking skeleton through every layer: portal API → gateway → handlers → DynamoDB Local →
 * Step Functions (task token) → staff action → stream → SNS outbox; progress by number + code.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { exampleForm } from '#domain/forms.ts';
import { formatQueryCode } from '#domain/query-code.ts';
import { call, eventually, login } from '../support/client.ts';
import { withMaterials } from '../support/materials.ts';

const HALL = 'qiaocheng';
let applicant: string;
let staff: { accept: string; decide: string };
let itemCode: string;
/** A filled application form the item's definition accepts. */
let validForm: Record<string, string | boolean>;

beforeAll(async () => {
  applicant = await login('zhangsan');
  const { body } = await call('GET', '/api/dev/accounts');
  const accountFor = (post: string) =>
    body.accounts.find((a: any) => a.role === 'staff' && a.hall === HALL && a.posts.includes(post));
  const acceptor = accountFor('受理');
  const decider = body.accounts.find(
    (a: any) => a.role === 'staff' && a.dept === acceptor.dept && a.posts.includes('决定'),
  );
  staff = { accept: await login(acceptor.username), decide: await login(decider.username) };
  // An item of that department whose process is 受理 → 决定 (the "simple" template).
  const items = await call('GET', `/api/items?hallId=${HALL}&deptCode=${acceptor.dept}&limit=50`);
  expect(items.status).toBe(200);
  for (const it of items.body.items) {
    const guide = await call('GET', `/api/items/${encodeURIComponent(it.code)}`);
    if (guide.body.processTemplate?.id === 'simple') {
      itemCode = it.code;
      validForm = exampleForm(guide.body.applicationForm, { address: '谯城区汤陵街道' });
      break;
    }
  }
  expect(itemCode).toBeDefined();
});

async function file(token: string | undefined, key: string, body: unknown = { itemCode, form: validForm }) {
  // The applicant's filings come with their materials (a ready draft; the same one for a retry).
  const withDraft = token === applicant ? await withMaterials(applicant, HALL, body, key) : body;
  return call('POST', `/api/halls/${HALL}/cases`, {
    token,
    body: withDraft,
    headers: { 'idempotency-key': key },
  });
}

describe('the portal reads', () => {
  it('lists the six halls', async () => {
    const res = await call('GET', '/api/halls');
    expect(res.status).toBe(200);
    expect(res.body.halls.map((h: any) => h.id)).toEqual([
      'city',
      'qiaocheng',
      'jingkai',
      'guoyang',
      'mengcheng',
      'lixin',
    ]);
  });

  it('lists items of a hall', async () => {
    const res = await call('GET', `/api/items?hallId=${HALL}&limit=3`);
    expect(res.status).toBe(200);
    expect(res.body.total).toBeGreaterThan(3);
    expect(res.body.items).toHaveLength(3);
    expect(res.body.items[0]).toMatchObject({ code: expect.any(String), name: expect.any(String) });
  });

  it('tells how far the calendar is official and which years are provisional (no notice in March)', async () => {
    const { status, body } = await call('GET', '/api/calendar');
    expect(status).toBe(200);
    // 2027 is official once calendar-load.test.ts has loaded it (files run in any order).
    expect(['2026-12-31', '2027-12-31']).toContain(body.lastOfficialDate);
    const official = Number(body.lastOfficialDate.slice(0, 4));
    expect(body.provisionalYears).toEqual([official + 1, official + 2]);
    expect(body.notice).toBeUndefined();
  });

  it('refuses an import that would empty the catalogue unless the number removed is confirmed', async () => {
    const operator = await login('operator');
    const before = (await call('GET', '/api/items?limit=1')).body.total;
    const res = await call('POST', '/api/catalogue/import', { token: operator, body: { items: [] } });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('REMOVAL_UNCONFIRMED');
    expect(res.body.error.message).toContain('将删除现有目录中的');
    expect((await call('GET', '/api/items?limit=1')).body.total).toBe(before);
  });

  it('serves the portal at /', async () => {
    const res = await call('GET', '/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.body).toContain('网上办事大厅');
  });
});

describe('a case walks through every layer', () => {
  it('files, is accepted by staff through the task token, shows progress and sends the SMS', async () => {
    const key = randomUUID();
    const filed = await file(applicant, key);
    expect(filed.status).toBe(201);
    const { caseNo, queryCode } = filed.body;
    expect(caseNo).toMatch(/^341602-\d{8}-\d{6}$/);
    expect(queryCode).toMatch(/^[0-9A-HJKMNP-TV-Z]{8}$/);

    // The same request again: the same case, not a second one.
    const again = await file(applicant, key);
    expect(again.status).toBe(200);
    expect(again.body.caseNo).toBe(caseNo);

    // The lifecycle reached the acceptance step and put the case in the 受理 queue.
    const task = await eventually(async () => {
      const q = await call('GET', `/api/halls/${HALL}/tasks`, { token: staff.accept });
      expect(q.status).toBe(200);
      return q.body.tasks.find((t: any) => t.caseNo === caseNo);
    }, 'the case in the acceptance queue');
    expect(task.taskId).toMatch(/^accept#/);

    // Two staff clicking at once: one transition, one 409.
    const [a, b] = await Promise.all([
      call('POST', `/api/halls/${HALL}/cases/${caseNo}/actions`, {
        token: staff.accept,
        body: { action: 'accept', version: task.version },
      }),
      call('POST', `/api/halls/${HALL}/cases/${caseNo}/actions`, {
        token: staff.accept,
        body: { action: 'accept', version: task.version },
      }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const loser = a.status === 409 ? a : b;
    expect(loser.body.error.code).toBe('CONFLICT');

    const progress = await call('GET', `/api/halls/${HALL}/progress?caseNo=${caseNo}&code=${queryCode}`);
    expect(progress.status).toBe(200);
    expect(progress.body.events.map((e: any) => e.type)).toEqual(['申办', '网上预受理', '受理']);
    for (const e of progress.body.events) expect(Number.isNaN(Date.parse(e.at))).toBe(false);
    expect(progress.body.status).toBe('accepted');

    const sms = await eventually(async () => {
      const out = await call('GET', '/api/dev/outbox');
      return out.body.messages.find((m: any) => m.message.includes(caseNo) && m.message.includes('已受理'));
    }, 'the 受理 SMS');
    expect(sms.phoneNumber).toBe('+8613800000001');
    // The code in two groups of four, as people read it.
    expect(sms.message).toContain(`查询码 ${formatQueryCode(queryCode)}`);

    // The lifecycle moved on to the decision step.
    await eventually(async () => {
      const q = await call('GET', `/api/halls/${HALL}/tasks`, { token: staff.decide });
      return q.body.tasks.find((t: any) => t.caseNo === caseNo && t.taskId.startsWith('decide#'));
    }, 'the case in the decision queue');
  });

  it('answers a wrong query code exactly like an unknown case number', async () => {
    const filed = await file(applicant, randomUUID());
    const wrongCode = filed.body.queryCode === '000000' ? '111111' : '000000';
    const wrong = await call(
      'GET',
      `/api/halls/${HALL}/progress?caseNo=${filed.body.caseNo}&code=${wrongCode}`,
    );
    const unknown = await call(
      'GET',
      `/api/halls/${HALL}/progress?caseNo=341602-20000101-999999&code=${wrongCode}`,
    );
    expect(wrong.status).toBe(404);
    expect(wrong.body).toEqual(unknown.body);
  });

  it('refuses a reused idempotency key with a different body', async () => {
    const key = randomUUID();
    expect((await file(applicant, key)).status).toBe(201);
    const other = await file(applicant, key, {
      itemCode,
      form: { ...validForm, address: '谯城区别处路 2 号' },
    });
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });
});

describe('no route that changes data is open to anonymous callers', () => {
  it('refuses filing without a token, and with a forged one', async () => {
    const anonymous = await file(undefined, randomUUID());
    expect(anonymous.status).toBe(401);
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const claims = Buffer.from(JSON.stringify({ sub: 'x', roles: ['staff'] })).toString('base64url');
    const forged = await file(`${header}.${claims}.`, randomUUID());
    expect(forged.status).toBe(401);
    expect(forged.body.error.code).toBe('INVALID_TOKEN');
  });

  it('does not let an applicant act as staff, nor staff see another department', async () => {
    const filed = await file(applicant, randomUUID());
    const res = await call('POST', `/api/halls/${HALL}/cases/${filed.body.caseNo}/actions`, {
      token: applicant,
      body: { action: 'accept' },
    });
    expect(res.status).toBe(403);
    const otherHallStaff = (await call('GET', '/api/dev/accounts')).body.accounts.find(
      (a: any) => a.role === 'staff' && a.hall === 'lixin' && a.posts.includes('受理'),
    );
    const other = await call('POST', `/api/halls/${HALL}/cases/${filed.body.caseNo}/actions`, {
      token: await login(otherHallStaff.username),
      body: { action: 'accept' },
    });
    expect(other.status).toBe(404);
  });
});

describe('bad input gets a clear 4xx', () => {
  it('unknown route → 404 JSON', async () => {
    const res = await call('GET', '/api/no-such-thing');
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringMatching(/[\u4e00-\u9fa5]/),
    });
  });

  it('malformed JSON → 400 BAD_JSON', async () => {
    const res = await call('POST', `/api/halls/${HALL}/cases`, {
      token: applicant,
      raw: '{"itemCode": ',
      headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('BAD_JSON');
  });

  it('wrong content type → 415', async () => {
    const res = await call('POST', `/api/halls/${HALL}/cases`, {
      token: applicant,
      raw: 'itemCode=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'idempotency-key': randomUUID() },
    });
    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('body over the limit → 413, at the handler and at the gateway', async () => {
    const big = await file(applicant, randomUUID(), { itemCode, form: { a: 'x'.repeat(70 * 1024) } });
    expect(big.status).toBe(413);
    const huge = await call('POST', `/api/halls/${HALL}/cases`, {
      token: applicant,
      raw: 'x'.repeat(11 * 1024 * 1024),
      headers: { 'content-type': 'application/json' },
    });
    expect(huge.status).toBe(413);
  });

  it('missing fields → 400 with the field named in Chinese', async () => {
    const res = await file(applicant, randomUUID(), { form: {} });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.details[0]).toMatchObject({ field: 'itemCode', message: '此项必填' });
  });

  it('a missing idempotency key → 400', async () => {
    const res = await call('POST', `/api/halls/${HALL}/cases`, { token: applicant, body: { itemCode } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('IDEMPOTENCY_KEY_REQUIRED');
  });

  it('malformed progress query → 400, not 500', async () => {
    const res = await call('GET', `/api/halls/${HALL}/progress?caseNo=abc&code=12`);
    expect(res.status).toBe(400);
  });
});
