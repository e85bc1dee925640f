/**
 * The operator's consoles as an operator uses them (/operate/accounts/, /operate/audit/,
 * /operate/catalogue/, /operate/halls/): find an account this test registered itself (never a shared
 * demo account), make it an agent and disable and enable it, each after a confirmation; find those
 * changes in the audit log; dry-run a catalogue CSV and read the report (a bad row's errors, then a
 * clean check); the halls. Phone (390 px) and desktop, normal and care mode; axe on every page.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { population } from '#infra/seed/registries.ts';
import { registerWithCode } from '../integration/identity-helpers.ts';
import { call, eventually, login } from '../support/client.ts';
import { launchBrowser, newContext, portalUrl, type TestBrowser } from './browser.ts';
import { axeViolations, shots } from './look.ts';
import { signIn } from './session.ts';

const person = population.find((p) => p.name === '门春燕')!;
let tb: TestBrowser;
let sub: string;
let page: Page;
const errors: string[] = [];

async function open(path: string) {
  await page.goto(portalUrl(path), { waitUntil: 'networkidle' });
}

beforeAll(async () => {
  const reg = await registerWithCode('127.0.0.92', person, 'Operate2026pass');
  expect(reg.status).toBe(201);
  sub = reg.body.account.sub;
  tb = await launchBrowser();
  const context = await newContext(tb.browser, 'phone');
  page = await context.newPage();
  await page.setViewportSize({ width: 390, height: 844 });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  await open('/operate/accounts/');
  await signIn(page, page.getByTestId('sign-in-needed').getByRole('button', { name: '登录' }), 'operator');
}, 120_000);

afterAll(async () => {
  await tb?.close();
});

describe('operator consoles', () => {
  it('lists the consoles on the landing page', async () => {
    await open('/operate/');
    for (const [name, path] of [
      ['账户管理', 'accounts'],
      ['审计日志', 'audit'],
      ['事项目录导入', 'catalogue'],
      ['办事大厅', 'halls'],
      ['工作日历', 'calendar'],
    ])
      expect(await page.locator(`a[href="/operate/${path}/"]`).textContent()).toBe(name);
    expect(await axeViolations(page)).toEqual([]);
    await shots(page, 'operate-home');
  });

  it('finds an account by phone, changes its roles and disables it, each after a confirmation', async () => {
    await open('/operate/accounts/');
    await page.getByLabel('角色').selectOption('applicant');
    await page.getByLabel('姓名、手机号或用户名').fill(person.phone);
    await page.getByRole('button', { name: '查找' }).click();
    const card = page.getByTestId('account').filter({ hasText: '申请人' }).first();
    await card.waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('account').count()).toBe(1);
    expect(await card.textContent()).toContain(person.name.slice(0, 1));

    await card.getByRole('button', { name: '修改角色和岗位' }).click();
    await card.getByLabel('代办员').check();
    await card.getByLabel('所属办事大厅').selectOption('qiaocheng');
    await card.getByLabel('所属代办点').fill('谯城区测试代办点（运营）');
    await card.getByRole('button', { name: '保存', exact: true }).click();
    await card.getByText('保存后该账户已登录的设备需重新登录').waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await shots(page, 'operate-accounts-confirm');
    await card.getByRole('button', { name: '确认保存' }).click();
    await card.getByText('角色和岗位已保存').waitFor({ timeout: 10_000 });
    expect(await card.textContent()).toContain('代办员');
    const operator = await login('operator');
    const found = await call('GET', `/api/accounts?role=applicant&q=${person.phone}`, { token: operator });
    expect(found.body.accounts[0]).toMatchObject({ sub, roles: ['applicant', 'agent'], hall: 'qiaocheng' });

    // Disabling asks first; the API's answer is shown.
    await card.getByRole('button', { name: '停用账户' }).click();
    await card.getByText('停用后该账户立即不能登录').waitFor();
    await card.getByRole('button', { name: '确认停用' }).click();
    await card.getByText('账户已停用').waitFor({ timeout: 10_000 });
    expect(await card.textContent()).toContain('已停用');
    await card.getByRole('button', { name: '启用账户' }).click();
    await card.getByRole('button', { name: '确认启用' }).click();
    await card.getByText('账户已启用').waitFor({ timeout: 10_000 });
    const after = await call('GET', `/api/accounts?role=applicant&q=${person.phone}`, { token: operator });
    expect(after.body.accounts[0].status).toBe('active');
  });

  it('filters the audit log by event and subject and shows those changes', async () => {
    await open('/operate/audit/');
    await page
      .getByTestId('audit-entries')
      .or(page.getByText('没有符合条件的记录'))
      .first()
      .waitFor({ timeout: 10_000 });
    await page.getByLabel('事件').selectOption('role_change');
    await page.getByLabel('对象账户（账户编号）').fill(sub);
    await page.getByRole('button', { name: '查询' }).click();
    const entries = page.getByTestId('audit-entry');
    await eventually(async () => ((await entries.count()) >= 3 ? true : undefined), 'three role changes');
    const texts = await entries.allTextContents();
    for (const text of texts) {
      expect(text).toContain('角色或状态变更');
      expect(text).toContain(sub);
    }
    // In words: the roles added, the disabling and the enabling.
    expect(texts.join('\n')).toContain('角色：申请人 → 申请人、代办员');
    expect(texts.join('\n')).toContain('状态：启用 → 停用');
    expect(texts.join('\n')).toContain('状态：停用 → 启用');
    expect(await axeViolations(page)).toEqual([]);
    await shots(page, 'operate-audit');
  });

  it('dry-runs a catalogue and shows the report in the page: every error with its row, then a clean check', async () => {
    await open('/operate/catalogue/');
    await page.getByRole('heading', { name: '目录版本' }).waitFor();
    const header =
      '实施编码,事项名称,事项类型,所属厅,实施机关编码,办理层级,服务对象,主题,法定办结时限,承诺办结时限,办件类型,受理条件,设定依据,申请材料,是否收费,到现场次数,网上办理深度,送达方式,办理地点,办理时间,咨询电话,投诉电话,流程模板';
    const row = (code: string, level = '县级') =>
      [
        code,
        '运营测试小餐饮登记',
        '行政许可',
        'guoyang',
        '341621-scjgj',
        level,
        '自然人、法人',
        '准营准办',
        '20',
        '5',
        '承诺件',
        '符合条件的小餐饮经营者',
        '《安徽省食品安全条例》',
        '经营者身份证明|是|电子|0|政府部门核发；登记申请表|是|电子|0|申请人自备',
        '否',
        '0',
        '四级',
        '电子、邮寄',
        '涡阳县政务服务中心',
        '工作日',
        '0558-12315',
        '0558-12345',
        'simple',
      ].join(',');
    const source = page.getByLabel(/或直接粘贴目录内容/);
    await source.fill([header, row('OP12345678'), row('OP12345679', '火星')].join('\n'));
    await page.getByRole('button', { name: '校验（试导入）' }).click();
    const errorsTable = page.getByTestId('import-errors');
    await errorsTable.waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('import-report').textContent()).toContain('未导入任何内容');
    expect(await errorsTable.textContent()).toContain('3');
    expect(await axeViolations(page)).toEqual([]);
    await shots(page, 'operate-catalogue-errors');

    await source.fill([header, row('OP12345678')].join('\n'));
    await page.getByRole('button', { name: '校验（试导入）' }).click();
    const summary = page.getByTestId('import-summary');
    await summary.waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('import-report').textContent()).toContain('校验通过（未导入）');
    expect(await summary.textContent()).toMatch(/1新增/);
    await shots(page, 'operate-catalogue-checked');
    // Nothing was imported: the item does not exist.
    expect((await call('GET', '/api/items/OP12345678')).status).toBe(404);
  });

  it('lists the halls with their levels and departments', async () => {
    await open('/operate/halls/');
    const halls = page.getByTestId('hall');
    await halls.first().waitFor({ timeout: 10_000 });
    expect(await halls.count()).toBe(6);
    expect(await halls.filter({ hasText: '谯城厅' }).textContent()).toContain('县（区）级');
    expect(await axeViolations(page)).toEqual([]);
    await shots(page, 'operate-halls');
    expect(errors).toEqual([]);
  });
});
