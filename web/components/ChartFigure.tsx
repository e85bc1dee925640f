'use client';

import { type ReactNode, useEffect, useId, useRef, useState } from 'react';
import styles from './Stats.module.css';

export interface Series {
  label: string;
  data: (number | null)[];
  /** Drawn as a line over bars (a rate beside counts), on the right-hand axis when `axis` is 'rate'. */
  line?: boolean;
  axis?: 'rate';
}

export interface ChartFigureProps {
  title: string;
  kind: 'bar' | 'line' | 'doughnut';
  labels: string[];
  series: Series[];
  /** Bars along the vertical axis (long department names read better on a phone). */
  horizontal?: boolean;
  stacked?: boolean;
  /** The same data as a table: what screen readers read, and anyone may open. */
  table: { head: string[]; rows: ReactNode[][] };
  note?: string;
}

/** Colours from the page's own variables, so care mode's higher contrast carries into the chart. */
function palette(): string[] {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return [
    v('--primary', '#0b4f8a'),
    v('--ok', '#11683a'),
    v('--accent', '#b42318'),
    '#8a5a00',
    '#5b3f99',
    '#4a5260',
  ];
}

/**
 * A chart with its table. chart.js (ChartSetup) is loaded only when the first chart is drawn; the
 * canvas is hidden from assistive technology, which reads the table instead (always in the page,
 * shown on request). Redrawn when care mode changes the root font size and colours.
 */
export function ChartFigure({
  title,
  kind,
  labels,
  series,
  horizontal,
  stacked,
  table,
  note,
}: ChartFigureProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [showTable, setShowTable] = useState(false);
  const [failed, setFailed] = useState(false);
  const [care, setCare] = useState(0);
  const tableId = useId();

  useEffect(() => {
    const root = document.documentElement;
    const observer = new MutationObserver(() => setCare((n) => n + 1));
    observer.observe(root, { attributes: true, attributeFilter: ['data-care'] });
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    let chart: { destroy(): void } | undefined;
    let cancelled = false;
    void care;
    import('./ChartSetup.ts').then(
      ({ Chart }) => {
        if (cancelled || !canvas.current) return;
        const colours = palette();
        const fontSize = Number.parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
        const fg = getComputedStyle(document.documentElement).getPropertyValue('--fg').trim() || '#1f2328';
        Chart.defaults.font.size = Math.round(fontSize * 0.8);
        Chart.defaults.color = fg;
        const rateAxis = series.some((s) => s.axis === 'rate');
        chart = new Chart(canvas.current, {
          type: kind,
          data: {
            labels,
            datasets: series.map((s, i) => ({
              label: s.label,
              data: s.data,
              ...(kind === 'doughnut'
                ? { backgroundColor: labels.map((_, j) => colours[j % colours.length]) }
                : {
                    backgroundColor: colours[i % colours.length],
                    borderColor: colours[i % colours.length],
                  }),
              ...(s.line ? { type: 'line' as const, tension: 0.2, pointRadius: 3 } : {}),
              ...(s.axis === 'rate' ? { yAxisID: 'rate' } : {}),
            })) as never,
          },
          options: {
            responsive: true,
            maintainAspectRatio: false,
            animation: false,
            indexAxis: horizontal ? 'y' : 'x',
            plugins: { legend: { position: 'bottom' } },
            scales:
              kind === 'doughnut'
                ? {}
                : {
                    x: { stacked, ticks: { autoSkip: !horizontal } },
                    y: { stacked, beginAtZero: true, ticks: { precision: 0 } },
                    ...(rateAxis
                      ? { rate: { position: 'right', min: 0, max: 100, grid: { drawOnChartArea: false } } }
                      : {}),
                  },
          } as never,
        });
      },
      () => setFailed(true),
    );
    return () => {
      cancelled = true;
      chart?.destroy();
    };
  }, [kind, labels, series, horizontal, stacked, care]);

  // Horizontal bars need room for every department: the height grows with the rows.
  const height = horizontal ? Math.max(12, labels.length * 2.2 + 6) : 16;
  return (
    <figure className={`panel ${styles.figure}`}>
      <figcaption className={styles.caption}>
        <span>{title}</span>
        <button
          type="button"
          className={`button button-secondary ${styles.tableToggle}`}
          aria-expanded={showTable}
          aria-controls={tableId}
          onClick={() => setShowTable((v) => !v)}
        >
          {showTable ? '收起数据表' : '以表格查看'}
        </button>
      </figcaption>
      {failed ? (
        <p className="status">图表加载失败，请查看下方数据表。</p>
      ) : (
        <div className={styles.canvasBox} style={{ height: `${height}rem` }} aria-hidden="true">
          <canvas ref={canvas} />
        </div>
      )}
      {note && <p className={styles.note}>{note}</p>}
      {/* A wide table scrolls sideways on a phone: focusable so the keyboard can scroll it too. */}
      <section
        id={tableId}
        className={showTable || failed ? styles.tableWrap : 'visually-hidden'}
        aria-label={`${title}（数据表）`}
        tabIndex={showTable || failed ? 0 : undefined}
      >
        <table className={styles.table}>
          <caption className="visually-hidden">{title}（数据表）</caption>
          <thead>
            <tr>
              {table.head.map((h) => (
                <th key={h} scope="col">
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {table.rows.map((row, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: rows are positional, redrawn whole
              <tr key={i}>
                {row.map((cell, j) =>
                  j === 0 ? (
                    // biome-ignore lint/suspicious/noArrayIndexKey: columns are positional
                    <th key={j} scope="row">
                      {cell}
                    </th>
                  ) : (
                    // biome-ignore lint/suspicious/noArrayIndexKey: columns are positional
                    <td key={j}>{cell}</td>
                  ),
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </figure>
  );
}
