'use client';

import { useEffect, useId, useState } from 'react';
import type {
  CalendarLoadReply,
  CalendarLoadView,
  CalendarNotice as Notice,
  ScheduleProblem,
} from '../../../../functions/domain/calendar.ts';
import { CalendarNotice } from '../../../components/CalendarNotice.tsx';
import form from '../../../components/Case.module.css';
import { useAuthApi } from '../../../components/CaseData.ts';
import { CaseGate } from '../../../components/CaseGate.tsx';
import { Empty, LoadError, Loading } from '../../../components/Status.tsx';
import type { ApiError } from '../../../lib/api.ts';
import { authJson } from '../../../lib/auth.ts';
import { useApi } from '../../../lib/useApi.ts';
import styles from '../operator.module.css';

interface CalendarInfo {
  lastOfficialDate: string;
  lastKnownDate: string;
  provisionalYears: number[];
  revision: number;
  /** The years that may be loaded now. */
  loadableYears: number[];
  notice?: Notice;
}

const STATUS_WORDS: Record<CalendarLoadView['status'], string> = {
  running: '正在重算期限',
  done: '已完成',
  failed: '部分未完成',
};

/** One entry per line (commas and 、 also separate); blank lines dropped. */
const entries = (text: string) =>
  text
    .split(/[\n,，、;；]+/)
    .map((s) => s.trim())
    .filter(Boolean);

const DAY_MS = 86_400_000;
/** Consecutive dates as ranges "A..B", for showing a stored schedule in the form again. */
function asRanges(dates: readonly string[]): string {
  const out: string[] = [];
  let start = '';
  let prev = '';
  for (const d of dates) {
    if (prev && Date.parse(d) - Date.parse(prev) === DAY_MS) {
      prev = d;
      continue;
    }
    if (start) out.push(start === prev ? start : `${start}..${prev}`);
    start = prev = d;
  }
  if (start) out.push(start === prev ? start : `${start}..${prev}`);
  return out.join('\n');
}

const dayWord = (working: boolean | null) => (working === null ? '未知' : working ? '工作日' : '放假');

export function CalendarAdmin() {
  return (
    <CaseGate roles={['operator']} returnTo="/operate/calendar/" purpose="录入工作日历">
      {() => <Admin />}
    </CaseGate>
  );
}

function Admin() {
  const [info, reloadInfo] = useApi<CalendarInfo>('/api/calendar');
  const [history, reloadHistory] = useAuthApi<{ loads: CalendarLoadView[] }>('/api/calendar/loads');
  const loads = history.status === 'ready' && Array.isArray(history.data?.loads) ? history.data.loads : [];
  const [reply, setReply] = useState<CalendarLoadReply>();

  // A job still running when the answer came: follow it in the history until it ends.
  const running = reply?.load.status === 'running' ? reply.load.revision : undefined;
  useEffect(() => {
    if (running === undefined) return;
    const timer = setInterval(() => reloadHistory(true), 2000);
    return () => clearInterval(timer);
  }, [running, reloadHistory]);
  useEffect(() => {
    if (running === undefined) return;
    const now = loads.find((l) => l.revision === running);
    if (now && now.status !== 'running') setReply((r) => r && { ...r, moved: now.moved ?? 0, load: now });
  }, [running, loads]);

  return (
    <>
      {info.status === 'ready' && <CalendarNotice calendar={info.data} />}
      <section className="panel" aria-labelledby="cal-state">
        <h2 id="cal-state">当前日历</h2>
        {info.status === 'loading' && <Loading />}
        {info.status === 'error' && <LoadError message={info.message} onRetry={reloadInfo} />}
        {info.status === 'ready' && (
          <dl className={form.facts} data-testid="calendar-state">
            <dt>正式安排</dt>
            <dd>已录入至 {info.data.lastOfficialDate}</dd>
            <dt>暂定年份</dt>
            <dd>
              {info.data.provisionalYears.length
                ? `${info.data.provisionalYears.join('、')} 年（按《全国年节及纪念日放假办法》推算，期限标“暂定”）`
                : '无'}
            </dd>
          </dl>
        )}
      </section>
      <div className={styles.grid}>
        <div>
          <LoadForm
            years={info.status === 'ready' ? info.data.loadableYears : []}
            suggested={info.status === 'ready' ? suggestedYear(info.data) : undefined}
            loads={loads}
            onLoaded={(r) => {
              setReply(r);
              reloadInfo();
              reloadHistory(true);
            }}
          />
          {reply && <Result reply={reply} />}
        </div>
        <section className="panel" aria-labelledby="cal-history">
          <h2 id="cal-history">录入记录</h2>
          {history.status === 'loading' && <Loading />}
          {history.status === 'error' && (
            <LoadError message={history.message} onRetry={() => reloadHistory()} />
          )}
          {history.status === 'ready' &&
            (loads.length === 0 ? <Empty>尚未录入过节假日安排</Empty> : <History loads={loads} />)}
        </section>
      </div>
    </>
  );
}

/** The year to load: the first provisional one that may be loaded, else the latest loadable. */
function suggestedYear(info: CalendarInfo): number | undefined {
  return info.provisionalYears.find((y) => info.loadableYears.includes(y)) ?? info.loadableYears.at(-1);
}

function LoadForm({
  years,
  suggested,
  loads,
  onLoaded,
}: {
  years: number[];
  suggested?: number;
  loads: CalendarLoadView[];
  onLoaded(reply: CalendarLoadReply): void;
}) {
  const ids = { year: useId(), source: useId(), holidays: useId(), workdays: useId() };
  const [year, setYear] = useState<number>();
  const [source, setSource] = useState('');
  const [holidays, setHolidays] = useState('');
  const [workdays, setWorkdays] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [problems, setProblems] = useState<ScheduleProblem[]>([]);
  // The first provisional year is the one to load, once the calendar is known.
  const chosen = year ?? suggested;
  useEffect(() => {
    if (chosen !== undefined) setSource((s) => s || `国务院办公厅关于${chosen}年部分节假日安排的通知`);
  }, [chosen]);

  const prefill = (y: number) => {
    setYear(y);
    const stored = loads.find((l) => l.year === y && l.status !== 'running');
    setSource(stored?.source ?? `国务院办公厅关于${y}年部分节假日安排的通知`);
    setHolidays(stored ? asRanges(stored.holidays) : '');
    setWorkdays(stored ? asRanges(stored.workdays) : '');
    setProblems([]);
    setError(undefined);
  };

  const submit = async () => {
    if (!chosen) return;
    setBusy(true);
    setError(undefined);
    setProblems([]);
    try {
      const reply = await authJson<CalendarLoadReply>(`/api/calendar/years/${chosen}`, {
        method: 'PUT',
        body: { source, holidays: entries(holidays), workdays: entries(workdays) },
      });
      onLoaded(reply);
    } catch (err) {
      setError((err as Error).message);
      const details = (err as ApiError & { details?: unknown }).details;
      if (Array.isArray(details)) setProblems(details as ScheduleProblem[]);
    } finally {
      setBusy(false);
    }
  };

  const about = (list: 'holidays' | 'workdays') => problems.filter((p) => p.field.startsWith(list));
  return (
    <section className="panel" aria-labelledby="cal-load">
      <h2 id="cal-load">录入正式节假日安排</h2>
      <p className={form.hint}>
        按国务院办公厅通知逐项录入：放假日期（含放假期间的周末）和调休上班日期，每行一项，日期范围写作
        2027-02-05..2027-02-11。录入后，各办事大厅在办件中受影响的办理期限、预警时间和计时器将自动重算。
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
        aria-describedby={error ? 'cal-load-error' : undefined}
      >
        <div className={form.field}>
          <label htmlFor={ids.year}>年份</label>
          <select
            id={ids.year}
            value={chosen ?? ''}
            onChange={(e) => prefill(Number(e.target.value))}
            disabled={years.length === 0}
          >
            {years.map((y) => (
              <option key={y} value={y}>
                {y} 年
              </option>
            ))}
          </select>
        </div>
        <div className={form.field}>
          <label htmlFor={ids.source}>通知名称</label>
          <input
            id={ids.source}
            value={source}
            onChange={(e) => setSource(e.target.value)}
            placeholder={`国务院办公厅关于${chosen ?? ''}年部分节假日安排的通知`}
            maxLength={200}
            required
          />
        </div>
        <DateList
          id={ids.holidays}
          label="放假日期"
          hint="如：2027-01-01..2027-01-03"
          value={holidays}
          onChange={setHolidays}
          problems={about('holidays')}
        />
        <DateList
          id={ids.workdays}
          label="调休上班日期（周六、周日）"
          hint="如：2027-02-20；没有则留空"
          value={workdays}
          onChange={setWorkdays}
          problems={about('workdays')}
        />
        {error && (
          <div
            className="status status-error"
            role="alert"
            id="cal-load-error"
            data-testid="calendar-load-error"
          >
            {error}
            {problems.length > 1 && (
              <ul className={styles.problems}>
                {problems.map((p) => (
                  <li key={`${p.field}-${p.message}`}>{p.message}</li>
                ))}
              </ul>
            )}
          </div>
        )}
        <div className={styles.actions}>
          <button type="submit" className="button" disabled={busy || !chosen}>
            {busy ? '正在录入并重算期限…' : '录入并重算期限'}
          </button>
        </div>
      </form>
    </section>
  );
}

function DateList(props: {
  id: string;
  label: string;
  hint: string;
  value: string;
  onChange(v: string): void;
  problems: ScheduleProblem[];
}) {
  const hintId = `${props.id}-hint`;
  const errId = `${props.id}-err`;
  return (
    <div className={form.field}>
      <label htmlFor={props.id}>{props.label}</label>
      <textarea
        className={styles.schedule}
        id={props.id}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        aria-invalid={props.problems.length > 0}
        aria-describedby={props.problems.length ? `${hintId} ${errId}` : hintId}
        spellCheck={false}
        inputMode="numeric"
      />
      <p className={form.hint} id={hintId}>
        {props.hint}
      </p>
      {props.problems.length > 0 && (
        <p className={form.error} id={errId}>
          {props.problems[0].message}
        </p>
      )}
    </div>
  );
}

function Result({ reply }: { reply: CalendarLoadReply }) {
  const { load } = reply;
  const failed = load.status === 'failed';
  if (!reply.changed && load.status === 'done')
    return (
      <section
        className="panel status"
        aria-labelledby="cal-result"
        role="status"
        data-testid="calendar-result"
      >
        <h2 id="cal-result">录入结果</h2>
        <p>
          该安排与已录入的 {load.year} 年安排（第 {load.revision} 版，{load.by}录入）完全相同，未作任何调整。
        </p>
      </section>
    );
  return (
    <section
      className={`panel status ${failed ? 'status-error' : ''}`}
      aria-labelledby="cal-result"
      role="status"
      data-testid="calendar-result"
    >
      <h2 id="cal-result">录入结果</h2>
      <p>
        {reply.changed
          ? `已录入 ${load.year} 年节假日安排（第 ${load.revision} 版）。与此前相比有 ${load.changes.length} 个日期的工作日状态不同。`
          : `${load.year} 年节假日安排（第 ${load.revision} 版）此前未重算完，已继续。`}
        {load.status === 'running' && '正在重算各办事大厅在办件的期限…'}
        {load.status === 'done' && `各办事大厅共调整 ${reply.moved} 个办件的办理期限、预警时间和计时器。`}
        {failed && '部分办事大厅的期限重算未完成，请再次提交同一安排以继续（已调整的办件不会重复调整）。'}
      </p>
      {load.changes.length > 0 && (
        <details>
          <summary>变化的日期（{load.changes.length} 天）</summary>
          <p>{load.changes.map((c) => `${c.date}（${dayWord(c.before)}→${dayWord(c.after)}）`).join('，')}</p>
        </details>
      )}
      {load.halls.length > 0 && (
        <div className={styles.scroll}>
          <table className={styles.table} data-testid="calendar-halls">
            <caption className="visually-hidden">各办事大厅重算结果</caption>
            <thead>
              <tr>
                <th scope="col">办事大厅</th>
                <th scope="col" className={styles.num}>
                  有期限
                </th>
                <th scope="col" className={styles.num}>
                  已调整
                </th>
                <th scope="col">情况</th>
              </tr>
            </thead>
            <tbody>
              {load.halls.map((h) => (
                <tr key={h.hallId}>
                  <td>{h.name}</td>
                  <td className={styles.num}>{h.checked}</td>
                  <td className={styles.num}>{h.moved}</td>
                  <td>
                    {h.error
                      ? '未完成'
                      : h.conflicts
                        ? `${h.conflicts} 件正被办理，将在下次办理时按新日历计算`
                        : h.skipped
                          ? `${h.skipped} 件此前已调整`
                          : '完成'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function History({ loads }: { loads: CalendarLoadView[] }) {
  return (
    <div className={styles.scroll}>
      <table className={styles.table} data-testid="calendar-history">
        <caption className="visually-hidden">节假日安排录入记录</caption>
        <thead>
          <tr>
            <th scope="col">年份</th>
            <th scope="col">录入</th>
            <th scope="col">状态</th>
            <th scope="col" className={styles.num}>
              已调整
            </th>
          </tr>
        </thead>
        <tbody>
          {loads.map((l) => (
            <tr key={l.revision}>
              <td title={l.source}>{l.year}</td>
              <td>
                {l.by}
                <br />
                {l.at.slice(0, 16).replace('T', ' ')}
              </td>
              <td>{STATUS_WORDS[l.status]}</td>
              <td className={styles.num}>{l.moved ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
