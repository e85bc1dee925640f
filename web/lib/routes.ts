import { guidePath } from './guidePage.ts';

/**
 * Portal URLs in one place. The export is static, so pages that show one record take its id from
 * the query string (`/apply/?code=…`) rather than a dynamic path segment; item guides are the
 * exception, prerendered per item at `/item/<code>/` (web/lib/guidePage.ts).
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
  /** An item's guide: a static page of its own, opened as a page (no client-side route for it). */
  item: (code: string) => guidePath(code),
  /** Start an online application for an item (the apply page reads the code). */
  apply: (code: string) => `/apply/?code=${encodeURIComponent(code)}`,
  account: '/account/',
  /** Staff: the queue of the signed-in member's posts. */
  staff: '/staff/',
  /** One case in the staff console (supervisors see it read-only). */
  staffCase: (caseNo: string) => `/staff/case/?no=${encodeURIComponent(caseNo)}`,
  supervise: '/supervise/',
  /** 办件进度查询; with the number and code (an SMS link) it shows the answer at once. */
  progress: (caseNo?: string, code?: string) => {
    const p = new URLSearchParams();
    if (caseNo) p.set('no', caseNo);
    if (code) p.set('code', code);
    const s = p.toString();
    return s ? `/progress/?${s}` : '/progress/';
  },
  dev: '/dev/',
  devOutbox: '/dev/outbox/',
} as const;
