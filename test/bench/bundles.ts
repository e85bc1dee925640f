/**
 * `npx tsx test/bench/bundles.ts`: bundles every function entry of infra/resources.ts with the
 * esbuild settings of the house Lambda construct and prints each bundle's size (KiB), minified,
 * with and without its source map. Figures only, no assertions.
 */
import { existsSync } from 'node:fs';
import { build } from 'esbuild';
import { bundleSettings, repoRoot } from '../../infra/constructs/house-function.ts';
import { hallResources, platformResources } from '../../infra/resources.ts';

const kib = (bytes: number) => (bytes / 1024).toFixed(1).padStart(8);
const functions = [
  ...Object.entries(platformResources.functions).map(([id, spec]) => ({ stack: 'platform', id, spec })),
  ...Object.entries(hallResources.functions).map(([id, spec]) => ({ stack: 'hall', id, spec })),
];

console.log(`${'stack/function'.padEnd(28)}${'entry'.padEnd(38)}  bundle KiB   map KiB   ms`);
let total = 0;
for (const { stack, id, spec } of functions) {
  const entry = `${repoRoot}${spec.entry}`;
  const name = `${stack}/${id}`.padEnd(28);
  if (!existsSync(entry)) {
    console.log(`${name}${spec.entry.padEnd(38)}  (missing)`);
    continue;
  }
  const started = performance.now();
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: bundleSettings.target,
    format: bundleSettings.format,
    minify: bundleSettings.minify,
    sourcemap: bundleSettings.sourcemap,
    mainFields: bundleSettings.mainFields,
    banner: { js: bundleSettings.banner },
    external: bundleSettings.external,
    outfile: 'index.mjs',
    write: false,
    logLevel: 'error',
  });
  const ms = performance.now() - started;
  const code = result.outputFiles.find((f) => f.path.endsWith('.mjs'))!.contents.length;
  const map = result.outputFiles.find((f) => f.path.endsWith('.map'))?.contents.length ?? 0;
  total += code;
  console.log(`${name}${spec.entry.padEnd(38)}  ${kib(code)}  ${kib(map)}  ${ms.toFixed(0).padStart(4)}`);
}
console.log(`${'total (code)'.padEnd(66)}  ${kib(total)}`);
