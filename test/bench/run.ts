/**
 * `npm run bench`: every benchmark, one after another, each in its own process so one's heap and
 * JIT do not colour the next. Figures are printed, never asserted; quote medians and ratios.
 * `npm run bench -- search` runs only the benchmarks whose file name contains "search".
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const BENCHES = [
  'search.ts',
  'cloud.ts',
  'lifecycle.ts',
  'streams.ts',
  'identity.ts',
  'materials.ts',
  'licences.ts',
  'synth.ts',
  'bundles.ts',
  'fuzz.ts',
  'counters.ts',
  'alerts.ts',
  'payment.ts',
  'lighthouse.ts',
];
const filter = process.argv[2];
const tsx = join(import.meta.dirname, '../../node_modules/tsx/dist/cli.mjs');

let failed = 0;
for (const file of BENCHES) {
  if (filter && !file.includes(filter)) continue;
  const path = join(import.meta.dirname, file);
  if (!existsSync(path)) continue;
  console.log(`\n=== ${file} ===`);
  const result = spawnSync(process.execPath, [tsx, path], { stdio: 'inherit' });
  if (result.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
