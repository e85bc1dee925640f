/**
 * GET /stats/export?month=YYYY-MM&format=csv|xlsx[&sheet=dept|item|day] — a month of this hall's
 * counters for supervisors (of this hall, or city-wide) and operators. XLSX holds three sheets
 * (部门 with indicators and ranks, 事项, 按日); CSV one of them (`sheet`, default 部门), UTF-8 with a
 * BOM so spreadsheet programs read the Chinese. The file travels inside the JSON answer
 * (`{ filename, mediaType, encoding, data }`; base64 for XLSX) like every answer of the API; the
 * portal turns it into a download. Reads month rows only, never cases.
 */
import { z } from 'zod';
import { nowMs } from '#domain/clock.ts';
import {
  COUNTER_NAMES,
  COUNTERS,
  type Counters,
  MONTH_PATTERN,
  type MonthReport,
  RATES,
} from '#domain/indicators.ts';
import { dynamo, env } from '#lib/aws.ts';
import { api, HttpError, httpErrors } from '#lib/http.ts';
import type { Principal } from '#lib/principal.ts';
import { type StatsCatalogue, statsCatalogue } from './catalogue.ts';
import { currentMonth, monthReport } from './report.ts';
import { readMonthDays, readMonthItems } from './store.ts';

const query = z.object({
  month: z.string().regex(MONTH_PATTERN, '月份格式应为 2026-03'),
  format: z.enum(['csv', 'xlsx']).default('xlsx'),
  sheet: z.enum(['dept', 'item', 'day']).default('dept'),
});

/** Supervisors of this hall or of the city, and operators. */
export function mayExport(who: Principal, hallId: string): boolean {
  if (who.roles.includes('operator')) return true;
  return who.roles.includes('supervisor') && (who.hall === '*' || who.hall === hallId);
}

type Cell = string | number | null;
interface Sheet {
  name: string;
  header: string[];
  rows: Cell[][];
}

const counterCells = (c: Counters): number[] => COUNTERS.map((k) => c[k] ?? 0);
const rate = (v: number | null) => (v === null ? null : Math.round(v * 10_000) / 100);

function deptSheet(report: MonthReport): Sheet {
  return {
    name: '部门',
    header: [
      '部门编码',
      '部门',
      '排名',
      '综合得分',
      ...RATES.map((r) => `${r.name}(%)`),
      '在办',
      '已办',
      '平均用时（工作日）',
      '平均承诺（工作日）',
    ],
    rows: report.departments.map((d) => [
      d.code,
      d.name,
      d.rank,
      d.score === null ? null : Math.round(d.score * 100) / 100,
      ...RATES.map((r) => rate(d.indicators[r.key])),
      d.inProgress,
      d.handled,
      d.indicators.avgDays === null ? null : Math.round(d.indicators.avgDays * 100) / 100,
      d.indicators.avgPromisedDays === null ? null : Math.round(d.indicators.avgPromisedDays * 100) / 100,
    ]),
  };
}

const itemName = (cat: StatsCatalogue, code: string) => cat.items.get(code)?.name ?? '';
const deptName = (cat: StatsCatalogue, code: string) => cat.depts.get(code)?.name ?? code;

async function itemSheet(table: string, month: string, cat: StatsCatalogue): Promise<Sheet> {
  const rows = await readMonthItems(dynamo, table, month);
  return {
    name: '事项',
    header: ['部门', '事项编码', '事项', ...COUNTERS.map((k) => COUNTER_NAMES[k])],
    rows: rows.map((r) => [
      deptName(cat, r.deptCode),
      r.itemCode,
      itemName(cat, r.itemCode),
      ...counterCells(r.counters),
    ]),
  };
}

async function daySheet(table: string, month: string, cat: StatsCatalogue): Promise<Sheet> {
  const rows = await readMonthDays(dynamo, table, month);
  return {
    name: '按日',
    header: ['日期', '部门', '事项编码', '事项', ...COUNTER_NAMES_LIST],
    rows: rows
      .sort((a, b) => a.date.localeCompare(b.date))
      .map((r) => [
        r.date,
        deptName(cat, r.deptCode),
        r.itemCode,
        itemName(cat, r.itemCode),
        ...counterCells(r.counters),
      ]),
  };
}
const COUNTER_NAMES_LIST = COUNTERS.map((k) => COUNTER_NAMES[k]);

/** A CSV field: quoted when needed; a leading = + - @ is neutralised (no formulas from data). */
export function csvField(v: Cell): string {
  if (v === null) return '';
  if (typeof v === 'number') return String(v);
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export const toCsv = (s: Sheet) =>
  `\uFEFF${[s.header, ...s.rows].map((row) => row.map(csvField).join(',')).join('\r\n')}\r\n`;

async function toXlsx(sheets: Sheet[], title: string): Promise<Buffer> {
  // Loaded only for a workbook: the CSV path and cold starts do without it.
  const { default: ExcelJS } = await import('exceljs');
  const book = new ExcelJS.Workbook();
  book.creator = '亳州市网上办事大厅';
  book.title = title;
  for (const s of sheets) {
    const ws = book.addWorksheet(s.name, { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.addRow(s.header).font = { bold: true };
    for (const row of s.rows) ws.addRow(row);
    ws.columns.forEach((col, i) => {
      col.width = Math.min(40, Math.max(8, (s.header[i]?.length ?? 4) * 2 + 2));
    });
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}

export const handler = api({ auth: 'user', query }, async ({ query, principal }) => {
  const hallId = env('HALL_ID');
  if (!mayExport(principal!, hallId))
    throw httpErrors.forbidden('只有本厅（或全市）监察人员和运营人员可以导出统计');
  if (query.month > currentMonth(new Date(nowMs())))
    throw new HttpError(400, 'BAD_MONTH', '只能导出本月及以前的统计', [
      { field: 'month', message: '只能导出本月及以前的统计' },
    ]);
  const table = env('STATS_TABLE');
  const cat = await statsCatalogue();
  const base = `办件统计-${hallId}-${query.month}`;
  if (query.format === 'csv') {
    const sheet =
      query.sheet === 'dept'
        ? deptSheet(await monthReport(dynamo, table, hallId, query.month, cat))
        : query.sheet === 'item'
          ? await itemSheet(table, query.month, cat)
          : await daySheet(table, query.month, cat);
    return {
      body: {
        filename: `${base}-${sheet.name}.csv`,
        mediaType: 'text/csv; charset=utf-8',
        encoding: 'utf-8',
        data: toCsv(sheet),
      },
    };
  }
  const [report, items, days] = await Promise.all([
    monthReport(dynamo, table, hallId, query.month, cat),
    itemSheet(table, query.month, cat),
    daySheet(table, query.month, cat),
  ]);
  const xlsx = await toXlsx([deptSheet(report), items, days], base);
  return {
    body: {
      filename: `${base}.xlsx`,
      mediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      encoding: 'base64',
      data: xlsx.toString('base64'),
    },
  };
});
