/**
 * Builds the static portal (web/out) when it is missing or older than its sources: `next build`, then
 * the catalogue's pages (every item's guide, sitemap.xml, robots.txt) rendered from the seed into it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildSync } from 'esbuild';

const ROOT = resolve(import.meta.dirname, '../..');
const WEB = join(ROOT, 'web');
const BUILT = join(WEB, 'out', 'index.html');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (['out', '.next', 'node_modules'].includes(entry.name)) continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

const SEED = join(ROOT, 'infra', 'seed', 'catalogue');

export function portalIsStale(): boolean {
  return !existsSync(BUILT) || statSync(BUILT).mtimeMs < Math.max(newestSource(WEB), newestSource(SEED));
}

export function buildPortal(log: (line: string) => void = console.log): void {
  log('正在构建门户网站（next build web）…');
  const result = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules/next/dist/bin/next'), 'build', 'web'],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
    },
  );
  if (result.status !== 0) {
    throw new Error(`next build failed:\n${result.stdout}\n${result.stderr}`);
  }
  const started = performance.now();
  const pages = prerenderCatalogue();
  log(
    `已预渲染 ${pages} 个办事指南页面及 sitemap.xml、robots.txt（${Math.round(performance.now() - started)} ms）`,
  );
}

/**
 * The origin sitemap.xml names: `PORTAL_ORIGIN`, else the deployment's first portal origin
 * (infra/config/deployment.json), else the local cloud's default address.
 */
function sitemapOrigin(): string {
  if (process.env.PORTAL_ORIGIN) return process.env.PORTAL_ORIGIN.replace(/\/$/, '');
  try {
    const config = JSON.parse(readFileSync(join(ROOT, 'infra', 'config', 'deployment.json'), 'utf8'));
    if (config.portalOrigins?.[0]) return String(config.portalOrigins[0]).replace(/\/$/, '');
  } catch {
    // No deployment config: a local build.
  }
  return 'http://127.0.0.1:3000';
}

/** Bundles infra/local/portal-prerender.ts (JSX, React's production build) and runs it; the pages written. */
function prerenderCatalogue(): number {
  const bundle = join(WEB, '.next', 'prerender', 'prerender.cjs');
  buildSync({
    stdin: {
      contents: "import { main } from './portal-prerender.ts'; main(process.argv.slice(2));",
      resolveDir: import.meta.dirname,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    // Components inserted into the guide may import CSS; the page gets it from Next's build (and
    // a CSS module's class names exist only there: see web/app/item/GuideBody.tsx).
    loader: { '.module.css': 'local-css', '.css': 'empty' },
    outfile: bundle,
    logLevel: 'error',
  });
  const run = spawnSync(process.execPath, [bundle, ROOT, sitemapOrigin()], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (run.status !== 0)
    throw new Error(`prerendering the catalogue pages failed:\n${run.stdout}\n${run.stderr}`);
  return Number(run.stdout.trim().split('\n').pop());
}

// `npm run build:web`: the whole build (the guides included), as the deployment uploads it.
if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) buildPortal();
