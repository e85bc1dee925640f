/** GET /cases/{caseNo}/verify — proves the case's timeline untampered (the events' hash chain). */
import { api, httpErrors } from '#lib/http.ts';
import { caseAccess } from '#lib/policy.ts';
import { isCaseNo, verifyChain } from './model.ts';
import { getCase, getEvents } from './store.ts';

export const handler = api({ auth: 'user' }, async ({ params, principal }) => {
  const caseNo = params.caseNo ?? '';
  const record = isCaseNo(caseNo) ? await getCase(caseNo) : undefined;
  if (!record || caseAccess(principal!, record) === 'none') throw httpErrors.notFound('办件不存在');
  const events = await getEvents(caseNo);
  const result = verifyChain(caseNo, events);
  // The case remembers the last hash: a chain cut short at the end is caught too.
  const complete = events.length === record.eventCount && events.at(-1)?.hash === record.lastHash;
  return {
    body: {
      caseNo,
      events: events.length,
      lastHash: record.lastHash,
      ...(result.ok && !complete ? { ok: false, reason: '时间线缺少末尾事件' } : result),
    },
  };
});
