'use client';

import Link from 'next/link';
import { useEffect, useMemo, useState } from 'react';
import { CHANNEL_NAMES, CHANNELS, monthsUpTo, percent, RATES } from '../../../functions/domain/indicators.ts';
import { RATING_LEVELS, RATING_NAMES } from '../../../functions/domain/vocabulary.ts';
import { ChartFigure } from '../../components/ChartFigure.tsx';
import { useHalls } from '../../components/HallContext.tsx';
import styles from '../../components/Stats.module.css';
import { useStatsView, type View } from '../../components/StatsData.ts';
import { LoadError, Loading } from '../../components/Status.tsx';

const monthName = (m: string) => `${m.slice(0, 4)}年${Number(m.slice(5))}月`;
const days = (v: number | null) => (v === null ? '—' : v.toFixed(1));

/** /stats/ — 办件统计: a hall's (or the city's) month, ranked, with its trend and 好差评. */
export function StatsPage() {
  const { halls } = useHalls();
  const [scope, setScope] = useState('city');
  // The server's month (business time) until one is chosen: the browser's clock may differ.
  const [month, setMonth] = useState<string>();
  const hallList = halls.status === 'ready' ? halls.data : undefined;
  const [load, reload] = useStatsView(scope, month, hallList);
  const [latest, setLatest] = useState<string>();
  const loadedMonth = load.status === 'ready' ? load.view.month : undefined;
  useEffect(() => {
    if (loadedMonth) setLatest((l) => l ?? loadedMonth);
  }, [loadedMonth]);
  const months = useMemo(() => (latest ? monthsUpTo(latest).reverse() : []), [latest]);

  return (
    <>
      <form className={`panel ${styles.filters}`} onSubmit={(e) => e.preventDefault()}>
        <label>
          <span>办事大厅</span>
          <select value={scope} onChange={(e) => setScope(e.target.value)}>
            <option value="city">全市（各厅合计）</option>
            {hallList?.map((h) => (
              <option key={h.id} value={h.id}>
                {h.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>月份</span>
          <select value={month ?? latest ?? ''} onChange={(e) => setMonth(e.target.value)}>
            {months.map((m) => (
              <option key={m} value={m}>
                {monthName(m)}
              </option>
            ))}
          </select>
        </label>
      </form>
      {halls.status === 'error' && <LoadError message={halls.message} />}
      {load.status === 'loading' && <Loading>正在加载统计…</Loading>}
      {load.status === 'error' && <LoadError message={load.message} onRetry={reload} />}
      {load.status === 'ready' && <Report view={load.view} />}
    </>
  );
}

function Report({ view }: { view: View }) {
  const s = view.summary;
  const i = s.indicators;
  const units = view.units;

  // Only units with cases: a hall has dozens of departments, most without a case in a given month.
  const busiest = useMemo(
    () => units.filter((u) => u.handled + u.inProgress + u.indicators.filed > 0),
    [units],
  );
  const unitChart = useMemo(
    () => ({
      labels: busiest.map((u) => u.name),
      series: [
        { label: '已办结', data: busiest.map((u) => u.handled) },
        { label: '在办', data: busiest.map((u) => u.inProgress) },
      ],
    }),
    [busiest],
  );
  const trendChart = useMemo(
    () => ({
      labels: view.trend.map((t) => `${Number(t.month.slice(5))}月`),
      series: [
        { label: '申办', data: view.trend.map((t) => t.indicators.filed) },
        { label: '办结', data: view.trend.map((t) => t.handled) },
        {
          label: '按时办结率（%）',
          data: view.trend.map((t) =>
            t.indicators.onTimeRate === null ? null : Math.round(t.indicators.onTimeRate * 1000) / 10,
          ),
          line: true,
          axis: 'rate' as const,
        },
      ],
    }),
    [view.trend],
  );
  const levels = useMemo(
    () => ({
      labels: RATING_LEVELS.map((l) => RATING_NAMES[l]),
      series: [{ label: '评价数', data: RATING_LEVELS.map((l) => s.ratings.byLevel[l]) }],
    }),
    [s.ratings],
  );

  return (
    <div className={styles.report}>
      <h2 className={styles.scopeTitle}>
        {view.title} · {monthName(view.month)}
      </h2>
      <dl className={styles.figures}>
        <Figure label="申办" value={String(i.filed)} />
        <Figure label="办结" value={String(s.handled)} />
        <Figure label="在办" value={String(s.inProgress)} />
        <Figure label="按时办结率" value={percent(i.onTimeRate)} />
        <Figure label="服务满意率" value={percent(i.satisfactionRate)} />
        <Figure label="网上办理率" value={percent(i.onlineRate)} />
        <Figure label="全程网办率" value={percent(i.fullyOnlineRate)} />
        <Figure label="事项进驻率" value={percent(i.coverage)} />
        <Figure label="平均用时 / 承诺（工作日）" value={`${days(i.avgDays)} / ${days(i.avgPromisedDays)}`} />
        <Figure label="平均跑动次数" value={days(i.avgVisits)} />
      </dl>

      <ChartFigure
        title={`各${view.unitName}已办结与在办件数`}
        kind="bar"
        horizontal
        labels={unitChart.labels}
        series={unitChart.series}
        note={`已办结为本月办结、不予受理或撤回的件数；在办为当前尚未办结的件数。其余 ${units.length - busiest.length} 个${view.unitName}本月无办件。`}
        table={{
          head: [view.unitName, '已办结', '在办', '申办'],
          rows: busiest.map((u) => [u.name, u.handled, u.inProgress, u.indicators.filed]),
        }}
      />

      <ChartFigure
        title="近 12 个月办件量与按时办结率"
        kind="bar"
        labels={trendChart.labels}
        series={trendChart.series}
        table={{
          head: ['月份', '申办', '办结', '按时办结率'],
          rows: view.trend.map((t) => [
            monthName(t.month),
            t.indicators.filed,
            t.handled,
            percent(t.indicators.onTimeRate),
          ]),
        }}
      />

      <section className="panel" aria-labelledby="ranking-title">
        <h2 id="ranking-title">{view.unitName}排名</h2>
        <p className={styles.note}>
          综合得分为按时办结率、服务满意率、网上办理率、全程网办率（有数据者）的平均值；本月没有办件的
          {view.unitName}不参与排名。
        </p>
        {busiest.length === 0 ? (
          <p className="status">本月暂无办件。</p>
        ) : (
          <section
            className={styles.tableWrap}
            aria-label={`${view.unitName}排名表`}
            // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must take focus (WCAG 2.1.1)
            tabIndex={0}
          >
            <table className={styles.table}>
              <thead>
                <tr>
                  <th scope="col">名次</th>
                  <th scope="col">{view.unitName}</th>
                  <th scope="col">综合得分</th>
                  {RATES.slice(0, 4).map((r) => (
                    <th key={r.key} scope="col">
                      {r.name}
                    </th>
                  ))}
                  <th scope="col">已办结</th>
                  <th scope="col">在办</th>
                </tr>
              </thead>
              <tbody>
                {busiest.map((u) => (
                  <tr key={u.code}>
                    <td>{u.rank ?? '—'}</td>
                    <th scope="row">{u.name}</th>
                    <td>{u.score === null ? '—' : u.score.toFixed(1)}</td>
                    {RATES.slice(0, 4).map((r) => (
                      <td key={r.key}>{percent(u.indicators[r.key])}</td>
                    ))}
                    <td>{u.handled}</td>
                    <td>{u.inProgress}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        )}
      </section>

      <section className={styles.ratings} aria-labelledby="ratings-title">
        <h2 id="ratings-title">好差评</h2>
        <dl className={styles.figures}>
          <Figure label="评价数" value={String(s.ratings.rated)} />
          <Figure label="差评" value={String(s.ratings.bad)} />
          <Figure label="差评整改率" value={percent(s.ratings.rectification.rate)} />
          <Figure
            label="整改后满意"
            value={`${s.ratings.rectification.reratedSatisfied} / ${s.ratings.rectification.rerated}`}
          />
        </dl>
        <ChartFigure
          title="评价等级分布"
          kind="bar"
          labels={levels.labels}
          series={levels.series}
          table={{
            head: ['等级', '评价数'],
            rows: RATING_LEVELS.map((l) => [RATING_NAMES[l], s.ratings.byLevel[l]]),
          }}
        />
        <div className={`panel ${styles.twoCol}`}>
          <div>
            <h3>按渠道</h3>
            <ul className={styles.plainList}>
              {CHANNELS.map((ch) => (
                <li key={ch}>
                  {CHANNEL_NAMES[ch]}：{s.ratings.byChannel[ch]} 条
                </li>
              ))}
            </ul>
          </div>
          <div>
            <h3>差评主要问题</h3>
            {s.ratings.topTags.length === 0 ? (
              <p>本月暂无差评标签。</p>
            ) : (
              <ol className={styles.plainList}>
                {s.ratings.topTags.map((t) => (
                  <li key={t.tag}>
                    {t.tag}：{t.count} 条
                  </li>
                ))}
              </ol>
            )}
          </div>
        </div>
        <p>
          差评整改情况逐件公示：<Link href="/disclosure/?list=rectified">差评整改公示</Link>
          ；近期办件：<Link href="/disclosure/">办件公示</Link>
        </p>
      </section>
      {view.updatedAt && (
        <p className={styles.note}>
          数据更新于 {view.updatedAt.slice(0, 16).replace('T', ' ')}（每分钟更新）
        </p>
      )}
    </div>
  );
}

function Figure({ label, value }: { label: string; value: string }) {
  return (
    <div className={styles.figure1}>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}
