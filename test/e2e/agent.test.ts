/**
 * 代办 in a real browser on a phone (#10 §4): a village agent signs in on /agent/, registers the
 * villager's authorisation, the villager's code (read from the SMS outbox, as the villager would say
 * it) confirms it, the mandate shows its end in Beijing time; then on an item's apply page the agent
 * picks the villager, fills the form and uploads the materials with the signed 委托书, files, and
 * goes on to the next villager with an empty form. The case is in the agent's list and in the
 * villager's 我的办件. Screenshots: phone and desktop, normal and 关怀版.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatTime } from '#domain/time.ts';
import { population } from '../../infra/seed/registries.ts';
import { codeIn, registerWithCode, smsTo } from '../integration/identity-helpers.ts';
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
let ITEM = '';
const PASSWORD = 'Agent2026pass';
const person = (name: string) => population.find((p) => p.name === name)!;
const villager = person('蒋丽华');
const agentPerson = person('褚建华');

let tb: TestBrowser;
let villagerToken = '';

beforeAll(async () => {
  tb = await launchBrowser();
  const subs: string[] = [];
  for (const [p, ip] of [
    [villager, '127.0.1.41'],
    [agentPerson, '127.0.1.42'],
  ] as const) {
    const res = await registerWithCode(ip, p, PASSWORD);
    expect(res.status).toBe(201);
    subs.push(res.body.account.sub);
  }
  const operator = await login('operator');
  const change = await call('PUT', `/api/accounts/${subs[1]}/roles`, {
    token: operator,
    body: { roles: ['agent'], hall: HALL, agentPoint: '汤陵街道测试代办点' },
  });
  expect(change.status).toBe(200);
  villagerToken = await login(villager.phone, PASSWORD);
  // 残疾人证申领: free of charge (no 缴费 step before 受理), a photo, a form, two shared materials.
  const found = await call(
    'GET',
    `/api/items?hallId=${HALL}&q=${encodeURIComponent('残疾人证申领')}&limit=10`,
  );
  ITEM = found.body.items.find((i: { name: string }) => i.name === '残疾人证申领').code;
}, 90_000);

afterAll(async () => {
  await tb?.close();
});

function watch(page: Page) {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().includes('Failed to load resource')) errors.push(m.text());
  });
  return errors;
}

describe('an agent files for a villager on a phone', () => {
  it('mandate by SMS, then the apply page for the villager, then an empty form for the next one', async () => {
    const c = await newContext(tb.browser, 'phone');
    const page = await c.newPage();
    const errors = watch(page);
    try {
      await page.goto(portalUrl('/agent/'), { waitUntil: 'networkidle' });
      await signIn(page, page.getByRole('link', { name: '登录' }).last(), agentPerson.phone, PASSWORD);
      if (!page.url().includes('/agent/'))
        await page.goto(portalUrl('/agent/'), { waitUntil: 'networkidle' });
      await page.getByLabel('被代办人姓名').fill(villager.name);
      await page.getByLabel('被代办人身份证号码').fill(villager.idNumber);
      await page.getByLabel('授权委托书编号').fill('SQWT-2026-E2E1');
      await page.getByRole('button', { name: '发送验证码到本人手机' }).click();
      const sms = await smsTo(villager.phone, /代办员褚建华.*验证码 \d{6}/);
      await page.getByLabel('短信验证码（6 位）').fill(codeIn(sms.message));
      await page.getByRole('button', { name: '确认授权' }).click();
      const listed = page.getByTestId('agent-mandate').filter({ hasText: '蒋**' });
      await listed.waitFor({ timeout: 15_000 });
      // 有效至 in Beijing time, as the API's instant is.
      const mandates = await call('GET', '/api/agent/mandates', {
        token: await login(agentPerson.phone, PASSWORD),
      });
      const until = mandates.body.mandates[0].validUntil as string;
      expect(await listed.textContent()).toContain(`有效至 ${formatTime(until)}`);
      // The form is empty again for the next villager.
      expect(await page.getByLabel('被代办人姓名').inputValue()).toBe('');
      await screenshot(page, 'agent-mandate-phone');

      await page.goto(portalUrl(`/apply/?code=${encodeURIComponent(ITEM)}`), {
        waitUntil: 'networkidle',
      });
      await page.getByTestId('agent-pick').waitFor({ timeout: 15_000 });
      await screenshot(page, 'agent-apply-pick-phone');
      await page.getByTestId('agent-pick-person').filter({ hasText: '蒋**' }).click();
      await page.getByTestId('agent-for').waitFor();
      // Nothing of the agent is filled in as the applicant's.
      const values = await page
        .getByTestId('apply-form')
        .locator('input:not([type=file]):not([type=checkbox]), textarea')
        .evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
      expect(values.join('|')).not.toContain(agentPerson.name);
      expect(values.join('|')).not.toContain(agentPerson.phone);
      const mandateSlot = page.locator('[data-testid="slot"][data-slot="代办授权委托书"]');
      expect(await mandateSlot.getAttribute('data-required')).toBe('1');
      // The villager's own particulars (the agent has them from the 委托书 and the ID card).
      await page.getByLabel('申请人姓名').fill(villager.name);
      await page.getByLabel('公民身份号码').fill(villager.idNumber);
      await page.getByLabel('联系电话').fill(villager.phone);
      await page.getByLabel('联系地址').fill('亳州市谯城区汤陵街道 8 号');
      for (const box of await page.getByTestId('apply-form').getByRole('checkbox').all()) await box.check();
      await uploadRequiredMaterials(page);
      await screenshotsOf(page, 'agent-apply');
      await page.getByRole('button', { name: '提交申请' }).click();
      await page.getByTestId('filed').waitFor({ timeout: 20_000 });
      const caseNo = (await page.getByTestId('filed-case-no').textContent())!.trim();
      expect(await page.getByTestId('filed-for').textContent()).toContain('蒋**');
      await screenshot(page, 'agent-apply-filed-phone');

      // Next villager: the picker again, then an empty form and an empty draft.
      await page.getByTestId('agent-next').click();
      await page.getByTestId('agent-pick').waitFor();
      await page.getByTestId('agent-pick-person').filter({ hasText: '蒋**' }).click();
      await page.getByTestId('agent-for').waitFor();
      expect(await page.getByLabel('联系地址').inputValue()).toBe('');
      await page.getByTestId('material-slots').waitFor();
      expect(await page.getByTestId('slot-file').count()).toBe(0);

      // The agent's list and the villager's 我的办件.
      await page.goto(portalUrl('/agent/'), { waitUntil: 'networkidle' });
      const mine = page.getByTestId('my-cases');
      await mine.waitFor({ timeout: 15_000 });
      expect(await mine.textContent()).toContain(caseNo);
      expect(await mine.textContent()).toContain('代 蒋** 申办');
      await screenshotsOf(page, 'agent-mode');
      const theirs = await call('GET', `/api/halls/${HALL}/cases`, { token: villagerToken });
      expect(theirs.body.cases.some((x: any) => x.caseNo === caseNo)).toBe(true);
      expect(errors).toEqual([]);
    } finally {
      await c.close();
    }
  }, 240_000);
});
