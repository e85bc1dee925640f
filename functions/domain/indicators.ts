/**
 * The published indicators (DOMAIN.md §6) from statistics counters, as pure rules shared by the
 * server (functions/stats) and the portal (/stats/): what the counters are, how month rows add up,
 * each indicator's definition, and rankings. Reading them costs what reading the month's rows
 * costs — one per department — whatever the number of cases.
 */

/** How a case came in: on the portal by the applicant, at a window, or by an agent point (代办). */
export const CHANNELS = ['online', 'window', 'agent'] as const;
export type Channel = (typeof CHANNELS)[number];
export const CHANNEL_NAMES: Record<Channel, string> = { online: '网上申办', window: '窗口', agent: '代办点' };

/**
 * The counter attributes (each a number, only ever ADDed). Complaint tags are `tag:<tag>`; ratings
 * `r1`…`r5`, the applicant's rating of a fix `rr1`…`rr5`.
 */
export const COUNTERS = [
  'filed',
  'filed_online',
  'filed_window',
  'filed_agent',
  /** Filed (not at a window) for an item of online depth IV (全程网办). */
  'filed_full',
  /** 到现场次数 the filed cases call for (the item's visits; at least 1 at a window). */
  'visits',
  'accepted',
  'refused',
  'completed',
  'approved',
  'denied',
  'withdrawn',
  'unpaid',
  'onTime',
  'overdue',
  /** Working days used by the completed cases (pauses excluded), and the days they promised. */
  'daysUsed',
  'daysPromised',
  'paused',
  'corrections',
  'specials',
  'rated',
  'rated_online',
  'rated_window',
  'rated_agent',
  'r1',
  'r2',
  'r3',
  'r4',
  'r5',
  'rectOpened',
  'rectVisited',
  'rectFinished',
  /** Fixed after the 整改 limit. */
  'rectLate',
  'rerated',
  'rr1',
  'rr2',
  'rr3',
  'rr4',
  'rr5',
  /** 在线咨询: asked, answered (late: after the answer limit), rated, rated 满意 or better (≥ 3). */
  'consulted',
  'consultAnswered',
  'consultLate',
  'consultRated',
  'consultSatisfied',
] as const;
export type CounterName = (typeof COUNTERS)[number] | `tag:${string}`;
export type Counters = Partial<Record<CounterName, number>>;

/** Sum of counter sets (the items of a department, the days of a month, the halls of the city …). */
export function sumCounters(rows: readonly Counters[]): Counters {
  const out: Counters = {};
  for (const row of rows)
    for (const [k, v] of Object.entries(row))
      if (typeof v === 'number' && (k.startsWith('tag:') || (COUNTERS as readonly string[]).includes(k)))
        out[k as CounterName] = (out[k as CounterName] ?? 0) + v;
  return out;
}

/** What a unit handled (finished) in a period: 办结, 不予受理, 撤回, 未缴费终止. */
export const handledOf = (c: Counters) =>
  (c.completed ?? 0) + (c.refused ?? 0) + (c.withdrawn ?? 0) + (c.unpaid ?? 0);

/** Only the counter attributes of a stored row (keys and labels dropped). */
export const countersOf = (row: Record<string, unknown>): Counters => sumCounters([row as Counters]);

const n = (c: Counters, k: CounterName) => c[k] ?? 0;
/** A share, or null when nothing was there to share (never a 0 % out of nothing). */
const ratio = (num: number, den: number): number | null => (den > 0 ? num / den : null);

export interface Indicators {
  filed: number;
  accepted: number;
  refused: number;
  completed: number;
  onTime: number;
  overdue: number;
  paused: number;
  rated: number;
  /** 差评 (不满意, 非常不满意). */
  bad: number;
  rectOpened: number;
  rectFinished: number;
  /** 网上办理率: filed through the portal (by the applicant or an agent point) / all filed. */
  onlineRate: number | null;
  /** 全程网办率: filed online for an item of online depth IV / all filed. */
  fullyOnlineRate: number | null;
  /** 按时办结率: completed within the promised limit / completed. */
  onTimeRate: number | null;
  /** 服务满意率: 非常满意 + 满意 + 基本满意 / ratings (GB/T 39734: the three are 好评). */
  satisfactionRate: number | null;
  /** 差评整改率: rectifications finished / opened. */
  rectificationRate: number | null;
  /** Average working days used by a completed case, and the average it promised. */
  avgDays: number | null;
  avgPromisedDays: number | null;
  /** 平均跑动次数: on-site visits per filed case. */
  avgVisits: number | null;
  /** 事项进驻率: items that take applications on the platform (online depth III–IV) / all items. */
  coverage: number | null;
}

export interface ItemCoverage {
  /** Items of the catalogue (of the hall or department). */
  items: number;
  /** Of them, those that take an application online (online depth ≥ 3). */
  online: number;
}

export function indicators(c: Counters, coverage?: ItemCoverage): Indicators {
  const filed = n(c, 'filed');
  const completed = n(c, 'completed');
  const rated = n(c, 'rated');
  const good = n(c, 'r5') + n(c, 'r4') + n(c, 'r3');
  return {
    filed,
    accepted: n(c, 'accepted'),
    refused: n(c, 'refused'),
    completed,
    onTime: n(c, 'onTime'),
    overdue: n(c, 'overdue'),
    paused: n(c, 'paused'),
    rated,
    bad: n(c, 'r1') + n(c, 'r2'),
    rectOpened: n(c, 'rectOpened'),
    rectFinished: n(c, 'rectFinished'),
    onlineRate: ratio(n(c, 'filed_online') + n(c, 'filed_agent'), filed),
    fullyOnlineRate: ratio(n(c, 'filed_full'), filed),
    onTimeRate: ratio(n(c, 'onTime'), n(c, 'onTime') + n(c, 'overdue')),
    satisfactionRate: ratio(good, rated),
    rectificationRate: ratio(n(c, 'rectFinished'), n(c, 'rectOpened')),
    avgDays: ratio(n(c, 'daysUsed'), completed),
    avgPromisedDays: ratio(n(c, 'daysPromised'), completed),
    avgVisits: ratio(n(c, 'visits'), filed),
    coverage: coverage ? ratio(coverage.online, coverage.items) : null,
  };
}

export type RateKey =
  | 'onlineRate'
  | 'fullyOnlineRate'
  | 'onTimeRate'
  | 'satisfactionRate'
  | 'rectificationRate'
  | 'coverage';

/** The rates published and ranked, in the order pages show them, with their names. */
export const RATES: readonly { key: RateKey; name: string }[] = [
  { key: 'onTimeRate', name: '按时办结率' },
  { key: 'satisfactionRate', name: '服务满意率' },
  { key: 'onlineRate', name: '网上办理率' },
  { key: 'fullyOnlineRate', name: '全程网办率' },
  { key: 'rectificationRate', name: '差评整改率' },
  { key: 'coverage', name: '事项进驻率' },
];

/**
 * The composite score a ranking orders by: the mean of 按时办结率, 服务满意率, 网上办理率 and
 * 全程网办率, each counted only where it exists (a department nobody rated is not marked down for
 * it), ×100. Null when none exists (nothing filed or completed this month).
 */
export const SCORE_RATES: readonly RateKey[] = [
  'onTimeRate',
  'satisfactionRate',
  'onlineRate',
  'fullyOnlineRate',
];

export function score(i: Indicators): number | null {
  const values = SCORE_RATES.map((k) => i[k]).filter((v): v is number => v !== null);
  return values.length ? (values.reduce((a, b) => a + b, 0) / values.length) * 100 : null;
}

/**
 * Competition ranks (1, 2, 2, 4) by a value, highest first; entries without a value get no rank.
 * Ties are equal to 1e-9, so rates from different counts that are really equal tie.
 */
export function rankBy<T>(entries: readonly T[], value: (e: T) => number | null): (number | null)[] {
  const values = entries.map(value);
  return values.map((v) => (v === null ? null : 1 + values.filter((o) => o !== null && o > v + 1e-9).length));
}

export interface Ranked<T> {
  entry: T;
  indicators: Indicators;
  score: number | null;
  /** By the score. */
  rank: number | null;
  /** By each rate. */
  ranks: Record<RateKey, number | null>;
}

/** Indicators, score and ranks of a set of units (departments of a hall, halls of the city). */
export function rank<T>(units: readonly { entry: T; indicators: Indicators }[]): Ranked<T>[] {
  const scores = units.map((u) => score(u.indicators));
  const overall = rankBy(scores, (s) => s);
  const per = Object.fromEntries(
    RATES.map(({ key }) => [key, rankBy(units, (u) => u.indicators[key])]),
  ) as Record<RateKey, (number | null)[]>;
  return units.map((u, i) => ({
    entry: u.entry,
    indicators: u.indicators,
    score: scores[i],
    rank: overall[i],
    ranks: Object.fromEntries(RATES.map(({ key }) => [key, per[key][i]])) as Record<RateKey, number | null>,
  }));
}

/** Complaint tags by count, most first (ties by name), from counters. */
export function topTags(c: Counters, limit = 5): { tag: string; count: number }[] {
  return Object.entries(c)
    .filter(([k, v]) => k.startsWith('tag:') && typeof v === 'number' && v > 0)
    .map(([k, v]) => ({ tag: k.slice(4), count: v as number }))
    .sort((a, b) => b.count - a.count || a.tag.localeCompare(b.tag, 'zh-CN'))
    .slice(0, limit);
}

/** 好差评 public figures of a unit: counts by level and channel, 差评, rectification. */
export function ratingFigures(c: Counters) {
  return {
    rated: n(c, 'rated'),
    byLevel: { 5: n(c, 'r5'), 4: n(c, 'r4'), 3: n(c, 'r3'), 2: n(c, 'r2'), 1: n(c, 'r1') },
    byChannel: Object.fromEntries(CHANNELS.map((ch) => [ch, n(c, `rated_${ch}`)])) as Record<Channel, number>,
    bad: n(c, 'r1') + n(c, 'r2'),
    rectification: {
      opened: n(c, 'rectOpened'),
      visited: n(c, 'rectVisited'),
      finished: n(c, 'rectFinished'),
      late: n(c, 'rectLate'),
      rate: ratio(n(c, 'rectFinished'), n(c, 'rectOpened')),
      rerated: n(c, 'rerated'),
      reratedSatisfied: n(c, 'rr5') + n(c, 'rr4') + n(c, 'rr3'),
    },
    topTags: topTags(c),
  };
}
export type RatingFigures = ReturnType<typeof ratingFigures>;

/** A share as people read it: `96.4%`, or `—` when there is none. */
export const percent = (v: number | null, digits = 1) => (v === null ? '—' : `${(v * 100).toFixed(digits)}%`);

/** `2026-03` and the 11 months before it, oldest first. */
export function monthsUpTo(month: string, count = 12): string[] {
  const [y, m] = month.split('-').map(Number);
  const out: string[] = [];
  for (let i = count - 1; i >= 0; i--) {
    const total = y * 12 + (m - 1) - i;
    out.push(`${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, '0')}`);
  }
  return out;
}

export const MONTH_PATTERN = /^(20\d\d)-(0[1-9]|1[0-2])$/;

/** Column names of the counters in exports and tables. */
export const COUNTER_NAMES: Record<(typeof COUNTERS)[number], string> = {
  filed: '申办量',
  filed_online: '网上申办',
  filed_window: '窗口申办',
  filed_agent: '代办点申办',
  filed_full: '全程网办',
  visits: '到现场次数',
  accepted: '受理',
  refused: '不予受理',
  completed: '办结',
  approved: '准予',
  denied: '不予许可',
  withdrawn: '撤回',
  unpaid: '未缴费终止',
  onTime: '按时办结',
  overdue: '超期办结',
  daysUsed: '办结用时（工作日）',
  daysPromised: '承诺时限（工作日）',
  paused: '暂停计时',
  corrections: '补正',
  specials: '特别程序',
  rated: '评价数',
  rated_online: '评价·网上申办',
  rated_window: '评价·窗口',
  rated_agent: '评价·代办点',
  r1: '非常不满意',
  r2: '不满意',
  r3: '基本满意',
  r4: '满意',
  r5: '非常满意',
  rectOpened: '差评整改·立项',
  rectVisited: '差评整改·已回访',
  rectFinished: '差评整改·已整改',
  rectLate: '差评整改·超期',
  rerated: '整改评价数',
  rr1: '整改评价·非常不满意',
  rr2: '整改评价·不满意',
  rr3: '整改评价·基本满意',
  rr4: '整改评价·满意',
  rr5: '整改评价·非常满意',
  consulted: '咨询量',
  consultAnswered: '咨询答复',
  consultLate: '咨询超期答复',
  consultRated: '咨询评价',
  consultSatisfied: '咨询满意',
};

/** What GET /api/halls/<hall>/stats answers for a month (functions/stats/report.ts builds it). */
export interface DeptReport {
  code: string;
  name: string;
  /** Cases in handling now (filed, not yet finished). */
  inProgress: number;
  /** Finished this month (办结, 不予受理, 撤回 …): what the department handled. */
  handled: number;
  indicators: Indicators;
  ratings: RatingFigures;
  score: number | null;
  rank: number | null;
  ranks: Record<RateKey, number | null>;
}

export interface MonthReport {
  hallId: string;
  month: string;
  hall: {
    inProgress: number;
    handled: number;
    indicators: Indicators;
    ratings: RatingFigures;
    /** The raw counters and catalogue counts, so the city can be summed over halls (the portal does). */
    counters: Counters;
    coverage: ItemCoverage;
  };
  departments: DeptReport[];
  trend: { month: string; counters: Counters; indicators: Indicators }[];
}
