/**
 * The supervisors' inbox on the dev pages: a case runs past its deadlines on the dev clock, the
 * e-supervision stream publishes yellow and red alerts to the hall's topic, and /dev/inbox/ shows
 * them (in AWS they would reach the topic's subscribers).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleForm } from '#domain/forms.ts';
import { call, eventually, login } from '../support/client.ts';
import { withMaterials } from '../support/materials.ts';
import { launchBrowser, newContext, portalUrl, screenshot, type TestBrowser } from './browser.ts';

const HALL = 'qiaocheng';
const api = (path: string) => `/api/halls/${HALL}${path}`;

interface Account {
  username: string;
  role: string;
  hall?: string;
  dept?: string;
  posts?: string[];
}

let tb: TestBrowser;
let caseNo: string;

beforeAll(async () => {
  tb = await launchBrowser();
  const accounts: Account[] = (await call('GET', '/api/dev/accounts')).body.accounts;
  const [applicant, operator, supervisor] = await Promise.all([
    login('zhangsan'),
    login('operator'),
    login(`${HALL}-jc`),
  ]);
  let itemCode: string | undefined;
  let form: Record<string, unknown> = {};
  for (let offset = 0; !itemCode && offset < 400; offset += 50) {
    const page = await call('GET', `/api/items?hallId=${HALL}&limit=50&offset=${offset}`);
    if (page.body.items.length === 0) break;
    for (const it of page.body.items) {
      const guide = (await call('GET', `/api/items/${encodeURIComponent(it.code)}`)).body;
      if (guide.processTemplate?.id === 'simple' && guide.item.promisedDays <= 15) {
        itemCode = it.code;
        // The item's own application form, filled with valid examples.
        form = guide.applicationForm ? exampleForm(guide.applicationForm) : {};
        break;
      }
    }
  }
  expect(itemCode, 'a simple item of the pilot hall').toBeTruthy();
  const key = randomUUID();
  const filed = await call('POST', api('/cases'), {
    token: applicant,
    body: await withMaterials(applicant, HALL, { itemCode, form }, key),
    headers: { 'idempotency-key': key },
  });
  expect(filed.status).toBe(201);
  caseNo = filed.body.caseNo;
  // 受理 by the staff holding the task, so the decision step's deadlines run.
  const task = await eventually(async () => {
    const d = (await call('GET', api(`/cases/${caseNo}`), { token: supervisor })).body;
    return d.tasks?.find((t: { id: string; ready: boolean }) => t.id.startsWith('accept#') && t.ready);
  }, 'the 受理 task');
  const staff = accounts.find(
    (a) => a.role === 'staff' && a.hall === HALL && a.dept === task.dept && a.posts?.includes(task.post),
  );
  const accepted = await call('POST', api(`/cases/${caseNo}/actions`), {
    token: await login(staff!.username),
    body: { action: 'accept', taskId: task.id },
  });
  expect(accepted.status).toBe(200);
  await eventually(async () => {
    const d = (await call('GET', api(`/cases/${caseNo}`), { token: supervisor })).body;
    return (
      d.tasks?.some((t: { id: string; ready: boolean }) => t.id.startsWith('decide#') && t.ready) || undefined
    );
  }, 'the 决定 task');
  // Past every deadline of the case.
  expect((await call('POST', '/api/dev/clock', { token: operator, body: { by: 'P12D' } })).status).toBe(200);
  await eventually(async () => {
    const messages = (await call('GET', '/api/dev/inbox')).body.messages as { body?: { caseNo?: string } }[];
    return messages.filter((m) => m.body?.caseNo === caseNo).length >= 4 || undefined;
  }, 'the alerts in the inbox');
}, 120_000);

afterAll(async () => {
  await tb?.close();
});

describe('the supervisors’ inbox on the dev pages', () => {
  it('shows the yellow and red alerts of a case that ran late, newest first', async () => {
    const context = await newContext(tb.browser, 'phone');
    const page = await context.newPage();
    // Errors in the page, but Chromium's own probe for /favicon.ico (the portal has none).
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && new URL(m.location().url || 'about:blank').pathname !== '/favicon.ico')
        errors.push(`console: ${m.text()}`);
    });
    await page.goto(portalUrl('/dev/'), { waitUntil: 'networkidle' });
    await page.getByRole('link', { name: /监察消息收件箱/ }).click();
    await page.waitForURL(/\/dev\/inbox\/$/);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('监察消息收件箱');
    const mine = page.getByTestId('inbox-message').filter({ hasText: caseNo });
    await mine.first().waitFor({ timeout: 10_000 });
    expect(await mine.count()).toBe(4);
    const red = mine.and(page.locator('[data-severity="red"]'));
    const yellow = mine.and(page.locator('[data-severity="yellow"]'));
    expect(await red.count()).toBe(2);
    expect(await yellow.count()).toBe(2);
    await expect.poll(() => red.first().textContent()).toContain('红牌超期');
    await expect.poll(() => yellow.first().textContent()).toContain('黄牌预警');
    // Red fires after yellow: the newest (red) comes first.
    expect(await mine.first().getAttribute('data-severity')).toBe('red');
    await screenshot(page, 'dev-inbox-phone');
    expect(errors).toEqual([]);
    await context.close();
  });
});
