/*
 * The portal's service worker (registered by web/components/ServiceWorker.tsx). What it keeps:
 *  - the app shell: the offline page, the home, search and progress pages and the scripts and styles
 *    they load (precached at install), then every build asset as it is first used (hashed, immutable);
 *  - the guides a person opened (`/item/<code>/`), the last 30, readable offline;
 *  - the person's own cases (GET …/cases and …/cases/<no>), in a cache of their own per signed-in
 *    person, served only offline and only to a request with that person's token; the page deletes them
 *    at sign-out (web/lib/offline.ts). Besides them only the public list of halls (GET /api/halls,
 *    needed to list the cases) is stored; no other API answer ever is.
 * Pages are network first: online, people always get the current page; offline, the copy or the
 * offline page (Chinese), never the browser's error page. A cached response keeps its own headers,
 * so each page keeps its own CSP.
 */
const VERSION = 'v1';
const SHELL = `shell-${VERSION}`;
const ASSETS = `assets-${VERSION}`;
const GUIDES = `guides-${VERSION}`;
const CASES_PREFIX = 'cases-';
const OFFLINE_PAGE = '/offline/';
const SHELL_PAGES = [OFFLINE_PAGE, '/', '/search/', '/progress/', '/item/'];
const MAX_GUIDES = 30;

/** The build assets a page loads (scripts, styles), read from its HTML. */
function assetsOf(html) {
  return [...html.matchAll(/(?:src|href)="(\/_next\/static\/[^"]+)"/g)].map((m) => m[1]);
}

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const shell = await caches.open(SHELL);
      const assets = new Set(['/manifest.webmanifest', '/icon.svg']);
      for (const path of SHELL_PAGES) {
        const res = await fetch(path, { cache: 'no-cache' });
        if (!res.ok) continue;
        for (const a of assetsOf(await res.clone().text())) assets.add(a);
        await shell.put(path, res);
      }
      await (await caches.open(ASSETS)).addAll([...assets]);
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      const keep = new Set([SHELL, ASSETS, GUIDES]);
      for (const name of await caches.keys())
        if (!keep.has(name) && !name.startsWith(CASES_PREFIX)) await caches.delete(name);
      // No clients.claim(): a page loaded without the worker stays so; the next page is served by it
      // (taking over a page halfway through its requests gains nothing and can strand them).
    })(),
  );
});

/** The `sub` of a bearer token, to file a person's cases apart (never trusted for anything else). */
function personOf(request) {
  const token = /^Bearer\s+(\S+)$/i.exec(request.headers.get('authorization') || '')?.[1];
  if (!token) return undefined;
  try {
    const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const sub = JSON.parse(atob(payload)).sub;
    return typeof sub === 'string' && /^[\w.@:-]{1,128}$/.test(sub) ? sub : undefined;
  } catch {
    return undefined;
  }
}

const OWN_CASES = /^\/api\/halls\/[a-z][a-z0-9-]{0,29}\/cases(\/[0-9A-Za-z-]{1,40})?$/;
const GUIDE = /^\/item\/[0-9A-Za-z-]{1,60}\/$/;
/** The list of halls: public, the same for everyone, needed to list one's cases offline. */
const PUBLIC_API = new Set(['/api/halls']);
/** Portal pages kept for offline use besides the shell and guides (their data comes from the API). */
const KEPT_PAGES = new Set([...SHELL_PAGES, '/account/']);

async function trim(cache, max) {
  const keys = await cache.keys();
  for (const old of keys.slice(0, Math.max(0, keys.length - max))) await cache.delete(old);
}

/** Network first; a good answer is stored (a guide moves to the end: most recent). */
async function networkFirst(request, cacheName, key, { max } = {}) {
  const cache = await caches.open(cacheName);
  try {
    const res = await fetch(request);
    if (res.ok) {
      await cache.delete(key);
      await cache.put(key, res.clone());
      if (max) await trim(cache, max);
    }
    return res;
  } catch (err) {
    const hit = await cache.match(key);
    if (hit) return hit;
    throw err;
  }
}

async function page(request, url) {
  const guide = GUIDE.test(url.pathname);
  const key = url.pathname;
  try {
    if (guide) return await networkFirst(request, GUIDES, key, { max: MAX_GUIDES });
    // Sign-in, callback and other pages are never stored: only the shell and 我的账户.
    if (KEPT_PAGES.has(key)) return await networkFirst(request, SHELL, key);
    return await fetch(request);
  } catch {
    // Offline and never seen: an old `?code=` link may still have the guide; else the offline page.
    return (
      (await caches.match(key)) ||
      (await caches.match(OFFLINE_PAGE, { cacheName: SHELL })) ||
      Response.error()
    );
  }
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/api/')) {
    const person = OWN_CASES.test(url.pathname) ? personOf(request) : undefined;
    if (person) event.respondWith(networkFirst(request, CASES_PREFIX + person, url.pathname + url.search));
    else if (PUBLIC_API.has(url.pathname) && !request.headers.has('authorization'))
      event.respondWith(networkFirst(request, SHELL, url.pathname));
    return; // every other API answer goes straight to the network, never stored
  }
  if (url.pathname.startsWith('/_next/static/')) {
    event.respondWith(
      caches.match(request, { cacheName: ASSETS }).then(
        (hit) =>
          hit ||
          fetch(request).then(async (res) => {
            if (res.ok) await (await caches.open(ASSETS)).put(request, res.clone());
            return res;
          }),
      ),
    );
    return;
  }
  if (request.mode === 'navigate') event.respondWith(page(request, url));
});
