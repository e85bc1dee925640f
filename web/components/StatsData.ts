'use client';

/**
 * The public statistics as the portal reads them (GET /api/halls/<hall>/stats, functions/stats/report.ts),
 * and the city view summed over the halls with the same pure indicator rules the server uses.
 */
import { useEffect, useState } from 'react';
import {
  handledOf,
  type Indicators,
  indicators,
  type MonthReport,
  type RatingFigures,
  rank,
  ratingFigures,
  sumCounters,
} from '../../functions/domain/indicators.ts';
import { getJson, type Hall } from '../lib/api.ts';

/** The answer of GET /api/halls/<hall>/stats. */
export type HallReport = MonthReport & { updatedAt?: string };

/** A unit of a ranking table: a department of a hall, or a hall of the city. */
export interface Unit {
  code: string;
  name: string;
  inProgress: number;
  handled: number;
  indicators: Indicators;
  score: number | null;
  rank: number | null;
}

export interface View {
  /** 'city' or a hall id. */
  scope: string;
  month: string;
  title: string;
  summary: { inProgress: number; handled: number; indicators: Indicators; ratings: RatingFigures };
  /** Departments of the hall, or the halls of the city, ranked. */
  units: Unit[];
  unitName: '部门' | '办事大厅';
  trend: { month: string; indicators: Indicators; handled: number }[];
  updatedAt?: string;
}

export function hallView(report: HallReport, hall: Hall): View {
  return {
    scope: report.hallId,
    month: report.month,
    title: hall.name,
    summary: report.hall,
    units: report.departments,
    unitName: '部门',
    trend: report.trend.map((t) => ({
      month: t.month,
      indicators: t.indicators,
      handled: handledOf(t.counters),
    })),
    updatedAt: report.updatedAt,
  };
}

/** The city: every hall's counters summed, halls ranked by the same score as departments. */
export function cityView(reports: { hall: Hall; report: HallReport }[], month: string): View {
  const counters = sumCounters(reports.map((r) => r.report.hall.counters));
  const coverage = reports.reduce(
    (a, r) => ({
      items: a.items + r.report.hall.coverage.items,
      online: a.online + r.report.hall.coverage.online,
    }),
    { items: 0, online: 0 },
  );
  const ranked = rank(reports.map((r) => ({ entry: r, indicators: r.report.hall.indicators })));
  const months = reports[0]?.report.trend.map((t) => t.month) ?? [];
  return {
    scope: 'city',
    month,
    title: '全市',
    summary: {
      inProgress: reports.reduce((a, r) => a + r.report.hall.inProgress, 0),
      handled: handledOf(counters),
      indicators: indicators(counters, coverage),
      ratings: ratingFigures(counters),
    },
    units: ranked.map((r) => ({
      code: r.entry.hall.id,
      name: r.entry.hall.name,
      inProgress: r.entry.report.hall.inProgress,
      handled: r.entry.report.hall.handled,
      indicators: r.indicators,
      score: r.score,
      rank: r.rank,
    })),
    unitName: '办事大厅',
    trend: months.map((m, i) => {
      const c = sumCounters(reports.map((r) => r.report.trend[i]?.counters ?? {}));
      return { month: m, indicators: indicators(c), handled: handledOf(c) };
    }),
    updatedAt: reports[0]?.report.updatedAt,
  };
}

export type ViewLoad =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ready'; view: View };

/** The statistics of a hall or of the city ('city': one request per hall, summed here). */
export function useStatsView(
  scope: string,
  month: string | undefined,
  halls: Hall[] | undefined,
): [ViewLoad, () => void] {
  const [state, setState] = useState<ViewLoad>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (!halls?.length) return;
    void attempt;
    const ctl = new AbortController();
    const q = month ? `?month=${month}` : '';
    const get = (h: Hall) => getJson<HallReport>(`/api/halls/${h.id}/stats${q}`, { signal: ctl.signal });
    setState({ status: 'loading' });
    const wanted = scope === 'city' ? halls : halls.filter((h) => h.id === scope);
    Promise.all(wanted.map(async (hall) => ({ hall, report: await get(hall) }))).then(
      (reports) => {
        if (!reports.length) return setState({ status: 'error', message: '没有这个办事大厅' });
        const view =
          scope === 'city'
            ? cityView(reports, reports[0].report.month)
            : hallView(reports[0].report, reports[0].hall);
        setState({ status: 'ready', view });
      },
      (err: Error) => {
        if (err.name !== 'AbortError') setState({ status: 'error', message: err.message });
      },
    );
    return () => ctl.abort();
  }, [scope, month, halls, attempt]);
  return [state, () => setAttempt((n) => n + 1)];
}
