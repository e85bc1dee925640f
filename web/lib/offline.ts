/**
 * What the service worker (web/public/sw.js) keeps for offline use, as the pages see it: the guides
 * a person opened, and their own cases, filed per signed-in person and deleted at sign-out.
 */

/** Must match sw.js. */
const GUIDES_CACHE = 'guides-v1';
const CASES_PREFIX = 'cases-';

/** Deletes every person's stored cases (sign-out, an ended session): nothing personal stays behind. */
export async function forgetOfflineCases(): Promise<void> {
  if (typeof caches === 'undefined') return;
  try {
    const names = await caches.keys();
    await Promise.all(names.filter((n) => n.startsWith(CASES_PREFIX)).map((n) => caches.delete(n)));
  } catch {
    // Storage unavailable: nothing was stored either.
  }
}

/** The guides readable offline, most recent first: their path and name (from the stored page's title). */
export async function offlineGuides(): Promise<{ path: string; name: string }[]> {
  if (typeof caches === 'undefined' || !(await caches.has(GUIDES_CACHE))) return [];
  const cache = await caches.open(GUIDES_CACHE);
  const out: { path: string; name: string }[] = [];
  for (const req of [...(await cache.keys())].reverse()) {
    const html = (await (await cache.match(req))?.text()) ?? '';
    const name = /<title>([^<]*?)(?: - 办事指南)?(?: - [^<-]*)?<\/title>/.exec(html)?.[1] ?? '办事指南';
    out.push({ path: new URL(req.url).pathname, name });
  }
  return out;
}
