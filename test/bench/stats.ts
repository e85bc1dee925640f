/** Small helpers the benchmarks share: medians and percentiles, and a plain table printer. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

export const median = (values: number[]) => percentile(values, 50);

export function printTable(title: string, rows: [string, number | string][]) {
  console.log(`\n${title}`);
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) {
    console.log(`  ${k.padEnd(width)}  ${typeof v === 'number' ? v.toFixed(v < 10 ? 2 : 0) : v}`);
  }
}
