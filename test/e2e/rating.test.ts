/**
 * 好差评 on a phone, as the applicant gives it: the case page of a finished case offers 评价 with five
 * large choices; a 差评 asks what went wrong; once sent, the page shows the rating and the
 * rectification with its time limits, and the progress page (the SMS link) shows it too. Screenshots
 * (phone/desktop × normal/care) go to test/artifacts/.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleForm } from '#domain/forms.ts';
import { call, eventually, login } from '../support/client.ts';
import {
  ARTIFACTS_DIR,
  launchBrowser,
  newContext,
  portalUrl,
  screenshot,
  screenshotsOf,
  type TestBrowser,
} from './browser.ts';
import { signIn } from './session.ts';

const HALL = 'qiaocheng';
const api = (path: string) => `/api/halls/${HALL}${path}`;
let tb: TestBrowser;
let caseNo: string;
let queryCode: string;

/** A finished instant case (即办件) of the applicant zhangsan, through the API as staff would. */
async function finishedCase() {
  const accounts: { username: string; role: string; hall?: string; dept?: string; posts?: string[] }[] = (
    await call('GET', '/api/dev/accounts')
  ).body.accounts;
  const applicant = await login('zhangsan');
  for (let offset = 0; offset < 400; offset += 50) {
    const page = await call('GET', `/api/items?hallId=${HALL}&limit=50&offset=${offset}`);
    if (page.body.items.length === 0) break;
    for (const it of page.body.items) {
      const guide = (await call('GET', `/api/items/${encodeURIComponent(it.code)}`)).body;
      // An instant item that charges nothing: a fee would put a 缴费 step before acceptance.
      if (guide.processTemplate?.id !== 'instant' || guide.item.fees?.charged) continue;
      const filed = await call('POST', api('/cases'), {
        token: applicant,
        body: { itemCode: it.code, form: exampleForm(guide.applicationForm, { phone: '13800000001' }) },
        headers: { 'idempotency-key': randomUUID() },
      });
      if (filed.status !== 201) continue; // e.g. an item whose required materials must be uploaded first
      for (const action of ['accept', 'deliver']) {
        const t = await eventually(async () => {
          const d = (await call('GET', api(`/cases/${filed.body.caseNo}`), { token: applicant })).body;
          return d.tasks.find((x: any) => x.ready && x.kind === 'staff');
        }, `${action} task`);
        const staff = accounts.find(
          (a) => a.role === 'staff' && a.hall === HALL && a.dept === t.dept && a.posts?.includes(t.post),
        );
        const res = await call('POST', api(`/cases/${filed.body.caseNo}/actions`), {
          token: await login(staff!.username),
          body: { action, taskId: t.id, ...(action === 'deliver' ? { method: '自取' } : {}) },
        });
        expect(res.status).toBe(200);
      }
      return filed.body;
    }
  }
  throw new Error('no instant item could be filed');
}

beforeAll(async () => {
  tb = await launchBrowser();
  ({ caseNo, queryCode } = await finishedCase());
}, 120_000);

afterAll(async () => {
  await tb?.close();
});

const shoot = (page: Page, name: string) => screenshotsOf(page, `rating-${name}`);

describe('好差评 in the portal', () => {
  it('the applicant rates a finished case on a phone; a 差评 shows its rectification', async () => {
    const context = await newContext(tb.browser, 'phone');
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    page.on('console', (msg) => msg.type() === 'error' && errors.push(msg.text()));
    page.on('response', (res) => res.status() >= 400 && errors.push(`${res.status()} ${res.url()}`));
    await page.goto(portalUrl(`/staff/case/?no=${caseNo}`), { waitUntil: 'networkidle' });
    await signIn(page, page.getByTestId('sign-in-needed').getByRole('button', { name: '登录' }), 'zhangsan');
    const field = page.getByTestId('rating-field');
    await field.waitFor({ timeout: 15_000 });
    await page.getByTestId('case-rating').getByText('尚未评价').waitFor();
    // Sent without a choice: said beside the choices, nothing sent.
    await page.getByRole('button', { name: '确认评价' }).click();
    await field.getByText('请选择满意程度').waitFor();
    await shoot(page, 'choices');
    await field.getByRole('radio', { name: '不满意', exact: true }).check();
    await field.getByRole('checkbox', { name: '服务态度差' }).check();
    await field.getByLabel('想对我们说的话（选填）').fill('窗口人员说话不耐烦');
    await shoot(page, 'bad');
    // The form itself, close up, as the elderly see it (care mode) on a phone.
    await page.getByTestId('care-toggle').click();
    await page
      .getByTestId('case-actions')
      .screenshot({ path: join(ARTIFACTS_DIR, 'rating-form-phone-care.png') });
    await page.getByTestId('care-toggle').click();
    await page.getByTestId('case-actions').screenshot({ path: join(ARTIFACTS_DIR, 'rating-form-phone.png') });
    await page.getByRole('button', { name: '确认评价' }).click();
    await page.getByTestId('action-done').getByText('已评价').waitFor();
    const panel = page.getByTestId('case-rating');
    await panel.getByText('不满意').first().waitFor();
    await page.getByTestId('case-rectification').getByText('待回访').waitFor();
    expect(await page.getByTestId('rating-field').count()).toBe(0);
    await shoot(page, 'rated');
    await page.getByTestId('case-rating').screenshot({ path: join(ARTIFACTS_DIR, 'rating-panel-phone.png') });

    const progress = await context.newPage();
    await progress.goto(portalUrl(`/progress/?no=${caseNo}&code=${encodeURIComponent(queryCode)}`), {
      waitUntil: 'networkidle',
    });
    await progress.getByTestId('case-rectification').getByText('整改中').waitFor({ timeout: 15_000 });
    await screenshot(progress, 'rating-progress-phone');
    await context.close();
    expect(errors).toEqual([]);
  }, 120_000);
});
