/**
 * E-licences in a real browser (#10 §3): after a 残疾人证申领 is decided 准予 (through HTTP, as staff
 * would), the holder signs in on a phone, finds it under 我的证照, downloads the PDF, and opens the
 * verification page its QR code carries (no sign-in needed there): 真实有效 with masked fields; the
 * same link with another signature says 核验不通过. Screenshots: phone and desktop, normal and 关怀版.
 */
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleForm } from '#domain/forms.ts';
import type { LicenceView } from '#domain/licences.ts';
import { population } from '../../infra/seed/registries.ts';
import { registerWithCode } from '../integration/identity-helpers.ts';
import { call, eventually, login } from '../support/client.ts';
import { readyDraft, staffAct } from '../support/materials.ts';
import { launchBrowser, newContext, portalUrl, screenshotsOf, type TestBrowser } from './browser.ts';
import { signIn } from './session.ts';

const HALL = 'qiaocheng';
const PASSWORD = 'Licence2026pass';
const holder = population.find((p) => p.name === '秦玉兰')!;

let tb: TestBrowser;
let licence: LicenceView;

beforeAll(async () => {
  tb = await launchBrowser();
  expect((await registerWithCode('127.0.1.71', holder, PASSWORD)).status).toBe(201);
  const token = await login(holder.phone, PASSWORD);
  const found = await call(
    'GET',
    `/api/items?hallId=${HALL}&q=${encodeURIComponent('残疾人证申领')}&limit=10`,
  );
  const item = found.body.items.find((i: { name: string }) => i.name === '残疾人证申领').code;
  const guide = await call('GET', `/api/items/${encodeURIComponent(item)}`);
  const filed = await call('POST', `/api/halls/${HALL}/cases`, {
    token,
    body: {
      itemCode: item,
      form: exampleForm(guide.body.applicationForm, {}),
      draftId: await readyDraft(token, HALL, item),
    },
    headers: { 'idempotency-key': randomUUID() },
  });
  expect(filed.status).toBe(201);
  const caseNo = filed.body.caseNo as string;
  for (const [prefix, action, extra] of [
    ['accept#', 'accept', {}],
    ['review#', 'pass', {}],
    ['decide#', 'approve', { result: '准予核发残疾人证' }],
  ] as const)
    expect((await staffAct(token, HALL, caseNo, prefix, action, extra)).status).toBe(200);
  licence = await eventually(async () => {
    const r = await call<{ licences: LicenceView[] }>('GET', `/api/halls/${HALL}/licences`, { token });
    return r.body.licences?.find((l) => l.caseNo === caseNo);
  }, 'the licence');
}, 180_000);

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

describe('我的证照 and the verification page', () => {
  it('the holder downloads the PDF on a phone; the QR link verifies it; a wrong signature does not', async () => {
    const c = await newContext(tb.browser, 'phone');
    const page = await c.newPage();
    const errors = watch(page);
    try {
      await page.goto(portalUrl('/account/'), { waitUntil: 'networkidle' });
      await signIn(page, page.getByRole('link', { name: '登录' }).last(), holder.phone, PASSWORD);
      if (!page.url().includes('/account/'))
        await page.goto(portalUrl('/account/'), { waitUntil: 'networkidle' });
      const item = page.getByTestId('licence').filter({ hasText: licence.licenceNo });
      await item.waitFor({ timeout: 20_000 });
      expect(await item.textContent()).toContain('残疾人证');
      expect(await item.getAttribute('data-status')).toBe('valid');
      const [download] = await Promise.all([
        page.waitForEvent('download', { timeout: 20_000 }),
        item.getByRole('button', { name: '下载证照（PDF）' }).click(),
      ]);
      expect(download.suggestedFilename()).toMatch(/^残疾人证-DZ.+\.pdf$/);
      await item.scrollIntoViewIfNeeded();
      await screenshotsOf(page, 'licence-account');

      // The QR code's link, without signing in (another context).
      const anon = await newContext(tb.browser, 'phone');
      const v = await anon.newPage();
      const vErrors = watch(v);
      await v.goto(portalUrl(licence.verifyPath), { waitUntil: 'networkidle' });
      const result = v.getByTestId('verify-result');
      await result.waitFor({ timeout: 15_000 });
      expect(await result.getAttribute('data-result')).toBe('valid');
      const text = (await result.textContent()) ?? '';
      expect(text).toContain('真实有效');
      expect(text).toContain('秦**');
      expect(text).not.toContain(holder.idNumber);
      await screenshotsOf(v, 'licence-verify');
      const forged = licence.verifyPath.replace(/s=[^&]+/, `s=${Buffer.alloc(64, 1).toString('base64url')}`);
      await v.goto(portalUrl(forged), { waitUntil: 'networkidle' });
      await v.locator('[data-testid="verify-result"][data-result="forged"]').waitFor({ timeout: 15_000 });
      await screenshotsOf(v, 'licence-verify-forged');
      await anon.close();
      expect([...errors, ...vErrors]).toEqual([]);
    } finally {
      await c.close();
    }
  }, 180_000);
});
