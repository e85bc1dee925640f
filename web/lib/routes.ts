/**
 * Portal URLs in one place. The export is static, so pages that show one record take its id from
 * the query string (`/item/?code=…`) rather than a dynamic path segment.
 */
export const routes = {
  home: '/',
  login: '/login/',
  search: (q?: string, filters: Record<string, string> = {}) => {
    const p = new URLSearchParams(filters);
    if (q) p.set('q', q);
    const s = p.toString();
    return s ? `/search/?${s}` : '/search/';
  },
  item: (code: string) => `/item/?code=${encodeURIComponent(code)}`,
  /** Start an online application for an item (the apply page reads the code). */
  apply: (code: string) => `/apply/?code=${encodeURIComponent(code)}`,
  dev: '/dev/',
  devOutbox: '/dev/outbox/',
} as const;
