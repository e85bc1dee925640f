/**
 * 评价申诉 in the portal: the department appeals a 差评 from the staff case page, the hall's supervisor
 * upholds it on the supervisor page (好差评申诉), and the applicant sees the outcome on the progress
 * page (the SMS link). Screenshots (phone/desktop × normal/care) go to test/artifacts/consult-appeal-*.png.
 */
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleForm } from '#domain/forms.ts';
import { population } from '#infra/seed/registries.ts';
import { registerWithCode } from '../integration/identity-helpers.ts';
import { call, eventually, login } from '../support/client.ts';
import { withMaterials } from '../support/materials.ts';
import { launchBrowser, newContext, portalUrl, screenshotsOf, type TestBrowser } from './browser.ts';
import { signIn } from './session.ts';

const HALL = 'qiaocheng';
const api = (path: string) => `/api/halls/${HALL}${path}`;
let tb: TestBrowser;
let caseNo = '';
let queryCode = '';
let staffUser = '';

/** A 差评 of an instant case of our own registered person, through the API. */
beforeAll(async () => {
  tb = await launchBrowser();
  const accounts = (await call('GET', '/api/dev/accounts')).body.accounts as any[];
  const me = population.find((p) => p.name === '窦明远')!;
  const reg = await registerWithCode('127.0.0.54', me, 'Appeal@2026b');
  expect([201, 409]).toContain(reg.status);
  const applicant = await login(me.phone, 'Appeal@2026b');
  for (let offset = 0; !caseNo && offset < 400; offset += 50) {
    const page = await call('GET', `/api/items?hallId=${HALL}&limit=50&offset=${offset}`);
    if (page.body.items.length === 0) break;
    for (const it of page.body.items) {
      const guide = (await call('GET', `/api/items/${encodeURIComponent(it.code)}`)).body;
      if (guide.processTemplate?.id !== 'instant' || guide.item.fee?.charged) continue;
      const key = randomUUID();
      const body = { itemCode: it.code, form: exampleForm(guide.applicationForm, { phone: me.phone }) };
      const filed = await call('POST', api('/cases'), {
        token: applicant,
        body: await withMaterials(applicant, HALL, body, key),
        headers: { 'idempotency-key': key },
      });
      if (filed.status !== 201) continue;
      ({ caseNo, queryCode } = filed.body);
      break;
    }
  }
  const t = await eventually(async () => {
    const d = (await call('GET', api(`/cases/${caseNo}`), { token: applicant })).body;
    return d.tasks.find((x: any) => x.ready && x.kind === 'staff');
  }, 'the acceptance task');
  staffUser = accounts.find(
    (a) => a.role === 'staff' && a.hall === HALL && a.dept === t.dept && a.posts?.includes(t.post),
  ).username;
  const accepted = await call('POST', api(`/cases/${caseNo}/actions`), {
    token: await login(staffUser),
    body: { action: 'accept', taskId: t.id },
  });
  expect(accepted.status).toBe(200);
  const rated = await call('POST', api(`/cases/${caseNo}/actions`), {
    token: applicant,
    body: { action: 'rate', rating: { level: 1, tags: ['服务态度差'], comment: '随便评的' } },
  });
  expect(rated.status).toBe(200);
}, 120_000);

afterAll(async () => {
  await tb?.close();
});

const shoot = (page: Page, name: string) => screenshotsOf(page, `consult-appeal-${name}`);

describe('评价申诉 in the portal', () => {
  it('the department appeals, the supervisor upholds, the applicant sees it', async () => {
    const errors: string[] = [];
    const watch = (page: Page) => {
      page.on('pageerror', (err) => errors.push(err.message));
      // Ours: the case, its actions, the appeals (the dashboard's other panels are not this test's).
      page.on(
        'response',
        (res) =>
          res.status() >= 400 &&
          /\/(cases|appeals|progress)\b/.test(res.url()) &&
          errors.push(`${res.status()} ${res.url()}`),
      );
    };
    // The department, on the case page.
    const desk = await newContext(tb.browser, 'desktop');
    const staff = await desk.newPage();
    watch(staff);
    await staff.goto(portalUrl(`/staff/case/?no=${caseNo}`), { waitUntil: 'networkidle' });
    await signIn(staff, staff.getByTestId('sign-in-needed').getByRole('button', { name: '登录' }), staffUser);
    const form = staff.getByTestId('task-actions').filter({ hasText: '评价申诉' });
    await form.waitFor({ timeout: 20_000 });
    await form.getByLabel(/申诉理由/).fill('申请人当场表示满意，系误点；已电话核实，申请人同意撤回差评。');
    await form.scrollIntoViewIfNeeded();
    await shoot(staff, 'staff');
    await form.getByRole('button', { name: '确认评价申诉' }).click();
    await staff.getByTestId('rating-appeal-state').getByText('待监察人员审核').waitFor({ timeout: 15_000 });
    await desk.close();

    // The hall's supervisor, on the supervisor page.
    const phone = await newContext(tb.browser, 'phone');
    const sup = await phone.newPage();
    watch(sup);
    await sup.goto(portalUrl('/supervise/'), { waitUntil: 'networkidle' });
    await signIn(
      sup,
      sup.getByTestId('sign-in-needed').first().getByRole('button', { name: '登录' }),
      `${HALL}-jc`,
    );
    const card = sup.getByTestId('rating-appeal').filter({ hasText: caseNo });
    await card.waitFor({ timeout: 20_000 });
    await card.scrollIntoViewIfNeeded();
    await card.getByRole('button', { name: '申诉成立' }).click();
    await card.getByText('请填写审核意见').waitFor();
    await card.getByLabel(/审核意见/).fill('经电话回访核实，评价系误操作，申诉成立。');
    await shoot(sup, 'supervisor');
    await card.getByRole('button', { name: '申诉成立' }).click();
    await card.waitFor({ state: 'detached', timeout: 15_000 });
    await sup.getByRole('button', { name: '已审核' }).click();
    const decided = sup.getByTestId('rating-appeal').filter({ hasText: caseNo });
    await decided
      .getByText(/申诉成立/)
      .first()
      .waitFor({ timeout: 15_000 });
    await decided.scrollIntoViewIfNeeded();
    await shoot(sup, 'decided');

    // The applicant, by the progress page.
    await sup.goto(portalUrl(`/progress/?no=${caseNo}&code=${encodeURIComponent(queryCode)}`), {
      waitUntil: 'networkidle',
    });
    const state = sup.getByTestId('rating-appeal-state');
    await state.waitFor({ timeout: 20_000 });
    expect(await state.getAttribute('data-status')).toBe('upheld');
    await sup.getByTestId('case-rectification').getByText('差评申诉成立').first().waitFor();
    await state.scrollIntoViewIfNeeded();
    await shoot(sup, 'applicant');
    await phone.close();
    expect(errors).toEqual([]);
  }, 180_000);
});
