/**
 * GET /progress?caseNo=&code= — 办件进度查询, no login. A wrong code answers exactly like an
 * unknown case number, so the query cannot be used to find out which numbers exist.
 */
import { z } from 'zod';
import { api, httpErrors } from '#lib/http.ts';
import { queryCodeMatches, STATUS_NAMES } from './model.ts';
import { getCase, getEvents } from './store.ts';

const query = z.object({
  caseNo: z.string().regex(/^\d{6}-\d{8}-\d{6}$/, '办件编号格式应为 341602-20261126-000001'),
  code: z.string().regex(/^\d{6}$/, '查询码是 6 位数字'),
});

export const handler = api({ auth: 'public', query }, async ({ query }) => {
  const record = await getCase(query.caseNo);
  if (!record || !queryCodeMatches(record.queryCode, query.code)) {
    throw httpErrors.notFound('办件编号或查询码不正确');
  }
  const events = await getEvents(record.caseNo);
  return {
    body: {
      caseNo: record.caseNo,
      itemName: record.itemName,
      deptName: record.deptName,
      status: record.status,
      statusName: STATUS_NAMES[record.status],
      filedAt: record.filedAt,
      events: events.map((e) => ({
        seq: e.seq,
        type: e.type,
        at: e.at,
        actor: e.actor,
        outcome: e.outcome,
        note: e.note,
      })),
    },
  };
});
