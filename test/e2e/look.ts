/**
 * Looking at a page as a user would: screenshots at 390 px and desktop, normal and care mode, and an
 * accessibility check with axe-core inside the page under test. The portal's CSP allows only its
 * own hashed scripts, so axe is evaluated through the DevTools protocol (page.evaluate), which CSP
 * does not govern, rather than added as a <script>.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { screenshot } from './browser.ts';

const source = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** The serious and critical violations on the page as it is now, one line each (rule: targets). */
export async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(source);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<any> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return (result.violations as any[]).map((v) => ({
      id: v.id as string,
      impact: v.impact as string,
      targets: (v.nodes as any[]).slice(0, 5).map((n) => (n.target as string[]).join(' ')),
    }));
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.targets.join(', ')}`);
}

/** Screenshots at 390 px and desktop, normal and care mode, with the header's 关怀版 toggle. */
export async function shots(page: Page, name: string) {
  const toggle = page.getByTestId('care-toggle');
  for (const care of [false, true]) {
    if ((await toggle.getAttribute('aria-pressed')) !== String(care)) await toggle.click();
    for (const [size, viewport] of [
      ['phone', { width: 390, height: 844 }],
      ['desktop', { width: 1280, height: 800 }],
    ] as const) {
      await page.setViewportSize(viewport);
      await screenshot(page, `${name}-${size}${care ? '-care' : ''}`);
    }
  }
  await toggle.click();
  await page.setViewportSize({ width: 390, height: 844 });
}
