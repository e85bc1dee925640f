/**
 * Writes the catalogue's static pages (functions/catalogue/site.ts) into the built portal (web/out):
 * run by `buildPortal` after `next build`, from the seed catalogue. Bundled and run in its own Node
 * process (portal-build.ts): the portal's components need the JSX transform and React's production
 * build, which neither tsx nor vitest set up for web/.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { catalogueSchema } from '../../functions/catalogue/model.ts';
import { catalogueSitePages, SHELL_ROUTE_FILES } from '../../functions/catalogue/site.ts';

/** `node prerender.cjs <root> <origin>`: prints the number of pages written. */
export function main([root, origin]: string[]): void {
  const seed = join(root, 'infra', 'seed', 'catalogue');
  const out = join(root, 'web', 'out');
  const catalogue = catalogueSchema.parse({
    ...JSON.parse(readFileSync(join(seed, 'catalogue.json'), 'utf8')),
    synonyms: JSON.parse(readFileSync(join(seed, 'synonyms.json'), 'utf8')),
  });
  const shell = {
    html: readFileSync(join(out, 'item', 'index.html'), 'utf8'),
    routeFiles: Object.fromEntries(
      SHELL_ROUTE_FILES.filter((name) => existsSync(join(out, 'item', name))).map((name) => [
        name,
        readFileSync(join(out, 'item', name), 'utf8'),
      ]),
    ),
  };
  const pages = catalogueSitePages(shell, catalogue, origin);
  for (const [path, content] of pages) {
    const file = join(out, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  console.log(`${catalogue.items.length}`);
}
