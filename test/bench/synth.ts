/**
 * `npx tsx test/bench/synth.ts`: times `cdk synth` of the whole app, bundling included (local
 * esbuild), as a developer or CI runs it. Median of 3 runs; figures only, no assertions.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../infra/constructs/house-function.ts';

const RUNS = 3;
const times: number[] = [];
for (let run = 1; run <= RUNS; run++) {
  // A fresh output directory each run, so no run reuses the previous run's bundles.
  const out = mkdtempSync(join(tmpdir(), 'cdk-synth-bench-'));
  const started = performance.now();
  // The deployment's origin and region (infra/config/deployment.json leaves them to the operator).
  const deployment = ['-c', 'portalOrigin=https://zwfw.example.gov.cn', '-c', 'region=ap-east-1'];
  const result = spawnSync('npx', ['cdk', 'synth', '--quiet', '--output', out, ...deployment], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  const seconds = (performance.now() - started) / 1000;
  rmSync(out, { recursive: true, force: true });
  if (result.status !== 0) {
    console.error(result.stdout, result.stderr);
    throw new Error(`cdk synth failed (run ${run}, exit ${result.status})`);
  }
  times.push(seconds);
  console.log(`run ${run}: ${seconds.toFixed(1)} s`);
}
const sorted = [...times].sort((a, b) => a - b);
console.log(
  `cdk synth (whole app, with bundling): median ${sorted[Math.floor(RUNS / 2)].toFixed(1)} s of ${RUNS}`,
);
