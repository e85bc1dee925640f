/**
 * 送达 through HTTP: the applicant chooses 邮寄 with an address at filing (checked: the item's ways, the
 * address's fields); at 领取登记 staff must give the tracking number, which the applicant is texted.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { exampleForm } from '#domain/forms.ts';
import { population } from '#infra/seed/registries.ts';
import { call, eventually, login } from '../support/client.ts';
import { staffToken, withMaterials } from '../support/materials.ts';
import { registerWithCode, smsTo } from './identity-helpers.ts';

const HALL = 'qiaocheng';
const api = (p: string) => `/api/halls/${HALL}${p}`;
const me = population.find((p) => p.name === '邮小川')!;
/** 社会保障卡补领、换领: 即办件, 自取 or 邮寄 (no 电子). */
const ITEM = '11341602MB8184211C-2000038-000';
let person = '';
let form: Record<string, unknown> = {};
const ADDRESS = {
  name: '邮小川',
  phone: me.phone,
  region: '安徽省亳州市谯城区',
  detail: '魏武大道 100 号 2 栋 301',
  postcode: '236800',
};

beforeAll(async () => {
  const reg = await registerWithCode('127.0.0.63', me, 'Delivery@2026a');
  expect([201, 409]).toContain(reg.status);
  person = await login(me.phone, 'Delivery@2026a');
  const guide = (await call('GET', `/api/items/${encodeURIComponent(ITEM)}`)).body;
  expect(guide.item.delivery).toEqual(['自取', '邮寄']);
  form = exampleForm(guide.applicationForm, { phone: me.phone });
}, 120_000);

const file = async (delivery: unknown) => {
  const key = randomUUID();
  return call('POST', api('/cases'), {
    token: person,
    body: await withMaterials(person, HALL, { itemCode: ITEM, form, delivery }, key),
    headers: { 'idempotency-key': key },
  });
};

describe('送达 by post', () => {
  it('refuses a way the item does not offer and an address that is not one, field by field', async () => {
    const e = await file({ method: '电子' });
    expect([e.status, e.body.error.code]).toEqual([422, 'DELIVERY_INVALID']);
    expect(e.body.error.message).toContain('窗口自取');
    const bad = await file({ method: '邮寄', address: { ...ADDRESS, phone: '12345', detail: '' } });
    expect([bad.status, bad.body.error.code]).toEqual([422, 'DELIVERY_INVALID']);
    expect(bad.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'delivery.address.detail',
      'delivery.address.phone',
    ]);
    const odd = await file({ method: '邮寄', address: 'x' });
    expect(odd.status).toBe(400);
  });

  it('records the choice; 领取登记 by post needs the tracking number, which is texted', async () => {
    const filed = await file({ method: '邮寄', address: ADDRESS });
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    const caseNo = filed.body.caseNo as string;
    const detail = async () => (await call('GET', api(`/cases/${caseNo}`), { token: person })).body;
    expect((await detail()).deliveryChoice).toEqual({ method: '邮寄', address: ADDRESS });
    // 即办件: accepted and finished on the spot, then 领取登记 at the window post.
    for (const action of ['accept', 'deliver']) {
      const t = await eventually(
        async () =>
          (await detail()).tasks.find((x: { ready: boolean; kind: string }) => x.ready && x.kind === 'staff'),
        `${action} task`,
      );
      const staff = await staffToken(HALL, t.dept, t.post);
      const act = (body: Record<string, unknown>) =>
        call('POST', api(`/cases/${caseNo}/actions`), {
          token: staff,
          body: { action, taskId: t.id, ...body },
        });
      if (action === 'deliver') {
        const missing = await act({ method: '邮寄' });
        expect([missing.status, missing.body.error.code]).toEqual([422, 'TRACKING_REQUIRED']);
        const wrong = await act({ method: '邮寄', tracking: '单号' });
        expect(wrong.status).toBe(422);
        const ok = await act({ method: '邮寄', tracking: 'sf1234567890' });
        expect(ok.status, JSON.stringify(ok.body)).toBe(200);
      } else {
        expect((await act({})).status).toBe(200);
      }
    }
    const d = await detail();
    expect(d.status).toBe('delivered');
    expect(d.delivery).toMatchObject({ method: '邮寄', tracking: 'SF1234567890' });
    await smsTo(me.phone, new RegExp(`${caseNo}.*快递单号 SF1234567890`));
  });
});

describe('电子送达', () => {
  /** 城乡居民基本养老保险参保登记: 即办件, 电子 / 邮寄 / 自取. */
  const E_ITEM = '11341602MB8184211C-2000029-000';

  it('the first download of the result is its 领取登记, once, however many downloads come', async () => {
    const guide = (await call('GET', `/api/items/${encodeURIComponent(E_ITEM)}`)).body;
    const key = randomUUID();
    const filed = await call('POST', api('/cases'), {
      token: person,
      body: await withMaterials(
        person,
        HALL,
        {
          itemCode: E_ITEM,
          form: exampleForm(guide.applicationForm, { phone: me.phone }),
          delivery: { method: '电子' },
        },
        key,
      ),
      headers: { 'idempotency-key': key },
    });
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    const caseNo = filed.body.caseNo as string;
    const detail = async () => (await call('GET', api(`/cases/${caseNo}`), { token: person })).body;
    const early = await call('GET', api(`/cases/${caseNo}/result`), { token: person });
    expect([early.status, early.body.error.code]).toEqual([409, 'RESULT_NOT_READY']);
    const t = await eventually(
      async () =>
        (await detail()).tasks.find((x: { ready: boolean; kind: string }) => x.ready && x.kind === 'staff'),
      'acceptance task',
    );
    const staff = await staffToken(HALL, t.dept, t.post);
    const accepted = await call('POST', api(`/cases/${caseNo}/actions`), {
      token: staff,
      body: { action: 'accept', taskId: t.id },
    });
    expect(accepted.status).toBe(200);
    expect((await call('GET', api(`/cases/${caseNo}/result`), { token: staff })).status).toBe(403);
    const downloads = await Promise.all(
      Array.from({ length: 4 }, () => call('GET', api(`/cases/${caseNo}/result`), { token: person })),
    );
    expect(downloads.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(downloads[0].body.outcome).toBe('准予');
    const d = await eventually(async () => {
      const x = await detail();
      return x.status === 'delivered' ? x : undefined;
    }, 'delivered');
    expect(d.delivery.method).toBe('电子');
    expect(d.events.filter((e: { type: string }) => e.type === '领取登记')).toHaveLength(1);
    await smsTo(me.phone, new RegExp(`${caseNo}.*已电子送达`));
  });
});
