/** GET /cases — “我的办件”: the caller's cases in this hall (as applicant, or as the agent who filed). */
import { api } from '#lib/http.ts';
import { getCases, listMine } from './store.ts';
import { caseSummary } from './views.ts';

export const handler = api({ auth: 'user' }, async ({ principal }) => {
  const cases = await getCases(await listMine(principal!.sub));
  cases.sort((a, b) => b.filedAt.localeCompare(a.filedAt));
  return {
    body: {
      cases: cases.map((c) => ({ ...caseSummary(c), needsMe: c.phase === 'correction' })),
    },
  };
});
