/**
 * The catalogue's prerendered pages: a guide's text is in the HTML itself (no script needed, as a
 * search engine reads it), with the item's title and description; old `/item/?code=` links move to
 * the item's own page; sitemap.xml and robots.txt exist; the gateway compresses text as CloudFront
 * does. Needs PORTAL_URL (set by the e2e setup that starts the local cloud).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cspFunctionCode, FUNCTION_MAX_BYTES, pageCsp, sitePages } from '#infra/constructs/portal-headers.ts';
import { launchBrowser, newContext, openPage, portalUrl, screenshot, type TestBrowser } from './browser.ts';

let tb: TestBrowser;
beforeAll(async () => {
  tb = await launchBrowser();
}, 30_000);
afterAll(async () => {
  await tb?.close();
});

interface Guide {
  item: { code: string; name: string; conditions: string; materials: { name: string }[] };
}

async function someGuide(): Promise<Guide> {
  const list = (await (await fetch(portalUrl('/api/items?q=身份证&limit=5'))).json()) as {
    items: { code: string }[];
  };
  const code = list.items[0].code;
  return (await (await fetch(portalUrl(`/api/items/${encodeURIComponent(code)}`))).json()) as Guide;
}

describe('prerendered guides', () => {
  it("a guide's raw HTML holds its name, conditions and materials, its title and description", async () => {
    const guide = await someGuide();
    const res = await fetch(portalUrl(`/item/${guide.item.code}/`));
    expect(res.status).toBe(200);
    const html = await res.text();
    const text = html.replace(/<script[\s\S]*?<\/script>/g, '');
    expect(text).toContain(`<h1 class="guide-title">${guide.item.name}</h1>`);
    expect(text).toContain(guide.item.conditions.split('\n')[0]);
    for (const m of guide.item.materials) expect(text).toContain(m.name);
    expect(html).toContain(`<title>${guide.item.name} - 办事指南 - 亳州市网上办事大厅</title>`);
    expect(html).toMatch(new RegExp(`<meta name="description" content="[^"]*${guide.item.name}[^"]*"`));
    expect(html).toContain(`<link rel="canonical" href="/item/${guide.item.code}/"/>`);
    expect(text).not.toContain('正在加载办事指南');
  });

  it('an old /item/?code= link opens the same guide at its own URL, hydrated, without errors', async () => {
    const guide = await someGuide();
    const { page, errors, context } = await openPage(
      tb.browser,
      portalUrl(`/item/?code=${encodeURIComponent(guide.item.code)}`),
    );
    try {
      await page.waitForURL(`**/item/${guide.item.code}/`, { timeout: 15_000 });
      await page.getByRole('heading', { level: 1, name: guide.item.name }).waitFor({ timeout: 15_000 });
      // Hydrated: the material checklist reacts.
      const box = page.locator('input[type="checkbox"]').first();
      if (await box.count()) {
        await box.check();
        expect(await box.isChecked()).toBe(true);
      }
      await page.waitForFunction((name) => document.title.startsWith(name), guide.item.name, {
        timeout: 10_000,
      });
      await screenshot(page, 'portal-guide-phone');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('an unknown code says so (the guide shell for odd codes, the 404 page for paths)', async () => {
    // Not networkidle: Chromium leaves the superseded (aborted) fetches of this page pending for it.
    const context = await newContext(tb.browser, 'phone');
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(portalUrl('/item/?code=NO-SUCH-ITEM-1'), { waitUntil: 'domcontentloaded' });
    try {
      await page.getByRole('heading', { name: '没有找到这个事项' }).waitFor({ timeout: 15_000 });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
    const res = await fetch(portalUrl('/item/NO-SUCH-ITEM-1/'));
    expect(res.status).toBe(404);
  });
});

describe('sitemap, robots, compression', () => {
  it('sitemap.xml lists the guides and robots.txt points to it', async () => {
    const guide = await someGuide();
    const sitemap = await fetch(portalUrl('/sitemap.xml'));
    expect(sitemap.status).toBe(200);
    expect(sitemap.headers.get('content-type')).toContain('xml');
    const xml = await sitemap.text();
    expect(xml).toContain('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">');
    expect(xml).toContain(`/item/${guide.item.code}/</loc>`);
    expect((xml.match(/<loc>/g) ?? []).length).toBeGreaterThan(1000);
    const robots = await (await fetch(portalUrl('/robots.txt'))).text();
    expect(robots).toMatch(/^Sitemap: https?:\/\/\S+\/sitemap\.xml$/m);
    expect(robots).toContain('Disallow: /account/');
  });

  it('text is sent Brotli- or gzip-compressed to a browser that accepts it, plain otherwise', async () => {
    const guide = await someGuide();
    const path = `/item/${guide.item.code}/`;
    for (const [accept, encoding] of [
      ['br, gzip', 'br'],
      ['gzip', 'gzip'],
      ['identity', null],
    ] as const) {
      // node's fetch decodes br and gzip itself: the header says what travelled.
      const res = await fetch(portalUrl(path), { headers: { 'accept-encoding': accept } });
      expect(res.headers.get('content-encoding'), accept).toBe(encoding);
      expect(res.headers.get('vary')).toBe('accept-encoding');
      expect(await res.text()).toContain(guide.item.name);
    }
    // Images are not recompressed.
    const png = await fetch(portalUrl('/icon-192.png'), { headers: { 'accept-encoding': 'br' } });
    expect(png.headers.get('content-encoding')).toBeNull();
  });
});

// The built site the CloudFront function's table comes from (absent when testing a remote deployment).
const SITE = join(import.meta.dirname, '..', '..', 'web', 'out');

describe("the guides' CSP at CloudFront", () => {
  it.skipIf(!existsSync(join(SITE, 'item', 'index.html')))(
    'one entry serves every guide: the function stays small and agrees with the local gateway',
    () => {
      const site = SITE;
      const pages = sitePages(site);
      expect(Object.keys(pages).filter((k) => k.startsWith('/item/'))).toEqual(['/item/index.html']);
      const inputs = { connectOrigins: ['https://idp.example'] };
      const code = cspFunctionCode(pages, inputs);
      expect(Buffer.byteLength(code)).toBeLessThan(FUNCTION_MAX_BYTES);
      const handler = new Function(`${code}; return handler;`)() as (e: unknown) => {
        headers: Record<string, { value: string }>;
      };
      for (const uri of ['/item/11341600MB86927428-0700001-000/', '/item/NO-SUCH/', '/item/', '/']) {
        const csp = handler({ request: { uri }, response: { headers: {} } }).headers[
          'content-security-policy'
        ].value;
        expect(csp, uri).toBe(pageCsp(pages, uri, inputs));
      }
      // A guide path may be answered with 404.html: its scripts are allowed there too.
      const guide = pageCsp(pages, '/item/X1/', inputs);
      for (const hash of [...pages['/item/index.html'], ...pages['/404.html']]) expect(guide).toContain(hash);
    },
  );
});
