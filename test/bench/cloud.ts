/**
 * Figures of the local cloud: time from nothing to ready (fresh and with existing data), resident
 * memory when idle (Node process + DynamoDB Local's JVM), and the skeleton's request latencies.
 * Run: npx tsx test/bench/cloud.ts
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCloud } from '../../infra/local/cloud.ts';
import { median, printTable } from './stats.ts';

function rssMiB(pid: number | 'self'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

const runs = Number(process.env.RUNS ?? 3);
const fresh: number[] = [];
const warm: number[] = [];
let idle: { node: number; jvm: number } | undefined;

for (let i = 0; i < runs; i++) {
  const dir = mkdtempSync(join(tmpdir(), 'hall-bench-'));
  let t = performance.now();
  let cloud = await startCloud({ dataDir: dir });
  fresh.push(performance.now() - t);
  await cloud.stop();
  t = performance.now();
  cloud = await startCloud({ dataDir: dir });
  warm.push(performance.now() - t);
  if (i === runs - 1) {
    // Touch every hall once (workers start on first use), then let things settle.
    for (const hall of ['city', 'qiaocheng', 'jingkai', 'guoyang', 'mengcheng', 'lixin']) {
      await fetch(`${cloud.url}/api/halls/${hall}/progress?caseNo=341602-20000101-000001&code=000000`);
    }
    await fetch(`${cloud.url}/api/items?q=身份证`);
    await new Promise((r) => setTimeout(r, 5000));
    idle = { node: rssMiB('self'), jvm: cloud.childPids.reduce((s, pid) => s + rssMiB(pid), 0) };
  }
  await cloud.stop();
  rmSync(dir, { recursive: true, force: true });
}

printTable('local cloud start (ms)', [
  ['fresh .data (create tables, seed catalogue)', median(fresh)],
  ['existing .data', median(warm)],
]);
if (idle) {
  printTable('resident memory when idle (MiB)', [
    ['Node (gateway, emulators, 7 Lambda workers)', idle.node],
    ['DynamoDB Local (JVM)', idle.jvm],
    ['total', idle.node + idle.jvm],
  ]);
}
