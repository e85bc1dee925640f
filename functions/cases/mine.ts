/** GET /cases — “我的办件”: the caller's cases in this hall (as applicant, or as the agent who filed). */
import { STATUS_NAMES } from '#functions/lifecycle/process.ts';
import { api } from '#lib/http.ts';
import { beijingIso } from './model.ts';
import { getCases, listMine } from './store.ts';
import { currentStepName } from './views.ts';

export const handler = api({ auth: 'user' }, async ({ principal }) => {
  const cases = await getCases(await listMine(principal!.sub));
  cases.sort((a, b) => b.filedAt.localeCompare(a.filedAt));
  return {
    body: {
      cases: cases.map((c) => ({
        caseNo: c.caseNo,
        itemName: c.itemName,
        deptName: c.deptName,
        status: c.status,
        statusName: STATUS_NAMES[c.status],
        currentStep: currentStepName(c),
        filedAt: beijingIso(c.filedAt),
        deadline: beijingIso(c.deadlines?.case),
        needsMe: c.phase === 'correction',
      })),
    },
  };
});
