/**
 * Statistics counting (functions/stats/counting.ts) and the indicators (functions/domain/indicators.ts):
 * what each change of a case counts, on which Beijing day, and what the month's indicators and
 * rankings make of the counters.
 */
import { describe, expect, it } from 'vitest';
import {
  type Counters,
  indicators,
  monthsUpTo,
  percent,
  rank,
  rankBy,
  ratingFigures,
  score,
  sumCounters,
  topTags,
} from '#domain/indicators.ts';
import {
  type CaseImage,
  type ConsultImage,
  countChange,
  countConsultChange,
  maskedApplicant,
  publishableText,
} from '#functions/stats/counting.ts';
import { countingItems } from '#functions/stats/store.ts';
import { calendar } from '#lib/calendar.ts';

const filed: CaseImage = {
  caseNo: '341602-20260302-000001',
  version: 1,
  itemCode: 'ITEM-1',
  itemName: '测试事项',
  deptCode: '341602-mzj',
  deptName: '谯城区民政局',
  status: 'submitted',
  // 2026-03-02 09:00 Beijing
  filedAt: '2026-03-02T01:00:00.000Z',
  promisedDays: 5,
  pauses: [],
  applicant: { name: '张三丰' },
};
const deps = { cal: calendar, item: { onlineDepth: 4, visits: 0 } };
const counters = (c: ReturnType<typeof countChange>) => sumCounters(c.days.map((d) => d.counters));

describe('countChange', () => {
  it('a new case counts as filed, by channel, fully online for a depth-IV item, and in handling', () => {
    const c = countChange(undefined, filed, deps);
    expect(c.days).toEqual([{ date: '2026-03-02', counters: { filed: 1, filed_online: 1, filed_full: 1 } }]);
    expect(c.open).toBe(1);
    expect(c.disclosure).toMatchObject({
      caseNo: filed.caseNo,
      applicant: '张**',
      status: 'submitted',
      v: 1,
    });
  });

  it('an agent filing counts as 代办点, a window filing at least one visit, and no 全程网办', () => {
    const agent = countChange(undefined, { ...filed, agent: { sub: 'a' } }, deps);
    expect(counters(agent)).toMatchObject({ filed_agent: 1, filed_full: 1 });
    const window = countChange(
      undefined,
      { ...filed, channel: 'window' },
      { cal: calendar, item: { onlineDepth: 4, visits: 0 } },
    );
    expect(counters(window)).toEqual({ filed: 1, filed_window: 1, visits: 1 });
  });

  it('counts on the Beijing day: 23:30 on 31 March (UTC 15:30) is March, 00:30 on 1 April is April', () => {
    const late = countChange(undefined, { ...filed, filedAt: '2026-03-31T15:30:00.000Z' }, deps);
    expect(late.days[0].date).toBe('2026-03-31');
    const early = countChange(undefined, { ...filed, filedAt: '2026-03-31T16:30:00.000Z' }, deps);
    expect(early.days[0].date).toBe('2026-04-01');
  });

  const accepted: CaseImage = {
    ...filed,
    version: 2,
    status: 'accepted',
    acceptedAt: '2026-03-02T02:00:00.000Z',
    deadlines: { case: '2026-03-09T16:00:00.000Z' },
  };

  it('acceptance, a 补正 pause and completion on time with the working days used', () => {
    expect(counters(countChange(filed, accepted, deps))).toEqual({ accepted: 1 });
    const paused: CaseImage = {
      ...accepted,
      version: 3,
      status: 'correcting',
      pauses: [{ from: '2026-03-03T02:00:00.000Z', reason: '补正' }],
    };
    expect(counters(countChange(accepted, paused, deps))).toEqual({ paused: 1, corrections: 1 });
    const resumed: CaseImage = {
      ...paused,
      version: 4,
      status: 'accepted',
      pauses: [{ from: '2026-03-03T02:00:00.000Z', to: '2026-03-04T02:00:00.000Z', reason: '补正' }],
    };
    expect(countChange(paused, resumed, deps).days).toEqual([]);
    const done: CaseImage = {
      ...resumed,
      version: 5,
      status: 'approved',
      result: { outcome: 'approved', at: '2026-03-06T02:00:00.000Z' },
    };
    const c = countChange(resumed, done, deps);
    expect(counters(c)).toMatchObject({ completed: 1, approved: 1, onTime: 1, daysPromised: 5 });
    expect(counters(c).daysUsed).toBeGreaterThanOrEqual(2);
    expect(counters(c).daysUsed).toBeLessThanOrEqual(4);
    expect(c.open).toBe(-1);
  });

  it('completion after the case deadline is overdue; refusal and withdrawal are not completions', () => {
    const late: CaseImage = {
      ...accepted,
      version: 3,
      status: 'approved',
      result: { outcome: 'approved', at: '2026-03-20T02:00:00.000Z' },
    };
    expect(counters(countChange(accepted, late, deps))).toMatchObject({ completed: 1, overdue: 1 });
    const refused: CaseImage = {
      ...filed,
      version: 2,
      status: 'refused',
      result: { outcome: 'refused', at: '2026-03-02T03:00:00.000Z' },
    };
    const r = countChange(filed, refused, deps);
    expect(counters(r)).toEqual({ refused: 1 });
    expect(r.open).toBe(-1);
  });

  const done: CaseImage = {
    ...accepted,
    version: 3,
    status: 'delivered',
    result: { outcome: 'approved', at: '2026-03-05T02:00:00.000Z' },
  };

  it('a 差评 counts its level, channel and known tags, and opens a rectification; the fix is published masked', () => {
    const rated: CaseImage = {
      ...done,
      version: 4,
      rating: {
        level: 1,
        tags: ['超过法定办理时间', '超过法定办理时间', '不存在的标签'],
        at: '2026-03-06T02:00:00.000Z',
      },
      rectification: { openedAt: '2026-03-06T02:00:00.000Z' },
    };
    expect(counters(countChange(done, rated, deps))).toEqual({
      rated: 1,
      rated_online: 1,
      r1: 1,
      'tag:超过法定办理时间': 1,
      rectOpened: 1,
    });
    const fixed: CaseImage = {
      ...rated,
      version: 5,
      rectification: {
        openedAt: rated.rectification!.openedAt,
        visit: { at: '2026-03-06T03:00:00.000Z' },
        fix: {
          at: '2026-03-09T03:00:00.000Z',
          note: '已联系申请人 13800000001，身份证 341602199001011234 已核实，流程已优化',
        },
      },
    };
    const c = countChange(rated, fixed, deps);
    expect(counters(c)).toEqual({ rectVisited: 1, rectFinished: 1 });
    expect(c.rectified).toMatchObject({ level: 1, tags: ['超过法定办理时间'] });
    expect(c.rectified!.fix).not.toContain('13800000001');
    expect(c.rectified!.fix).not.toContain('341602199001011234');
    // Status unchanged: the 公示 row is not rewritten.
    expect(c.disclosure).toBeUndefined();
    const rerated: CaseImage = {
      ...fixed,
      version: 6,
      rectification: { ...fixed.rectification!, rating: { level: 4, at: '2026-03-10T03:00:00.000Z' } },
    };
    const rr = countChange(fixed, rerated, deps);
    expect(counters(rr)).toEqual({ rerated: 1, rr4: 1 });
    expect(rr.rectified).toMatchObject({ rerating: 4, v: 6 });
  });

  it('a good rating carries no tags; a version that changes nothing counted counts nothing', () => {
    const good: CaseImage = {
      ...done,
      version: 4,
      rating: { level: 5, tags: ['其他'], at: '2026-03-06T02:00:00.000Z' },
    };
    expect(counters(countChange(done, good, deps))).toEqual({ rated: 1, rated_online: 1, r5: 1 });
    const same = countChange(good, { ...good, version: 5 }, deps);
    expect(same.days).toEqual([]);
    expect(same.open).toBe(0);
    expect(countingItems('t', same, { versioned: true, nowSeconds: 0 })).toEqual([]);
  });

  it('an upheld appeal (评价申诉成立) takes the rating and its rectification out of every figure', () => {
    const rated: CaseImage = {
      ...done,
      version: 4,
      rating: { level: 2, tags: ['服务态度差'], at: '2026-03-06T02:00:00.000Z' },
      rectification: { openedAt: '2026-03-06T02:00:00.000Z', visit: { at: '2026-03-06T03:00:00.000Z' } },
    };
    const excluded: CaseImage = {
      ...rated,
      version: 5,
      rating: { ...rated.rating!, excluded: true },
    };
    const c = countChange(rated, excluded, deps);
    expect(c.days).toEqual([
      {
        date: '2026-03-06',
        counters: {
          rated: -1,
          rated_online: -1,
          r2: -1,
          'tag:服务态度差': -1,
          rectOpened: -1,
          rectVisited: -1,
        },
      },
    ]);
    // Nothing after it counts (a later version of the excluded rating).
    expect(countChange(excluded, { ...excluded, version: 6 }, deps).days).toEqual([]);
  });

  it('masks applicants and enterprise names', () => {
    expect(maskedApplicant({ ...filed, applicant: { name: '欧阳娜娜' } })).toBe('欧***');
    expect(
      maskedApplicant({ ...filed, applicant: { name: '张三', enterprise: '亳州市薛阁贸易有限公司' } }),
    ).toBe('亳州*******公司');
    expect(publishableText('x'.repeat(300)).length).toBeLessThanOrEqual(201);
  });
});

describe('countConsultChange (在线咨询)', () => {
  const asked: ConsultImage = {
    consultNo: 'ZX341602-20260302-K7QM3X',
    version: 1,
    itemCode: 'ITEM-1',
    deptCode: 'D1',
    askedAt: '2026-03-02T02:00:00.000Z',
    deadlines: { answer: '2026-03-09T10:00:00.000Z' },
  };
  const days = (c: ReturnType<typeof countConsultChange>) =>
    Object.fromEntries(c.days.map((d) => [d.date, d.counters]));

  it('counts the question on the day asked, the answer late or not, and the rating', () => {
    expect(days(countConsultChange(undefined, asked))).toEqual({ '2026-03-02': { consulted: 1 } });
    const late = { ...asked, version: 2, answer: { at: '2026-03-10T02:00:00.000Z' } };
    expect(days(countConsultChange(asked, late))).toEqual({
      '2026-03-10': { consultAnswered: 1, consultLate: 1 },
    });
    const onTime = { ...asked, version: 2, answer: { at: '2026-03-03T02:00:00.000Z' } };
    expect(days(countConsultChange(asked, onTime))).toEqual({ '2026-03-03': { consultAnswered: 1 } });
    const rated = { ...onTime, version: 3, rating: { level: 3, at: '2026-03-04T02:00:00.000Z' } };
    expect(days(countConsultChange(onTime, rated))).toEqual({
      '2026-03-04': { consultRated: 1, consultSatisfied: 1 },
    });
    const bad = { ...rated, rating: { level: 2, at: rated.rating.at } };
    expect(days(countConsultChange(onTime, bad))).toEqual({ '2026-03-04': { consultRated: 1 } });
  });

  it('counts nothing for a change that adds no fact (an FAQ published), keyed by number and version', () => {
    const answered = { ...asked, version: 2, answer: { at: '2026-03-03T02:00:00.000Z' } };
    const published = countConsultChange(answered, { ...answered, version: 3 });
    expect(published).toMatchObject({ caseNo: asked.consultNo, version: 3, days: [], open: 0 });
  });
});

describe('countingItems (the transaction of one counted version)', () => {
  it('puts the version marker first (only if absent) and one update per row, even over two days of one month', () => {
    const c = countChange(undefined, filed, deps);
    c.days.push({ date: '2026-03-03', counters: { paused: 1 } });
    const items = countingItems('stats', c, { versioned: true, nowSeconds: 1000 });
    expect(items[0].Put).toMatchObject({
      Item: { pk: `MARK#${filed.caseNo}`, sk: 'V#1' },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    const keys = items.map((i) =>
      JSON.stringify(i.Put?.Item ? { pk: i.Put.Item.pk, sk: i.Put.Item.sk } : i.Update?.Key),
    );
    expect(new Set(keys).size).toBe(keys.length);
    // marker, 2 day rows, item/dept/hall month rows, the trend row, the in-handling gauge, the 公示 row
    expect(items).toHaveLength(9);
    const hall = items.find((i) => i.Update?.Key?.sk === 'H')!;
    expect(Object.values(hall.Update!.ExpressionAttributeValues!)).toEqual(
      expect.arrayContaining([1, 1, 1, 1]),
    );
  });
});

describe('indicators', () => {
  const c: Counters = {
    filed: 10,
    filed_online: 6,
    filed_agent: 2,
    filed_window: 2,
    filed_full: 4,
    visits: 5,
    completed: 8,
    onTime: 6,
    overdue: 2,
    daysUsed: 24,
    daysPromised: 40,
    rated: 4,
    r5: 2,
    r3: 1,
    r1: 1,
    'tag:服务态度差': 1,
    rectOpened: 1,
    rectFinished: 1,
  };

  it('are the shares DOMAIN.md §6 defines, null where nothing was there to share', () => {
    const i = indicators(c, { items: 20, online: 15 });
    expect(i).toMatchObject({
      onlineRate: 0.8,
      fullyOnlineRate: 0.4,
      onTimeRate: 0.75,
      satisfactionRate: 0.75,
      rectificationRate: 1,
      avgDays: 3,
      avgPromisedDays: 5,
      avgVisits: 0.5,
      coverage: 0.75,
      bad: 1,
    });
    const empty = indicators({});
    expect(empty.onTimeRate).toBeNull();
    expect(empty.coverage).toBeNull();
    expect(score(empty)).toBeNull();
    expect(percent(0.756)).toBe('75.6%');
    expect(percent(null)).toBe('—');
  });

  it('rank by score with ties sharing a rank, units without a value unranked', () => {
    expect(rankBy([0.9, null, 0.5, 0.9], (v) => v)).toEqual([1, null, 3, 1]);
    const ranked = rank([
      { entry: 'a', indicators: indicators({ filed: 2, filed_online: 2, completed: 1, onTime: 1 }) },
      { entry: 'b', indicators: indicators({ filed: 2, filed_online: 1, completed: 1, overdue: 1 }) },
      { entry: 'c', indicators: indicators({}) },
    ]);
    expect(ranked.map((r) => r.rank)).toEqual([1, 2, null]);
    expect(ranked[1].ranks.onTimeRate).toBe(2);
  });

  it('好差评 figures and top tags', () => {
    const f = ratingFigures({ ...c, rated_online: 3, rated_agent: 1, 'tag:超过法定办理时间': 3 });
    expect(f.byLevel).toEqual({ 5: 2, 4: 0, 3: 1, 2: 0, 1: 1 });
    expect(f.byChannel).toEqual({ online: 3, window: 0, agent: 1 });
    expect(f.rectification.rate).toBe(1);
    expect(topTags({ 'tag:a': 1, 'tag:b': 3, filed: 9 })).toEqual([
      { tag: 'b', count: 3 },
      { tag: 'a', count: 1 },
    ]);
  });

  it('sums only counters and walks months back across a year', () => {
    expect(sumCounters([{ filed: 1 }, { filed: 2, pk: 'x' } as unknown as Counters])).toEqual({ filed: 3 });
    expect(monthsUpTo('2026-02', 3)).toEqual(['2025-12', '2026-01', '2026-02']);
  });
});
