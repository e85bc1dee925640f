/**
 * The catalogue's static pages, rendered from data with the portal's own components: each item's
 * guide into a copy of the built `/item/` shell, plus sitemap.xml and robots.txt. One function for
 * every place that renders them: the build (infra/local/portal-prerender.ts, from the seed) and a
 * re-render after a catalogue import. Never imported by a page (it pulls in react-dom/server).
 *
 * The page keeps the shell's scripts byte for byte, so every guide has the CSP of `/item/` (one entry,
 * however many items); the guide's answer travels as a JSON data block, which is no script to CSP.
 */
import { renderToString } from 'react-dom/server';
import { GuideBody } from '../app/item/GuideBody.tsx';
import type { GuideAnswer } from './catalogue.ts';
import { formatPromised } from './format.ts';
import { dataBlock, GUIDE_ROOT_ID, guidePath } from './guidePage.ts';
import { SITE_NAME } from './site.ts';

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** What a search engine shows under the title: who does it, how long, how many visits, cost. */
export function guideDescription(data: GuideAnswer): string {
  const { item, department, hall } = data;
  const where = [hall?.name, department?.name].filter(Boolean).join('');
  const visits = item.visits === 0 ? '零跑动' : `到现场 ${item.visits} 次`;
  const fee = item.fees.charged ? '收费' : '不收费';
  const required = item.materials.filter((m) => m.required).map((m) => m.name);
  const materials = required.length
    ? `，需要材料：${required.slice(0, 4).join('、')}${required.length > 4 ? '等' : ''}`
    : '';
  return `亳州${where}办理${item.name}：${formatPromised(item.promisedDays, item.caseKind)}，${visits}，${fee}${materials}。`.slice(
    0,
    160,
  );
}

const SLOT = new RegExp(`<div id="${GUIDE_ROOT_ID}">[\\s\\S]*?</div>`);

/** Fails when the built shell lacks what the prerender fills in (the build changed shape). */
export function checkShell(shell: string): void {
  for (const [what, re] of [
    ['guide slot', SLOT],
    ['title', /<title>[^<]*<\/title>/],
    ['description', /<meta name="description" content="[^"]*"\/?>/],
  ] as const)
    if (!re.test(shell)) throw new Error(`the /item/ shell has no ${what}; cannot prerender guides`);
}

/** The static page of one item's guide. */
export function renderGuidePage(shell: string, data: GuideAnswer): string {
  const body = renderToString(<GuideBody data={data} />);
  const title = `${data.item.name} - 办事指南 - ${SITE_NAME}`;
  const head = `<link rel="canonical" href="${guidePath(data.item.code)}"/>${dataBlock(data)}`;
  return shell
    .replace(SLOT, () => `<div id="${GUIDE_ROOT_ID}">${body}</div>`)
    .replace(/<title>[^<]*<\/title>/, () => `<title>${escapeHtml(title)}</title>`)
    .replace(
      /<meta name="description" content="[^"]*"\/?>/,
      () => `<meta name="description" content="${escapeHtml(guideDescription(data))}"/>`,
    )
    .replace('</head>', () => `${head}</head>`);
}

/** sitemap.xml: the catalogue pages, absolute as the protocol wants (the portal's origin). */
export function sitemapXml(origin: string, paths: readonly string[]): string {
  const urls = paths.map((p) => `<url><loc>${escapeHtml(origin + p)}</loc></url>`).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls}\n</urlset>\n`;
}

/** robots.txt: the guides and search are for everyone; accounts, consoles and dev pages are not for indexes. */
export function robotsTxt(origin: string): string {
  const closed = [
    '/account/',
    '/agent/',
    '/apply/',
    '/auth/',
    '/dev/',
    '/login/',
    '/operate/',
    '/staff/',
    '/supervise/',
    '/api/',
  ];
  return `User-agent: *\n${closed.map((p) => `Disallow: ${p}`).join('\n')}\nAllow: /\n\nSitemap: ${origin}/sitemap.xml\n`;
}
