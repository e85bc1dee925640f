/**
 * GET /cases?limit=&cursor= — “我的办件”: the caller's cases in this hall (as applicant, or as the
 * agent who filed), newest first; one page (`limit`, default 50, at most 100) and the `cursor` of
 * the next while there is one.
 */
import { z } from 'zod';
import { maskName } from '#domain/ids.ts';
import type { MyCasesPage } from '#domain/views.ts';
import { api } from '#lib/http.ts';
import { getCases, listMine } from './store.ts';
import { caseSummary } from './views.ts';

export const MINE_PAGE = { default: 50, max: 100 } as const;

const query = z.object({
  limit: z.coerce.number().int().min(1).max(MINE_PAGE.max).default(MINE_PAGE.default),
  cursor: z.string().max(2048).optional(),
});

export const handler = api({ auth: 'user', query }, async ({ query, principal }) => {
  const page = await listMine(principal!.sub, { limit: query.limit, cursor: query.cursor });
  const byNo = new Map((await getCases(page.caseNos)).map((c) => [c.caseNo, c]));
  const cases = [...new Set(page.caseNos)].flatMap((no) => {
    const c = byNo.get(no);
    return c ? [c] : [];
  });
  const body: MyCasesPage = {
    cases: cases.map((c) => {
      const own = c.applicant.sub === principal!.sub;
      return {
        ...caseSummary(c),
        needsMe: own && c.phase === 'correction',
        ...(own ? {} : { filedFor: maskName(c.applicant.name) }),
      };
    }),
    ...(page.cursor ? { cursor: page.cursor } : {}),
  };
  return { body };
});
