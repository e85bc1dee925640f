/**
 * The portal works under its Content-Security-Policy (infra/constructs/portal-headers.ts, the same
 * headers CloudFront sends): each page's inline scripts are allowed by hash, nothing else inline
 * runs, and the home page, a guide, sign-in (/login/ → the provider → /auth/callback/) and the apply
 * page raise no CSP violation in headless Chromium. The API answers with its own, stricter headers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  API_CSP,
  CSP_MAX_LENGTH,
  pageScriptHashes,
  securityHeaders,
} from '#infra/constructs/portal-headers.ts';
import { call } from '../support/client.ts';
import { launchBrowser, newContext, portalUrl, type TestBrowser } from './browser.ts';
import { signIn } from './session.ts';

let tb: TestBrowser;

beforeAll(async () => {
  tb = await launchBrowser();
}, 30_000);

afterAll(async () => {
  await tb?.close();
});

const HEADER_NAMES = Object.keys(securityHeaders(''));

/** The security headers of a response, by the names portal-headers.ts defines. */
const securityOf = (headers: Record<string, string>) =>
  Object.fromEntries(HEADER_NAMES.map((name) => [name, headers[name]]));

describe('the portal under its CSP', () => {
  it("each page carries the headers and a CSP that allows exactly that page's inline scripts, by hash", async () => {
    const seen = new Set<string>();
    for (const path of ['/', '/item/?code=x', '/apply/', '/login/', '/no-such-page/']) {
      const res = await fetch(portalUrl(path));
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(securityOf(Object.fromEntries(res.headers)), path).toEqual(securityHeaders(csp));
      const scriptSrc = (csp.split('; ').find((d) => d.startsWith('script-src ')) ?? '').split(' ');
      const html = await res.text();
      expect(scriptSrc.slice(2).sort(), path).toEqual([...new Set(pageScriptHashes(html))].sort());
      expect(scriptSrc.length, path).toBeGreaterThan(2);
      expect(csp, path).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).toContain("object-src 'none'");
      expect(csp.length, path).toBeLessThanOrEqual(CSP_MAX_LENGTH);
      seen.add(csp);
    }
    // Pages differ by their payload script.
    expect(seen.size).toBeGreaterThan(1);
  });

  it("every prerendered guide has the /item/ shell's CSP: its scripts are the shell's, its data block is no script", async () => {
    const items = await call('GET', '/api/items?hallId=qiaocheng&limit=3');
    const shell = await fetch(portalUrl('/item/'));
    const shellHashes = [...new Set(pageScriptHashes(await shell.text()))].sort();
    for (const item of items.body.items as { code: string }[]) {
      const res = await fetch(portalUrl(`/item/${item.code}/`));
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain('<script type="application/json" id="guide-data">');
      expect([...new Set(pageScriptHashes(html))].sort(), item.code).toEqual(shellHashes);
      const csp = res.headers.get('content-security-policy') ?? '';
      for (const hash of shellHashes) expect(csp, item.code).toContain(hash);
      expect(csp.length).toBeLessThanOrEqual(CSP_MAX_LENGTH);
    }
  });

  it('API answers carry the API headers, refusals included', async () => {
    for (const path of ['/api/halls', '/api/halls/qiaocheng/cases', '/api/no-such-route']) {
      const res = await call('GET', path);
      expect(securityOf(Object.fromEntries(res.headers)), path).toEqual(securityHeaders(API_CSP));
    }
  });

  it('home, a guide, sign-in and the apply page run without a CSP violation; injected inline script is blocked', async () => {
    const context = await newContext(tb.browser, 'desktop');
    const violations: string[] = [];
    // Reported by the page itself, on every page of the tab, whatever the console prints.
    await context.exposeFunction('__cspViolation', (v: string) => violations.push(v));
    await context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) =>
        (window as unknown as { __cspViolation(v: string): void }).__cspViolation(
          `${location.pathname}: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`,
        ),
      );
    });
    const page = await context.newPage();
    const consoleCsp: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) consoleCsp.push(`${page.url()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => consoleCsp.push(`pageerror on ${page.url()}: ${e.message}`));
    try {
      // Home: halls and items load (scripts ran, the API was reachable).
      await page.goto(portalUrl('/'), { waitUntil: 'networkidle' });
      await page.locator('[data-testid="item-list"] li').first().waitFor({ timeout: 15_000 });

      // A guide.
      const items = await call('GET', '/api/items?hallId=qiaocheng&limit=50');
      const item = items.body.items.find((i: any) => i.onlineDepth >= 3) ?? items.body.items[0];
      await page.goto(portalUrl(`/item/?code=${encodeURIComponent(item.code)}`), {
        waitUntil: 'networkidle',
      });
      await page.getByRole('heading', { name: item.name }).first().waitFor({ timeout: 15_000 });

      // Sign-in: /login/ fetches the issuer's discovery and goes to the provider; the callback page
      // exchanges the code (connect-src) and lands on the portal.
      await page.goto(portalUrl('/'), { waitUntil: 'networkidle' });
      await signIn(page, page.getByRole('link', { name: '登录' }).first(), 'zhangsan');
      await page.getByTestId('signed-in').waitFor({ timeout: 15_000 });

      // The apply page, signed in (same tab: the session is in its sessionStorage).
      await page.goto(portalUrl(`/apply/?code=${encodeURIComponent(item.code)}`), {
        waitUntil: 'networkidle',
      });
      await page.getByTestId('apply-form').waitFor({ timeout: 15_000 });

      expect(violations).toEqual([]);
      expect(consoleCsp).toEqual([]);

      // The policy is live: an inline script injected into the page does not run, and is reported.
      const ran = await page.evaluate(() => {
        const s = document.createElement('script');
        s.textContent = 'window.__injected = 1';
        document.head.append(s);
        return (window as unknown as { __injected?: number }).__injected;
      });
      expect(ran).toBeUndefined();
      await expect.poll(() => violations.length, { timeout: 5_000 }).toBe(1);
      expect(violations[0]).toMatch(/script-src.* blocked inline/);
    } finally {
      await context.close();
    }
  }, 90_000);
});
