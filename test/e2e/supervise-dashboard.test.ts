/**
 * The supervisor's dashboard (/supervise/) as a supervisor sees it: a case of our own runs past its
 * limits on the dev clock; the hall supervisor sees today's figures, the overdue list with working
 * days late, the rankings slot, and every alert filtered by level; urges (督办) one from the overdue
 * list and sees its reply deadline. The city supervisor picks a hall. Phone (390 px) and desktop,
 * normal and care mode; axe finds no serious or critical violation.
 */
import { randomUUID } from 'node:crypto';
import type { Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleForm } from '#domain/forms.ts';
import { call, eventually, login } from '../support/client.ts';
import { withMaterials } from '../support/materials.ts';
import { launchBrowser, newContext, portalUrl, screenshot, type TestBrowser } from './browser.ts';
import { axeViolations, shots } from './look.ts';
import { signIn } from './session.ts';

const HALL = 'qiaocheng';
const api = (path: string) => `/api/halls/${HALL}${path}`;
let tb: TestBrowser;
let caseNo: string;

beforeAll(async () => {
  tb = await launchBrowser();
  const accounts: { username: string; role: string; hall?: string; dept?: string; posts?: string[] }[] = (
    await call('GET', '/api/dev/accounts')
  ).body.accounts;
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
        form = exampleForm(guide.applicationForm, { phone: '13800000001' });
        break;
      }
    }
  }
  const key = randomUUID();
  const filed = await call('POST', api('/cases'), {
    token: applicant,
    body: await withMaterials(applicant, HALL, { itemCode, form }, key),
    headers: { 'idempotency-key': key },
  });
  expect(filed.status).toBe(201);
  caseNo = filed.body.caseNo;
  const detail = async () => (await call('GET', api(`/cases/${caseNo}`), { token: supervisor })).body;
  const t = await eventually(
    async () => (await detail()).tasks?.find((x: any) => x.ready),
    'the accept task',
  );
  const staff = accounts.find(
    (a) => a.role === 'staff' && a.hall === HALL && a.dept === t.dept && a.posts?.includes(t.post),
  );
  const accepted = await call('POST', api(`/cases/${caseNo}/actions`), {
    token: await login(staff!.username),
    body: { action: 'accept', taskId: t.id },
  });
  expect(accepted.status).toBe(200);
  await call('POST', '/api/dev/clock', { token: operator, body: { by: 'P12D' } });
  await eventually(
    async () =>
      (await detail()).alerts?.filter((a: any) => a.severity === 'red').length === 2 ? true : undefined,
    'two red alerts',
    60_000,
  );
}, 180_000);

afterAll(async () => {
  await tb?.close();
});

/** Our case's alerts in the overdue list: ten a page, and other files' overdue cases may come first. */
async function showOurs(overdue: Locator): Promise<Locator> {
  const ours = overdue.getByTestId('alert').filter({ hasText: caseNo });
  await overdue.getByTestId('alert').first().waitFor({ timeout: 15_000 });
  for (let i = 0; i < 30 && (await ours.count()) < 2; i++) {
    const more = overdue.getByRole('button', { name: '加载更多' });
    if ((await more.count()) === 0) break;
    const shown = await overdue.getByTestId('alert').count();
    await more.click();
    await eventually(
      async () => ((await overdue.getByTestId('alert').count()) > shown ? true : undefined),
      'the next page of the overdue list',
    );
  }
  return ours;
}

describe('supervisor dashboard', () => {
  it('shows figures, the overdue list most late first, rankings and filtered alerts; urges one', async () => {
    const context = await newContext(tb.browser, 'phone');
    const page = await context.newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
    await page.goto(portalUrl('/supervise/'), { waitUntil: 'networkidle' });
    await signIn(
      page,
      page.getByTestId('sign-in-needed').getByRole('button', { name: '登录' }),
      `${HALL}-jc`,
    );
    if (new URL(page.url()).pathname !== '/supervise/')
      await page.goto(portalUrl('/supervise/'), { waitUntil: 'networkidle' });

    const figures = page.getByTestId('supervise-figures');
    await figures.waitFor({ timeout: 15_000 });
    expect(await figures.textContent()).toContain('今日红牌超期');
    const overdue = page.getByTestId('overdue');
    const ours = await showOurs(overdue);
    expect(await ours.count()).toBe(2);
    expect(await ours.first().getByTestId('late-days').textContent()).toMatch(/超期(不足 1|\s\d+) 个工作日/);
    // Most late first: the days shown never grow down the list.
    const late = (await overdue.getByTestId('late-days').allTextContents()).map((s) =>
      s.includes('不足') ? 0 : Number(/(\d+)/.exec(s)?.[1]),
    );
    expect(late).toEqual([...late].sort((a, b) => b - a));
    await page.getByTestId('supervise-rankings').or(page.getByText('加载失败')).first().waitFor();

    // Filter every alert by level: only 红牌 left.
    const all = page.getByTestId('all-alerts');
    await all.getByTestId('alert').first().waitFor();
    await all.getByLabel('预警类别').selectOption('red');
    await eventually(async () => {
      const texts = await all.getByTestId('alert').allTextContents();
      return texts.length > 0 && texts.every((t) => t.includes('红牌超期')) ? true : undefined;
    }, 'only red alerts');
    expect(await all.getByText('已显示').textContent()).toMatch(/已显示 \d+ 条/);

    expect(await axeViolations(page)).toEqual([]);
    await shots(page, 'supervise-dashboard');

    // 督办 from the overdue list: it shows the reply deadline.
    const target = ours.first();
    await target.getByRole('button', { name: '督办', exact: true }).click();
    await target.getByLabel('督办意见').fill('请于两个工作日内说明超期原因');
    await target.getByRole('button', { name: '提交督办' }).click();
    const urged = overdue.getByTestId('alert').filter({ hasText: caseNo }).filter({ hasText: '回复期限' });
    await urged.first().waitFor({ timeout: 15_000 });
    expect(await urged.first().textContent()).toContain('已督办，待回复');
    await screenshot(page, 'supervise-urged-phone');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('lets the city supervisor pick a hall (desktop)', async () => {
    const context = await newContext(tb.browser, 'desktop');
    const page = await context.newPage();
    await page.goto(portalUrl('/supervise/'), { waitUntil: 'networkidle' });
    await signIn(
      page,
      page.getByTestId('sign-in-needed').getByRole('button', { name: '登录' }),
      'supervisor',
    );
    if (new URL(page.url()).pathname !== '/supervise/')
      await page.goto(portalUrl('/supervise/'), { waitUntil: 'networkidle' });
    // Every hall's figures side by side; a hall's name opens its dashboard.
    const overview = page.getByTestId('city-overview');
    await overview.waitFor({ timeout: 15_000 });
    expect(await overview.locator('tbody tr').count()).toBe(6);
    await eventually(
      async () => ((await overview.textContent())?.includes('…') ? undefined : true),
      'every hall’s figures',
    );
    const pick = page.getByLabel('监察大厅');
    await overview.getByRole('button', { name: '利辛厅' }).click();
    expect(await pick.inputValue()).toBe('lixin');
    await page.getByTestId('supervise-figures').waitFor();
    expect(await page.getByTestId('overdue').getByText(caseNo).count()).toBe(0);
    await pick.selectOption(HALL);
    expect(await (await showOurs(page.getByTestId('overdue'))).count()).toBe(2);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'supervise-city-desktop');
    await context.close();
  });
});
