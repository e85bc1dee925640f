/**
 * A hall's month as published: hall and department indicators with rankings, the 12-month trend,
 * cases in handling, 好差评 figures. Reads the month's hall and department rows, the trend row range
 * and the in-handling gauge — four queries whose size depends on the number of departments and
 * months, never on the number of cases.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  type DeptReport,
  handledOf,
  indicators,
  type MonthReport,
  monthsUpTo,
  rank,
  ratingFigures,
} from '#domain/indicators.ts';
import { beijingDate } from '#domain/time.ts';
import { coverageOf, type StatsCatalogue } from './catalogue.ts';
import { readMonth, readOpen, readTrend } from './store.ts';

/** The month of an instant in Beijing: `2026-03`. */
export const currentMonth = (at: Date) => beijingDate(at).slice(0, 7);

export async function monthReport(
  doc: DynamoDBDocumentClient,
  table: string,
  hallId: string,
  month: string,
  cat: StatsCatalogue,
): Promise<MonthReport> {
  const months = monthsUpTo(month);
  const [{ hall, depts }, trend, open] = await Promise.all([
    readMonth(doc, table, month),
    readTrend(doc, table, months[0], month),
    readOpen(doc, table),
  ]);
  // Every department of the hall is listed, those without a case this month too (with no rank).
  const codes = new Set([
    ...[...cat.depts.values()].filter((d) => d.hallId === hallId).map((d) => d.code),
    ...depts.keys(),
    ...open.keys(),
  ]);
  const units = [...codes].map((code) => {
    const counters = depts.get(code) ?? {};
    return { entry: { code, counters }, indicators: indicators(counters, coverageOf(cat, hallId, code)) };
  });
  const ranked = rank(units);
  const coverage = coverageOf(cat, hallId);
  const departments: DeptReport[] = ranked
    .map((r) => ({
      code: r.entry.code,
      name: cat.depts.get(r.entry.code)?.name ?? r.entry.code,
      inProgress: open.get(r.entry.code) ?? 0,
      handled: handledOf(r.entry.counters),
      indicators: r.indicators,
      ratings: ratingFigures(r.entry.counters),
      score: r.score,
      rank: r.rank,
      ranks: r.ranks,
    }))
    .sort(
      (a, b) =>
        (a.rank ?? Number.MAX_SAFE_INTEGER) - (b.rank ?? Number.MAX_SAFE_INTEGER) ||
        b.indicators.filed - a.indicators.filed ||
        a.code.localeCompare(b.code),
    );
  return {
    hallId,
    month,
    hall: {
      inProgress: [...open.values()].reduce((a, b) => a + b, 0),
      handled: handledOf(hall),
      indicators: indicators(hall, coverage),
      ratings: ratingFigures(hall),
      counters: hall,
      coverage,
    },
    departments,
    trend: months.map((m) => ({
      month: m,
      counters: trend.get(m) ?? {},
      indicators: indicators(trend.get(m) ?? {}),
    })),
  };
}
