/**
 * Lighthouse (mobile: simulated slow 4G and a 4× slower CPU, its defaults) on the pages people land
 * on: the home, a search, an item's guide and 办件查询; the median of 3 runs per page, with LCP, CLS
 * and TBT, and each page's first-load JavaScript (gzip, as the gateway sends it).
 *
 * Lighthouse needs Node 22 and the project stays on its own Node, so both are fetched at run time as
 * npm packages (`npx -p node@22 -p lighthouse@12`; needs the npm registry the first time, then npm's
 * cache). Chromium is Debian's (/usr/bin/chromium, or CHROME_PATH). Against PORTAL_URL when set,
 * otherwise a local cloud in memory (the portal built first if it is stale).
 */
import { spawnSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { startCloud } from '../../infra/local/cloud.ts';
import { buildPortal, portalIsStale } from '../../infra/local/portal-build.ts';
import { median, printTable } from './stats.ts';

const RUNS = 3;
const CHROME = process.env.CHROME_PATH ?? '/usr/bin/chromium';

let base = process.env.PORTAL_URL?.replace(/\/$/, '');
const cloud = base
  ? undefined
  : await (async () => {
      if (portalIsStale()) buildPortal();
      return startCloud({ logLevel: 'ERROR' });
    })();
base ??= cloud!.url;

try {
  const found = (await (
    await fetch(`${base}/api/items?q=${encodeURIComponent('身份证补领')}&limit=1`)
  ).json()) as {
    items: { code: string }[];
  };
  const pages: [string, string][] = [
    ['/', '/'],
    ['a search (开饭店)', `/search/?q=${encodeURIComponent('开饭店')}`],
    ['a guide', `/item/${found.items[0].code}/`],
    ['/progress/', '/progress/'],
  ];

  const rows: [string, number | string][] = [];
  for (const [name, path] of pages) {
    const runs: { score: number; lcp: number; cls: number; tbt: number }[] = [];
    for (let i = 0; i < RUNS; i++) {
      const r = spawnSync(
        'npx',
        [
          '-y',
          '-p',
          'node@22',
          '-p',
          'lighthouse@12',
          '-c',
          `lighthouse '${base}${path}' --only-categories=performance --output=json --output-path=stdout --quiet ` +
            `--chrome-flags='--headless=new --no-sandbox --disable-gpu' --locale=zh`,
        ],
        { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, CHROME_PATH: CHROME } },
      );
      if (r.status !== 0) {
        console.error(
          `lighthouse failed for ${path} (no network to fetch node@22/lighthouse?):\n${r.stderr.slice(-2000)}`,
        );
        process.exitCode = 1;
        break;
      }
      const report = JSON.parse(r.stdout) as {
        categories: { performance: { score: number } };
        audits: Record<string, { numericValue?: number }>;
      };
      runs.push({
        score: Math.round(report.categories.performance.score * 100),
        lcp: report.audits['largest-contentful-paint'].numericValue ?? Number.NaN,
        cls: report.audits['cumulative-layout-shift'].numericValue ?? Number.NaN,
        tbt: report.audits['total-blocking-time'].numericValue ?? Number.NaN,
      });
    }
    if (runs.length === 0) continue;
    const m = (k: keyof (typeof runs)[number]) => median(runs.map((x) => x[k]));
    rows.push([
      `${name}: performance (median of ${runs.length}; runs ${runs.map((x) => x.score).join(', ')})`,
      m('score'),
    ]);
    rows.push([
      `${name}: LCP / CLS / TBT`,
      `${(m('lcp') / 1000).toFixed(1)} s / ${m('cls').toFixed(3)} / ${Math.round(m('tbt'))} ms`,
    ]);
  }
  printTable('Lighthouse, mobile', rows);

  // First-load JavaScript: the page's script tags (not the legacy-browser nomodule polyfills).
  const weights: [string, number | string][] = [];
  for (const [name, path] of pages) {
    const html = await (await fetch(`${base}${path}`)).text();
    const srcs = [
      ...new Set([...html.matchAll(/<script(?![^>]*noModule)[^>]*\ssrc="([^"]+\.js)"/g)].map((m) => m[1])),
    ];
    let raw = 0;
    let gz = 0;
    for (const src of srcs) {
      const body = Buffer.from(await (await fetch(`${base}${src}`)).arrayBuffer());
      raw += body.length;
      gz += gzipSync(body, { level: 9 }).length;
    }
    weights.push([
      `${name}: ${srcs.length} scripts, KiB raw / gzip; HTML gzip`,
      `${(raw / 1024).toFixed(0)} / ${(gz / 1024).toFixed(1)}; ${(gzipSync(html).length / 1024).toFixed(1)}`,
    ]);
  }
  printTable('First-load JavaScript', weights);
} finally {
  await cloud?.stop();
}
