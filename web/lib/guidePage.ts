/**
 * Where an item's guide lives and how its prerendered page carries its data (shared by the page in
 * the browser and by the prerender, web/lib/prerender.tsx).
 *
 * Every item has a static page `/item/<code>/` (its text in the HTML for people and search engines);
 * item codes are `[0-9A-Z-]` (functions/catalogue/model.ts), so the path needs no escaping. A code of
 * another shape (a hand-edited link) still opens through `/item/?code=`, which fetches it.
 */
import type { GuideAnswer } from './catalogue.ts';

const CODE_IN_PATH = /^[0-9A-Za-z-]{1,60}$/;

export function isPathSafeCode(code: string): boolean {
  return CODE_IN_PATH.test(code);
}

/** The stable URL of an item's guide. */
export function guidePath(code: string): string {
  return isPathSafeCode(code) ? `/item/${code}/` : `/item/?code=${encodeURIComponent(code)}`;
}

/** The item code of a `/item/<code>/` path, if it is one. */
export function codeFromPath(pathname: string): string | undefined {
  const m = /^\/item\/([^/]+)\/?$/.exec(pathname);
  return m && isPathSafeCode(m[1]) ? m[1] : undefined;
}

/** The id of the element holding the guide (filled in by the prerender) and of its data block. */
export const GUIDE_ROOT_ID = 'guide-root';
export const GUIDE_DATA_ID = 'guide-data';

/**
 * The answer the prerendered page carries in `<script type="application/json">` (data, not a script:
 * no CSP hash, the same page scripts for every item), for the page at this path only.
 */
export function readPrerendered(): GuideAnswer | undefined {
  if (typeof document === 'undefined') return undefined;
  const text = document.getElementById(GUIDE_DATA_ID)?.textContent;
  if (!text) return undefined;
  try {
    const data = JSON.parse(text) as GuideAnswer;
    return data?.item?.code === codeFromPath(window.location.pathname) ? data : undefined;
  } catch {
    return undefined;
  }
}

/** `<` escaped so that no catalogue text can end the data block (`</script>`). */
export function dataBlock(data: GuideAnswer): string {
  return `<script type="application/json" id="${GUIDE_DATA_ID}">${JSON.stringify(data).replace(/</g, '\\u003c')}</script>`;
}
