/**
 * Public statistics of one hall, no token:
 *   GET /stats?month=YYYY-MM         办件统计: indicators, departments ranked, trend, 好差评 figures
 *   GET /disclosure?list=cases|rectified&month=&limit=&cursor=
 *                                    办件公示 (recent cases, applicants masked) and rectified 差评
 * Anyone may call them, so each answer is kept 15 s per instance (a flood reads DynamoDB four times
 * a minute per month asked, not once a request) and said cacheable for a minute; in AWS the public
 * route throttle and the WAF rate rules bound the rest.
 */
import { z } from 'zod';
import { nowMs } from '#domain/clock.ts';
import { CHANNEL_NAMES, MONTH_PATTERN } from '#domain/indicators.ts';
import { beijingIso } from '#domain/time.ts';
import { STATUS_NAMES } from '#domain/vocabulary.ts';
import { routes } from '#functions/identity/runtime.ts';
import { dynamo, env } from '#lib/aws.ts';
import { decodeCursor, encodeCursor } from '#lib/cursor.ts';
import { api, HttpError } from '#lib/http.ts';
import { statsCatalogue } from './catalogue.ts';
import type { DisclosureRow, RectifiedRow } from './counting.ts';
import { currentMonth, monthReport } from './report.ts';
import { disclosureKey, readPublished, rectifiedKey } from './store.ts';

const CACHE_MS = 15_000;
const PUBLIC_CACHE = { 'cache-control': 'public, max-age=60' };
const cache = new Map<string, { at: number; body: unknown }>();

/** The answer for `key`, from the minute-long cache or computed (and kept). */
async function cached(key: string, compute: () => Promise<unknown>): Promise<unknown> {
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.body;
  const body = await compute();
  if (cache.size > 200) cache.clear();
  cache.set(key, { at: Date.now(), body });
  return body;
}

const monthParam = z.string().regex(MONTH_PATTERN, '月份格式应为 2026-03').optional();

/** A month from 2020 up to this one; later months have nothing to show. */
function monthOrNow(month: string | undefined): string {
  const now = currentMonth(new Date(nowMs()));
  if (!month) return now;
  if (month > now || month < '2020-01')
    throw new HttpError(400, 'BAD_MONTH', '只能查询 2020 年 1 月至本月的统计', [
      { field: 'month', message: '只能查询 2020 年 1 月至本月的统计' },
    ]);
  return month;
}

const statsQuery = z.object({ month: monthParam });
const disclosureQuery = z.object({
  list: z.enum(['cases', 'rectified']).default('cases'),
  month: monthParam,
  limit: z.coerce.number().int().min(1).max(50).default(20),
  cursor: z.string().max(2000).optional(),
});

const table = () => env('STATS_TABLE');

const caseView = (r: DisclosureRow) => ({
  caseNo: r.caseNo,
  itemCode: r.itemCode,
  itemName: r.itemName,
  deptCode: r.deptCode,
  deptName: r.deptName,
  applicant: r.applicant,
  channel: r.channel,
  channelName: CHANNEL_NAMES[r.channel] ?? r.channel,
  filedAt: beijingIso(r.filedAt),
  acceptedAt: beijingIso(r.acceptedAt),
  finishedAt: beijingIso(r.finishedAt),
  status: r.status,
  statusName: (STATUS_NAMES as Record<string, string>)[r.status] ?? r.status,
});

const rectifiedView = ({ excluded: _x, ...r }: RectifiedRow) => ({
  ...r,
  ratedAt: beijingIso(r.ratedAt),
  visitedAt: beijingIso(r.visitedAt),
  fixedAt: beijingIso(r.fixedAt),
});

function hallRoutes(prefix: string) {
  return {
    [`GET ${prefix}/stats`]: api({ auth: 'public', query: statsQuery }, async ({ query }) => {
      const month = monthOrNow(query.month);
      const hallId = env('HALL_ID');
      const body = await cached(`stats#${month}`, async () => ({
        ...(await monthReport(dynamo, table(), hallId, month, await statsCatalogue())),
        updatedAt: beijingIso(new Date(nowMs()).toISOString()),
      }));
      return { body, headers: PUBLIC_CACHE };
    }),
    [`GET ${prefix}/disclosure`]: api({ auth: 'public', query: disclosureQuery }, async ({ query }) => {
      const month = monthOrNow(query.month);
      const pk = query.list === 'cases' ? disclosureKey(month) : rectifiedKey(month);
      const start = decodeCursor(query.cursor, { keys: ['pk', 'sk'], partition: ['pk', pk] });
      const read = async () => {
        const page = await readPublished<DisclosureRow & RectifiedRow>(
          dynamo,
          table(),
          pk,
          query.limit,
          start,
        );
        const rows = page.rows
          .filter((r) => !r.excluded)
          .map((r) => (query.list === 'cases' ? caseView(r) : rectifiedView(r)));
        return { month, list: query.list, [query.list]: rows, cursor: encodeCursor(page.last) };
      };
      // Only first pages are cached: they are what a flood asks for.
      const body = start ? await read() : await cached(`${pk}#${query.limit}`, read);
      return { body, headers: PUBLIC_CACHE };
    }),
  };
}

let dispatch: ReturnType<typeof routes> | undefined;

export const handler: ReturnType<typeof routes> = (event, context) => {
  dispatch ??= routes(hallRoutes(`/api/halls/${env('HALL_ID')}`));
  return dispatch(event, context);
};
