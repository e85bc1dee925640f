/**
 * Search benchmark: `npx tsx test/bench/search.ts [--verbose]`.
 * Quality over the labelled queries (search-queries.json): recall@5 (a query counts as found when
 * one of its expected names is among the first five distinct names) and MRR; latency p50/p99,
 * index build time and heap growth over the real catalogue and a synthetic 10× catalogue; beside
 * a plain substring scan of names as the baseline. Numbers only, never assertions.
 */
import { readFileSync } from 'node:fs';
import type { Catalogue } from '../../functions/catalogue/model.ts';
import { buildIndex, type CatalogueIndex } from '../../functions/catalogue/search/index.ts';
import { syllables } from '../../functions/catalogue/search/text.ts';
import { loadSeedCatalogue } from '../../functions/catalogue/store.ts';

interface Labelled {
  q: string;
  kind: string;
  expect: string[];
}
const queries: Labelled[] = JSON.parse(readFileSync(new URL('search-queries.json', import.meta.url), 'utf8'));
const verbose = process.argv.includes('--verbose');

type Searcher = (q: string) => string[];

function evaluate(name: string, search: Searcher) {
  let found = 0;
  let rr = 0;
  const byKind: Record<string, { n: number; found: number }> = {};
  const misses: string[] = [];
  for (const lq of queries) {
    const names = [...new Set(search(lq.q))];
    const rank = names.findIndex((n) => lq.expect.includes(n));
    byKind[lq.kind] ??= { n: 0, found: 0 };
    const k = byKind[lq.kind];
    k.n++;
    if (rank >= 0 && rank < 5) {
      found++;
      k.found++;
    } else misses.push(`${lq.kind} ${lq.q} → ${names.slice(0, 5).join('、') || '（无结果）'}`);
    if (rank >= 0) rr += 1 / (rank + 1);
  }
  console.log(
    `${name.padEnd(16)} recall@5 ${(found / queries.length).toFixed(3)}  MRR ${(rr / queries.length).toFixed(3)}  ` +
      Object.entries(byKind)
        .map(([k, v]) => `${k} ${v.found}/${v.n}`)
        .join('  '),
  );
  if (verbose) for (const m of misses) console.log(`  miss: ${m}`);
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

function latency(label: string, run: (q: string) => unknown) {
  for (const lq of queries) run(lq.q); // warm-up
  const times: number[] = [];
  for (let round = 0; round < 5; round++)
    for (const lq of queries) {
      const t = performance.now();
      run(lq.q);
      times.push(performance.now() - t);
    }
  console.log(
    `${label.padEnd(34)} p50 ${percentile(times, 50).toFixed(3)} ms  p99 ${percentile(times, 99).toFixed(3)} ms  max ${Math.max(...times).toFixed(2)} ms`,
  );
}

function build(label: string, cat: Catalogue): CatalogueIndex {
  globalThis.gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  const t = performance.now();
  const idx = buildIndex(cat);
  const ms = performance.now() - t;
  globalThis.gc?.();
  const heap = (process.memoryUsage().heapUsed - heap0) / 1024 / 1024;
  console.log(
    `${label.padEnd(34)} build ${ms.toFixed(0)} ms  heap +${heap.toFixed(1)} MiB${globalThis.gc ? '' : ' (no --expose-gc: rough)'}  items ${idx.size}`,
  );
  return idx;
}

/**
 * n×: every item again n−1 times with its own code. Copies get a distinct name suffix in every
 * other round, so the index cannot share all scoring work between copies (closer to a real list).
 */
function times(cat: Catalogue, n: number): Catalogue {
  const items = [...cat.items];
  for (let k = 1; k < n; k++)
    for (const it of cat.items)
      items.push({ ...it, code: `${it.code}-X${k}`, name: k % 2 ? `${it.name}（${k}）` : it.name });
  return { ...cat, items };
}

const baseline = (cat: Catalogue): Searcher => {
  return (q) =>
    cat.items
      .filter((i) => i.name.includes(q.trim()))
      .sort((a, b) => a.name.length - b.name.length)
      .map((i) => i.name);
};

let t = performance.now();
syllables('预热'); // pinyin-pro loads its dictionary on first use: part of a cold start, counted apart
const pinyinInit = performance.now() - t;
t = performance.now();
const cat = loadSeedCatalogue();
console.log(
  `seed catalogue: ${cat.items.length} items, ${cat.departments.length} departments, ${queries.length} labelled queries`,
);
console.log(
  `load+parse seed JSON ${(performance.now() - t).toFixed(0)} ms, pinyin dictionary first use ${pinyinInit.toFixed(0)} ms\n`,
);

const idx = build('index (real catalogue)', cat);
const mid = times(cat, 5);
const idx5 = build('index (5× synthetic)', mid);
const big = times(cat, 10);
const idx10 = build('index (10× synthetic)', big);
console.log('');
const ours: Searcher = (q) => idx.search({ q, limit: 50 }).hits.map((h) => h.item.name);
evaluate('index', ours);
evaluate('substring scan', baseline(cat));
console.log('');
latency(`index, ${cat.items.length} items`, (q) => idx.search({ q, limit: 20 }));
latency(`index, ${mid.items.length} items`, (q) => idx5.search({ q, limit: 20 }));
latency(`index, ${big.items.length} items`, (q) => idx10.search({ q, limit: 20 }));
latency(`substring scan, ${cat.items.length} items`, baseline(cat));
latency(`substring scan, ${big.items.length} items`, baseline(big));
latency(`suggest, ${mid.items.length} items`, (q) => idx5.suggest(q.slice(0, 3)));
latency(`suggest, ${big.items.length} items`, (q) => idx10.suggest(q.slice(0, 3)));
