/**
 * The portal's catalogue pages for one catalogue: every item's guide at `/item/<code>/`, sitemap.xml
 * and robots.txt, as path → content. The one render used by the portal build (from the seed,
 * infra/local/portal-prerender.ts) and meant for the re-render after an import; the pages themselves
 * come from the portal's components (web/lib/prerender.tsx).
 */
import type { GuideAnswer } from '../../web/lib/catalogue.ts';
import { guidePath } from '../../web/lib/guidePage.ts';
import { checkShell, renderGuidePage, robotsTxt, sitemapXml } from '../../web/lib/prerender.tsx';
import { guideAnswer } from './guide.ts';
import type { Catalogue } from './model.ts';

/** Pages that are the same for every catalogue but belong in the sitemap. */
const FIXED_PAGES = ['/', '/search/', '/progress/'];

/**
 * The built `/item/` shell: its HTML, and the route files Next's client router fetches for a link to a
 * page (`__next._tree.txt`, the page segment), copied beside every guide so a link to one prefetches
 * and navigates like any page (the guide then fetches its answer).
 */
export interface GuideShell {
  html: string;
  routeFiles: Record<string, string>;
}

/** The shell's route files that every guide gets a copy of. */
export const SHELL_ROUTE_FILES = ['__next._tree.txt', '__next.item.__PAGE__.txt'];

/** `/item/<code>/index.html` and the rest, keyed by the object path under the site's root. */
export function catalogueSitePages(shell: GuideShell, cat: Catalogue, origin: string): Map<string, string> {
  checkShell(shell.html);
  const departments = new Map(cat.departments.map((d) => [d.code, d]));
  const pages = new Map<string, string>();
  const paths = [...FIXED_PAGES];
  for (const item of cat.items) {
    const path = guidePath(item.code);
    // A code that cannot be a path (never, by the catalogue's rule) keeps the fetched /item/?code= page.
    if (!path.endsWith('/')) continue;
    const answer = guideAnswer(cat, departments, item) as unknown as GuideAnswer;
    pages.set(`${path.slice(1)}index.html`, renderGuidePage(shell.html, answer));
    for (const [name, content] of Object.entries(shell.routeFiles))
      pages.set(`${path.slice(1)}${name}`, content);
    paths.push(path);
  }
  pages.set('sitemap.xml', sitemapXml(origin, paths));
  pages.set('robots.txt', robotsTxt(origin));
  return pages;
}
