/**
 * GET /cases/{caseNo}/result — 电子送达: the applicant downloads the result of an approved case (the
 * decision as the case records it). For a case whose applicant chose 电子送达 the first download is
 * its 领取登记 (the system action `e-collect`, once; a repeated or parallel download registers nothing
 * more).
 */
import { now } from '#domain/clock.ts';
import { RACE_CODES, Refusal } from '#domain/refusal.ts';
import { beijingIso } from '#domain/time.ts';
import { OUTCOME_NAMES } from '#domain/vocabulary.ts';
import { api, HttpError, httpErrors } from '#lib/http.ts';
import { caseAccess } from '#lib/policy.ts';
import { runAction } from './act.ts';
import { stepFunctionsLifecycle } from './lifecycle.ts';
import { isCaseNo } from './model.ts';
import { caseStore, getCase } from './store.ts';

export const handler = api({ auth: 'user' }, async ({ params, principal }) => {
  const who = principal!;
  const caseNo = params.caseNo ?? '';
  let c = isCaseNo(caseNo) ? await getCase(caseNo) : undefined;
  if (!c || caseAccess(who, c) === 'none') throw httpErrors.notFound('办件不存在');
  if (who.sub !== c.applicant.sub) throw httpErrors.forbidden('办理结果由申请人本人下载');
  if (c.result?.outcome !== 'approved' || (c.phase !== 'delivery' && c.phase !== 'closed'))
    throw new HttpError(409, 'RESULT_NOT_READY', '办件尚未办结（准予），暂无可下载的办理结果');
  if (c.phase === 'delivery' && c.deliveryChoice?.method === '电子') {
    try {
      c = await runAction(
        { store: caseStore, lifecycle: stepFunctionsLifecycle },
        {
          caseNo,
          action: 'e-collect',
          input: {},
          actor: { kind: 'system', name: '系统' },
          at: now().toISOString(),
        },
      );
    } catch (err) {
      // Another download registered it first.
      if (!(err instanceof Refusal && RACE_CODES.includes(err.code))) throw err;
      c = (await getCase(caseNo)) ?? c;
    }
  }
  return {
    body: {
      caseNo,
      itemName: c.itemName,
      deptName: c.deptName,
      applicantName: c.applicant.name,
      outcome: OUTCOME_NAMES[c.result!.outcome],
      text: c.result!.text,
      decidedAt: beijingIso(c.result!.at),
      delivery: c.delivery ? { method: c.delivery.method, at: beijingIso(c.delivery.at) } : undefined,
    },
  };
});
