'use client';

import Link from 'next/link';
import { useId, useState } from 'react';
import styles from '../../components/catalogue.module.css';
import { useHalls } from '../../components/HallContext.tsx';
import type { Audience } from '../../lib/api.ts';
import {
  AUDIENCE_WORDS,
  type DepartmentRow,
  ENTERPRISE_THEMES,
  FILTER_KEYS,
  LEVEL_SHORT,
  LEVELS,
  type Level,
  PERSON_THEMES,
  type SearchState,
  searchHref,
} from '../../lib/catalogue.ts';
import { formatDepth } from '../../lib/format.ts';
import { useApi } from '../../lib/useApi.ts';

type Go = (next: Partial<SearchState>) => void;
type Depts = { status: 'none' | 'loading' | 'error' } | { status: 'ready'; list: DepartmentRow[] };

/**
 * The filters of the search page. Every choice is in the URL: the audience and level choices are
 * links (the chosen one marked with ✓ and bold, not by colour alone), the longer lists are native
 * selects, which phones and screen readers already know. On a phone the panel folds behind a
 * 筛选 button that says how many filters are on; on a desktop it is always open beside the results.
 */
export function Filters({ state, go }: { state: SearchState; go: Go }) {
  const [open, setOpen] = useState(false);
  const id = useId();
  const count = FILTER_KEYS.filter((k) => state[k] !== undefined).length;
  // One request serves both the department select and the name on the active-filter chip.
  const [deptAnswer] = useApi<{ departments: DepartmentRow[] }>(
    state.hallId ? `/api/departments?${new URLSearchParams({ hallId: state.hallId })}` : null,
  );
  const depts: Depts = !state.hallId
    ? { status: 'none' }
    : deptAnswer.status === 'ready'
      ? {
          status: 'ready',
          list: Array.isArray(deptAnswer.data?.departments) ? deptAnswer.data.departments : [],
        }
      : { status: deptAnswer.status };
  return (
    <aside className={styles.filters} aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`} className="visually-hidden">
        筛选条件
      </h2>
      <ActiveFilters state={state} depts={depts} />
      <button
        type="button"
        className={`button button-secondary ${styles.filterToggle}`}
        aria-expanded={open}
        aria-controls={`${id}-panel`}
        onClick={() => setOpen(!open)}
      >
        {open ? '收起筛选' : '筛选'}
        {count > 0 ? `（已选 ${count} 项）` : ''}
        <span aria-hidden="true">{open ? ' ▲' : ' ▼'}</span>
      </button>
      <div id={`${id}-panel`} className={`${styles.filterPanel} ${open ? styles.filterOpen : ''}`}>
        <ChoiceLinks
          legend="服务对象"
          state={state}
          options={[
            { label: '不限', value: undefined },
            ...(['person', 'enterprise'] as Audience[]).map((a) => ({ label: AUDIENCE_WORDS[a], value: a })),
          ]}
          current={state.audience}
          // A theme belongs to one audience's list; switching audience drops a theme the other list lacks.
          href={(audience) => {
            const list: readonly string[] =
              audience === 'enterprise' ? ENTERPRISE_THEMES : audience === 'person' ? PERSON_THEMES : [];
            const theme = state.theme && (!audience || list.includes(state.theme)) ? state.theme : undefined;
            return searchHref({ ...state, audience: audience as Audience | undefined, theme, page: 1 });
          }}
          testId="filter-audience"
        />
        <ChoiceLinks
          legend="办理层级"
          state={state}
          options={[
            { label: '不限', value: undefined },
            ...LEVELS.map((l) => ({ label: LEVEL_SHORT[l], value: l })),
          ]}
          current={state.level}
          href={(level) => searchHref({ ...state, level: level as Level | undefined, page: 1 })}
          testId="filter-level"
        />
        <HallSelect state={state} go={go} />
        {depts.status !== 'none' && <DeptSelect depts={depts} state={state} go={go} />}
        <ThemeSelect state={state} go={go} />
        <Select
          label="网办深度"
          value={state.depth ? String(state.depth) : ''}
          onChange={(v) => go({ depth: v ? (Number(v) as SearchState['depth']) : undefined })}
          testId="filter-depth"
        >
          <option value="">不限</option>
          {[4, 3, 2, 1].map((d) => (
            <option key={d} value={d}>
              {formatDepth(d)}
            </option>
          ))}
        </Select>
      </div>
    </aside>
  );
}

function ChoiceLinks({
  legend,
  options,
  current,
  href,
  testId,
}: {
  legend: string;
  state: SearchState;
  options: { label: string; value: string | undefined }[];
  current: string | undefined;
  href: (value: string | undefined) => string;
  testId: string;
}) {
  return (
    <fieldset className={`${styles.filterGroup} ${styles.fieldset}`}>
      <legend className={styles.filterLabel}>{legend}</legend>
      <ul className={styles.chips} data-testid={testId}>
        {options.map((o) => {
          const on = o.value === current;
          return (
            <li key={o.label}>
              <Link
                className={styles.chip}
                href={href(o.value)}
                aria-current={on ? 'true' : undefined}
                scroll={false}
                prefetch={false}
              >
                {on && <span aria-hidden="true">✓ </span>}
                {o.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </fieldset>
  );
}

function Select({
  label,
  value,
  onChange,
  children,
  testId,
  disabled,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  children: React.ReactNode;
  testId: string;
  disabled?: boolean;
}) {
  const id = useId();
  return (
    <div className={styles.filterGroup}>
      <label htmlFor={id} className={styles.filterLabel}>
        {label}
      </label>
      <select
        id={id}
        className={styles.select}
        value={value}
        disabled={disabled}
        onChange={(e) => onChange(e.target.value)}
        data-testid={testId}
      >
        {children}
      </select>
    </div>
  );
}

function HallSelect({ state, go }: { state: SearchState; go: Go }) {
  const { halls } = useHalls();
  const list = halls.status === 'ready' ? halls.data : [];
  return (
    <Select
      label="办事大厅"
      value={state.hallId ?? ''}
      // Departments belong to one hall, so a new hall drops the department filter.
      onChange={(v) => go({ hallId: v || undefined, dept: undefined })}
      testId="filter-hall"
    >
      <option value="">全部大厅</option>
      {list.map((h) => (
        <option key={h.id} value={h.id}>
          {h.name}
        </option>
      ))}
      {state.hallId && !list.some((h) => h.id === state.hallId) && (
        <option value={state.hallId}>{halls.status === 'ready' ? state.hallId : '加载中…'}</option>
      )}
    </Select>
  );
}

function DeptSelect({ depts, state, go }: { depts: Depts; state: SearchState; go: Go }) {
  const list = depts.status === 'ready' ? depts.list : [];
  return (
    <Select
      label="实施部门"
      value={state.dept ?? ''}
      onChange={(v) => go({ dept: v || undefined })}
      testId="filter-dept"
      disabled={depts.status !== 'ready'}
    >
      <option value="">
        {depts.status === 'loading'
          ? '正在加载部门…'
          : depts.status === 'error'
            ? '部门加载失败'
            : '全部部门'}
      </option>
      {list.map((d) => (
        <option key={d.code} value={d.code}>
          {d.name}（{d.itemCount} 项）
        </option>
      ))}
      {state.dept && depts.status === 'ready' && !list.some((d) => d.code === state.dept) && (
        <option value={state.dept}>{state.dept}</option>
      )}
    </Select>
  );
}

function ThemeSelect({ state, go }: { state: SearchState; go: Go }) {
  const groups: [string, readonly string[]][] =
    state.audience === 'enterprise'
      ? [['企业办事主题', ENTERPRISE_THEMES]]
      : state.audience === 'person'
        ? [['个人办事主题', PERSON_THEMES]]
        : [
            ['个人办事主题', PERSON_THEMES],
            [
              '企业办事主题',
              ENTERPRISE_THEMES.filter((t) => !(PERSON_THEMES as readonly string[]).includes(t)),
            ],
          ];
  return (
    <Select
      label="主题"
      value={state.theme ?? ''}
      onChange={(v) => go({ theme: v || undefined })}
      testId="filter-theme"
    >
      <option value="">不限</option>
      {groups.map(([label, themes]) => (
        <optgroup key={label} label={label}>
          {themes.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </optgroup>
      ))}
    </Select>
  );
}

/** The filters now on, each removable, so a person sees why the list is short. */
function ActiveFilters({ state, depts }: { state: SearchState; depts: Depts }) {
  const { halls } = useHalls();
  const hallName = (id: string) =>
    (halls.status === 'ready' ? halls.data.find((h) => h.id === id)?.name : undefined) ?? id;
  const on: { key: string; label: string; href: string }[] = [];
  const without = (k: keyof SearchState, extra: Partial<SearchState> = {}) =>
    searchHref({ ...state, [k]: undefined, page: 1, ...extra });
  if (state.audience)
    on.push({ key: 'audience', label: AUDIENCE_WORDS[state.audience], href: without('audience') });
  if (state.theme) on.push({ key: 'theme', label: `主题：${state.theme}`, href: without('theme') });
  if (state.hallId)
    on.push({ key: 'hall', label: hallName(state.hallId), href: without('hallId', { dept: undefined }) });
  if (state.dept) {
    const name = depts.status === 'ready' ? depts.list.find((d) => d.code === state.dept)?.name : undefined;
    on.push({ key: 'dept', label: name ?? '指定部门', href: without('dept') });
  }
  if (state.level) on.push({ key: 'level', label: LEVEL_SHORT[state.level], href: without('level') });
  if (state.depth) on.push({ key: 'depth', label: formatDepth(state.depth), href: without('depth') });
  if (on.length === 0) return null;
  return (
    <div className={styles.active}>
      <span className={styles.filterLabel}>已选条件：</span>
      <ul className={styles.chips} data-testid="active-filters">
        {on.map((f) => (
          <li key={f.key}>
            <Link className={`${styles.chip} ${styles.chipOn}`} href={f.href} scroll={false} prefetch={false}>
              {f.label}
              <span aria-hidden="true"> ✕</span>
              <span className="visually-hidden">（点击移除此条件）</span>
            </Link>
          </li>
        ))}
        {on.length > 1 && (
          <li>
            <Link className={styles.chip} href={searchHref({ q: state.q })} scroll={false} prefetch={false}>
              清除全部
            </Link>
          </li>
        )}
      </ul>
    </div>
  );
}
