/**
 * The installable app: the manifest and its icons, and the service worker that keeps the guides a
 * person opened and shows a Chinese offline page (not the browser's error page) when the network is
 * gone; a signed-in person's own cases are kept apart per person, readable offline, and deleted at
 * sign-out, and no other API answer is ever stored. Registers its own person (离线翁). Needs PORTAL_URL (set by the e2e setup that starts the local cloud).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { population } from '../../infra/seed/registries.ts';
import { registerWithCode } from '../integration/identity-helpers.ts';
import { launchBrowser, openPage, portalUrl, screenshot, type TestBrowser } from './browser.ts';
import { signIn } from './session.ts';

let tb: TestBrowser;
beforeAll(async () => {
  tb = await launchBrowser();
}, 30_000);
afterAll(async () => {
  await tb?.close();
});

describe('installable portal', () => {
  it('the manifest names the app and its icons, and the pages link it', async () => {
    const manifest = (await (await fetch(portalUrl('/manifest.webmanifest'))).json()) as {
      name: string;
      start_url: string;
      display: string;
      icons: { src: string; sizes: string; purpose?: string }[];
    };
    expect(manifest.name).toBe('亳州市网上办事大厅');
    expect(manifest.display).toBe('standalone');
    expect(manifest.icons.map((i) => i.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));
    expect(manifest.icons.some((i) => i.purpose === 'maskable')).toBe(true);
    for (const icon of manifest.icons) {
      const res = await fetch(portalUrl(icon.src));
      expect(res.status, icon.src).toBe(200);
    }
    const home = await (await fetch(portalUrl('/'))).text();
    expect(home).toContain('<link rel="manifest" href="/manifest.webmanifest"');
    expect(home).toContain('rel="apple-touch-icon"');
  });

  it('offline, an opened guide still reads and any other page is the Chinese offline page', async () => {
    const list = (await (await fetch(portalUrl('/api/items?q=身份证&limit=1'))).json()) as {
      items: { code: string; name: string }[];
    };
    const item = list.items[0];
    const { page, context, errors } = await openPage(tb.browser, portalUrl('/'));
    try {
      await page.waitForFunction(
        async () => (await navigator.serviceWorker.getRegistration())?.active != null,
        null,
        {
          timeout: 20_000,
        },
      );
      await page.reload({ waitUntil: 'networkidle' }); // now controlled by the worker
      await page.goto(portalUrl(`/item/${item.code}/`), { waitUntil: 'networkidle' });
      await page.getByRole('heading', { level: 1, name: item.name }).waitFor();

      await context.setOffline(true);
      await page.goto(portalUrl(`/item/${item.code}/`), { waitUntil: 'domcontentloaded' });
      await page.getByRole('heading', { level: 1, name: item.name }).waitFor({ timeout: 10_000 });

      await page.goto(portalUrl('/register/'), { waitUntil: 'domcontentloaded' });
      await page.getByRole('heading', { name: '网络未连接' }).waitFor({ timeout: 10_000 });
      await page
        .getByTestId('offline-guides')
        .getByRole('link', { name: item.name })
        .waitFor({ timeout: 10_000 });
      await screenshot(page, 'pwa-offline-phone');
      expect(
        errors.filter((e) => !/ERR_INTERNET_DISCONNECTED|Failed to load resource|Failed to fetch/.test(e)),
      ).toEqual([]);
    } finally {
      await context.setOffline(false);
      await context.close();
    }
  });

  it("keeps the person's own cases for offline reading, per person, and deletes them at sign-out", async () => {
    const password = 'Offline2026pass';
    const person = population.find((p) => p.name === '离线翁')!;
    // Against a long-lived deployment (PORTAL_URL) the person may be registered already.
    const registered = await registerWithCode('127.0.13.71', person, password).catch((err: Error) => {
      if (!err.message.includes('ALREADY_REGISTERED')) throw err;
      return { status: 201 };
    });
    expect(registered.status).toBe(201);
    const { page, context } = await openPage(tb.browser, portalUrl('/'));
    const stored = (p: Page) =>
      p.evaluate(async () => {
        const out: string[] = [];
        for (const name of await caches.keys())
          for (const req of await (await caches.open(name)).keys())
            out.push(`${name} ${new URL(req.url).pathname}`);
        return out.filter((k) => !k.includes(' /_next/'));
      });
    try {
      await page.waitForFunction(
        async () => (await navigator.serviceWorker.getRegistration())?.active != null,
        null,
        {
          timeout: 20_000,
        },
      );
      await page.reload({ waitUntil: 'networkidle' });
      await signIn(page, page.getByRole('link', { name: '登录' }).first(), person.phone, password);
      await page.goto(portalUrl('/account/'), { waitUntil: 'networkidle' });
      await page.getByText('暂无办件').waitFor({ timeout: 15_000 });

      const kept = await stored(page);
      const cases = kept.filter((k) => k.startsWith('cases-'));
      expect(cases.length).toBeGreaterThan(0);
      expect(new Set(cases.map((k) => k.split(' ')[0])).size, 'one cache, this person').toBe(1);
      expect(cases.every((k) => /^cases-\S+ \/api\/halls\/[a-z-]+\/cases$/.test(k))).toBe(true);
      // Besides them only the public hall list; no other API answer (account, sessions, drafts …).
      expect(kept.filter((k) => k.includes(' /api/') && !k.startsWith('cases-'))).toEqual([
        'shell-v1 /api/halls',
      ]);
      // Nor the sign-in pages on the way.
      expect(kept.filter((k) => / \/(oidc|auth)\//.test(k))).toEqual([]);

      await context.setOffline(true);
      await page.reload({ waitUntil: 'domcontentloaded' });
      await page.getByText('暂无办件').waitFor({ timeout: 15_000 });
      await context.setOffline(false);

      await page.getByTestId('signed-in').getByRole('button', { name: '退出' }).click();
      await page.waitForURL((u) => u.pathname === '/' || u.pathname.startsWith('/oidc/'), {
        timeout: 15_000,
      });
      await page.goto(portalUrl('/'), { waitUntil: 'networkidle' });
      expect((await stored(page)).filter((k) => k.startsWith('cases-'))).toEqual([]);
    } finally {
      await context.setOffline(false);
      await context.close();
    }
  });
});
