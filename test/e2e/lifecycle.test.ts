/**
 * One case through the portal in real browsers, every person signing in through the identity
 * provider's own login page: the applicant files from /apply/, the 受理 staff finds it in the queue
 * and accepts it (after a colleague's action made the page stale: 409, 刷新, then 受理), the 决定
 * staff approves it, the window registers the pickup, and the public progress page shows every event
 * with its time. Screenshots (phone/desktop × normal/care) of apply, queue, case page and progress
 * go to test/artifacts/.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as portal from '../../web/lib/cases.ts';
import { callFrom } from '../integration/identity-helpers.ts';
import { call, login } from '../support/client.ts';
import {
  launchBrowser,
  newContext,
  portalUrl,
  screenshot,
  screenshotsOf,
  type TestBrowser,
} from './browser.ts';
import { uploadRequiredMaterials } from './materials.ts';
import { signIn } from './session.ts';

const HALL = 'qiaocheng';

interface Account {
  username: string;
  role: string;
  hall?: string;
  dept?: string;
  posts?: string[];
}

let tb: TestBrowser;
let itemCode: string;
let itemName: string;
let acceptStaff: string;
let decideStaff: string;

beforeAll(async () => {
  tb = await launchBrowser();
  const accounts: Account[] = (await call('GET', '/api/dev/accounts')).body.accounts;
  const staffOf = (dept: string, post: string) =>
    accounts.find((a) => a.role === 'staff' && a.hall === HALL && a.dept === dept && a.posts?.includes(post));
  // An online item of the pilot hall on the 'simple' template (受理 → 决定) whose departments have staff.
  for (let offset = 0; !itemCode && offset < 600; offset += 50) {
    const page = await call('GET', `/api/items?hallId=${HALL}&limit=50&offset=${offset}`);
    if (page.body.items.length === 0) break;
    for (const it of page.body.items) {
      if (it.promisedDays === 0 || it.promisedDays > 5) continue;
      const guide = (await call('GET', `/api/items/${encodeURIComponent(it.code)}`)).body;
      if (guide.processTemplate?.id !== 'simple' || guide.item.onlineDepth < 3) continue;
      const sl = staffOf(guide.steps[0].depts[0], '受理');
      const jd = staffOf(guide.steps[1].depts[0], '决定');
      if (sl && jd) {
        itemCode = it.code;
        itemName = guide.item.name;
        acceptStaff = sl.username;
        decideStaff = jd.username;
        break;
      }
    }
  }
  expect(itemCode, 'a simple online item with demo staff').toBeTruthy();
}, 60_000);

afterAll(async () => {
  await tb?.close();
});

const shoot = (page: Page, name: string) => screenshotsOf(page, `lifecycle-${name}`);

/** Errors in the page other than the refused requests the test provokes on purpose (409 stale, 404 wrong code, 428 proof asked). */
function watch(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !/status of (409|404|428)/.test(msg.text()))
      errors.push(`console: ${msg.text()}`);
  });
  return errors;
}

/** A staff member signs in from /staff/ in a fresh context and waits for the case in their queue. */
async function staffQueue(username: string, caseNo: string) {
  const context = await newContext(tb.browser, 'phone');
  const page = await context.newPage();
  const errors = watch(page);
  await page.goto(portalUrl('/staff/'), { waitUntil: 'networkidle' });
  await signIn(page, page.getByTestId('sign-in-needed').getByRole('button', { name: '登录' }), username);
  expect(new URL(page.url()).pathname).toBe('/staff/');
  const row = page.getByTestId('queue').getByRole('listitem').filter({ hasText: caseNo });
  // The task enters the queue when the state machine reaches it: 刷新 until it is there.
  for (let i = 0; i < 30 && (await row.count()) === 0; i++) {
    await page.getByRole('button', { name: '刷新' }).first().click();
    await page.waitForTimeout(300);
  }
  await row.waitFor({ timeout: 2_000 });
  return { context, page, errors, row };
}

/** Choose an action on the case page and confirm it; wait for the success notice. */
async function act(page: Page, action: string, fill?: () => Promise<void>) {
  const choice = page.getByRole('radio', { name: action, exact: true });
  if (await choice.count()) await choice.check();
  await fill?.();
  const confirm = page.getByRole('button', { name: `确认${action}`, exact: true });
  await expect.poll(() => confirm.isEnabled(), { timeout: 15_000 }).toBe(true);
  await confirm.click();
}

describe('a case through the portal', () => {
  it('words deadlines and case numbers the way people read them', () => {
    expect(portal.formatDeadline('2026-03-10T00:00:00+08:00')).toBe('2026年3月9日 24:00前');
    expect(portal.formatDeadline('2026-03-09T17:30:00+08:00')).toBe('2026年3月9日 17:30前');
    expect(portal.normaliseCaseNo('341602 20260302 000001')).toBe('341602-20260302-000001');
  });

  it('filed by the applicant, accepted, approved, delivered, and shown on the progress page', async () => {
    const started = Date.now();

    // 1. The applicant files online: sign-in from the apply page comes back to it.
    const applicantContext = await newContext(tb.browser, 'phone');
    const apply = await applicantContext.newPage();
    const applyErrors = watch(apply);
    await apply.goto(portalUrl(`/apply/?code=${encodeURIComponent(itemCode)}`), { waitUntil: 'networkidle' });
    await apply.getByRole('heading', { name: `在线申办：${itemName}` }).waitFor();
    await signIn(
      apply,
      apply.getByTestId('sign-in-needed').getByRole('button', { name: '登录' }),
      'zhangsan',
    );
    expect(new URL(apply.url()).pathname).toBe('/apply/');
    const form = apply.getByTestId('apply-form');
    await form.waitFor();
    expect(await apply.getByLabel('联系电话').inputValue()).toBe('13800000001');
    // Sending without the address and the materials is stopped in the page, with words.
    await apply.getByRole('button', { name: '提交申请' }).click();
    await apply.getByText('请填写联系地址').waitFor();
    await apply.getByLabel('联系地址').fill('亳州市谯城区薛阁街道魏武大道 100 号');
    await apply.getByLabel('申请说明（选填）').fill('浏览器端到端测试');
    for (const box of await form.getByRole('checkbox').all()) await box.check();
    await uploadRequiredMaterials(apply);
    await shoot(apply, 'apply');
    const applicantToken = await login('zhangsan');
    const countOf = (cases: { itemName: string }[]) => cases.filter((c) => c.itemName === itemName).length;
    const before = countOf(
      (await call('GET', `/api/halls/${HALL}/cases`, { token: applicantToken })).body.cases,
    );
    // A double click files once (one Idempotency-Key per visit).
    await apply.getByRole('button', { name: '提交申请' }).dblclick();
    await apply.getByTestId('filed').waitFor({ timeout: 15_000 });
    const caseNo = (await apply.getByTestId('filed-case-no').textContent())!.trim();
    const queryCode = (await apply.getByTestId('filed-query-code').textContent())!.trim();
    expect(caseNo).toMatch(/^\d{6}-\d{8}-\d{6}$/);
    // Shown in two groups of four, as people read it.
    expect(queryCode).toMatch(/^[0-9A-HJKMNP-TV-Z]{4} [0-9A-HJKMNP-TV-Z]{4}$/);
    await screenshot(apply, 'lifecycle-apply-filed-phone');
    const mine = await call('GET', `/api/halls/${HALL}/cases`, { token: applicantToken });
    expect(countOf(mine.body.cases)).toBe(before + 1);

    // 2. 受理 staff: the queue shows the case; its page offers only the acceptance actions.
    const sl = await staffQueue(acceptStaff, caseNo);
    await sl.page.getByTestId('queue-counts').waitFor();
    await shoot(sl.page, 'queue');
    await sl.row.getByRole('link', { name: itemName }).click();
    await sl.page.waitForURL(/\/staff\/case\/\?no=/);
    await sl.page.getByRole('heading', { name: itemName, level: 1 }).waitFor();
    const radios = sl.page.getByTestId('task-actions').getByRole('radio');
    const values = () => radios.evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
    await expect.poll(values).toEqual(['prereview', 'accept', 'refuse', 'correct']);
    await sl.page.getByTestId('chain-ok').waitFor();
    expect(await sl.page.getByTestId('case-form').textContent()).toContain('魏武大道 100 号');
    await shoot(sl.page, 'case');

    // A colleague acts first (网上预受理 through the API): this page is now stale → 409, 刷新.
    const slToken = await login(acceptStaff);
    const pre = await call('POST', `/api/halls/${HALL}/cases/${caseNo}/actions`, {
      token: slToken,
      body: { action: 'prereview' },
    });
    expect(pre.status).toBe(200);
    await act(sl.page, '受理');
    await sl.page.getByTestId('action-conflict').getByText('该办件已被他人处理').waitFor();
    await sl.page.getByTestId('action-conflict').getByRole('button', { name: '刷新' }).click();
    await expect.poll(values).toEqual(['accept', 'refuse', 'correct']);
    await act(sl.page, '受理');
    await sl.page.getByTestId('action-done').getByText('已受理').waitFor();
    await sl.page.getByTestId('read-only').waitFor({ timeout: 10_000 });

    // 3. 决定 staff approves.
    const jd = await staffQueue(decideStaff, caseNo);
    await jd.row.getByRole('link', { name: itemName }).click();
    await jd.page.getByTestId('task-actions').waitFor();
    await act(jd.page, '准予（办结）', () =>
      jd.page.getByLabel('准予内容（选填，如证照名称和编号）').fill('准予许可，证书编号 E2E-0001'),
    );
    await jd.page.getByTestId('action-done').getByText('已准予（办结）').waitFor();
    await jd.page.getByTestId('case-result').getByText('办理结果：准予').waitFor();

    // 4. The window (受理 staff) registers the pickup: 自取.
    await sl.page.reload({ waitUntil: 'networkidle' });
    await sl.page.getByText('办理：领取登记').waitFor({ timeout: 15_000 });
    await act(sl.page, '领取登记', () => sl.page.getByRole('radio', { name: '自取' }).check());
    await sl.page.getByTestId('action-done').getByText('已领取登记').waitFor();
    await sl.page.getByTestId('case-result').getByText('自取').waitFor();

    // 5. The applicant's SMS link: no sign-in, every event with its time.
    const publicContext = await newContext(tb.browser, 'phone');
    const progress = await publicContext.newPage();
    const progressErrors = watch(progress);
    // Typed as people do: lower case, with the space.
    await progress.goto(
      portalUrl(`/progress/?no=${caseNo}&code=${encodeURIComponent(queryCode.toLowerCase())}`),
      {
        waitUntil: 'networkidle',
      },
    );
    const timeline = progress.getByTestId('case-timeline');
    await timeline.waitFor({ timeout: 10_000 });
    const events = timeline.locator(':scope > li');
    expect(await events.evaluateAll((els) => els.map((e) => e.getAttribute('data-type')))).toEqual([
      '申办',
      '网上预受理',
      '受理',
      '办结',
      '领取登记',
    ]);
    for (const t of await events.locator('time').allTextContents())
      expect(t).toMatch(/^2026年\d+月\d+日 \d\d:\d\d$/);
    await progress.getByTestId('case-result').getByText('准予许可，证书编号 E2E-0001').waitFor();
    await shoot(progress, 'progress');
    // A wrong code gets the server's answer, worded like an unknown number.
    const wrongCode = `${queryCode.slice(0, 5)}${queryCode.endsWith('2222') ? '3333' : '2222'}`;
    await progress.getByLabel('查询码').fill(wrongCode);
    await progress.getByRole('button', { name: '查询' }).click();
    await progress.getByTestId('progress-error').getByText('办件编号或查询码不正确').waitFor();
    // Guessed at from elsewhere: the number now costs a proof of work, which the page does itself.
    const plain = portal.normaliseQueryCode(queryCode);
    const last = plain.endsWith('Z') ? 'Y' : 'Z';
    for (let i = 0; i < 10; i++) {
      const guess = `${plain.slice(0, 6)}${'ABCDEFGHJK'[i]}${last}`;
      await callFrom(`127.0.5.${i + 1}`, 'GET', `/api/halls/${HALL}/progress?caseNo=${caseNo}&code=${guess}`);
    }
    const asked = await callFrom(
      '127.0.5.20',
      'GET',
      `/api/halls/${HALL}/progress?caseNo=${caseNo}&code=${plain}`,
    );
    expect(asked.body.error?.code).toBe('PROOF_REQUIRED');
    await progress.getByLabel('查询码').fill(queryCode);
    await progress.getByRole('button', { name: '查询' }).click();
    await progress.getByTestId('progress-answer').waitFor({ timeout: 30_000 });
    await progress.getByTestId('case-result').getByText('准予许可，证书编号 E2E-0001').waitFor();

    for (const c of [applicantContext, sl.context, jd.context, publicContext]) await c.close();
    expect([...applyErrors, ...sl.errors, ...jd.errors, ...progressErrors]).toEqual([]);
    expect(Date.now() - started).toBeLessThan(60_000);
  }, 90_000);
});
