/**
 * GET /appeals?state=pending|decided — 评价申诉 of this hall: the ratings departments appealed, for the
 * hall's supervisors (who decide them with the case actions `appeal-uphold` / `appeal-reject`) and
 * for staff (their own department's only). Read from the byQueue index (`APPEALS#<state>`, kept by
 * the case item itself, functions/cases/store.ts), newest first, at most 100.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { beijingIso } from '#domain/time.ts';
import { RATING_NAMES } from '#domain/vocabulary.ts';
import type { CaseRecord } from '#functions/cases/store.ts';
import { appealsPartition } from '#functions/cases/store.ts';
import { dynamo, env } from '#lib/aws.ts';
import { api, httpErrors } from '#lib/http.ts';
import { supervisesHall } from '#lib/policy.ts';

const query = z
  .object({
    state: z.enum(['pending', 'decided'], '状态应为 pending（待审核）或 decided（已审核）').optional(),
  })
  .strict();

export const handler = api({ auth: 'user', query }, async ({ query, principal }) => {
  const who = principal!;
  const hall = env('HALL_ID');
  const supervisor = supervisesHall(who, hall);
  const staff = who.roles.includes('staff') && who.hall === hall && !!who.dept;
  if (!supervisor && !staff) throw httpErrors.forbidden('只有监察人员和本厅工作人员可以查看评价申诉');
  const out = await dynamo.send(
    new QueryCommand({
      TableName: env('CASES_TABLE'),
      IndexName: 'byQueue',
      KeyConditionExpression: 'gsi2pk = :p',
      ExpressionAttributeValues: { ':p': appealsPartition(query.state ?? 'pending') },
      ScanIndexForward: false,
      Limit: 100,
    }),
  );
  const appeals = ((out.Items ?? []) as unknown as CaseRecord[])
    .filter((c) => c.rating?.appeal && (supervisor || c.deptCode === who.dept))
    .map((c) => {
      const r = c.rating!;
      const a = r.appeal!;
      return {
        caseNo: c.caseNo,
        version: c.version,
        itemName: c.itemName,
        deptCode: c.deptCode,
        deptName: c.deptName,
        rating: {
          level: r.level,
          levelName: RATING_NAMES[r.level],
          tags: r.tags,
          comment: r.comment,
          at: beijingIso(r.at)!,
          excluded: r.excluded,
        },
        appeal: {
          ...a,
          at: beijingIso(a.at)!,
          decision: a.decision && { ...a.decision, at: beijingIso(a.decision.at)! },
        },
        rectification: c.rectification && {
          fixed: !!c.rectification.fix,
          closed: !!c.rectification.closed,
        },
      };
    });
  return { body: { appeals } };
});
