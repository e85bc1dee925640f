'use client';

import { type ChangeEvent, useId, useState } from 'react';
import { ApiError } from '../lib/api.ts';
import { authFetch, authJson } from '../lib/auth.ts';
import styles from './Case.module.css';
import { useAuthApi } from './CaseData.ts';
import { CaseGate } from './CaseGate.tsx';
import op from './Operate.module.css';
import { LoadError, Loading } from './Status.tsx';

interface Summary {
  items: number;
  added: number;
  updated: number;
  removed: number;
  departments: number;
  templates: number;
}
interface RowError {
  row?: number;
  ref?: string;
  field?: string;
  message: string;
}
interface Version {
  version: string;
  previous?: string;
  importedAt?: string;
  items?: number;
}

/** What the last check or import said: the report shown in the page. */
type Report =
  | { kind: 'checked'; summary: Summary }
  | { kind: 'imported'; summary: Summary; version: string }
  | { kind: 'invalid'; message: string; errors: RowError[] }
  | { kind: 'unconfirmed'; message: string; summary: Summary }
  | { kind: 'refused'; message: string };

export function OperateCatalogue() {
  return (
    <CaseGate roles={['operator']} returnTo="/operate/catalogue/" purpose="导入事项目录">
      {() => <Catalogue />}
    </CaseGate>
  );
}

/** POST /api/catalogue/import as JSON or CSV (not authJson: a CSV body is text). */
async function importCatalogue(text: string, opts: { dryRun: boolean; confirmRemovals?: number }) {
  const json = /^\s*[{[]/.test(text);
  const params = new URLSearchParams();
  if (opts.dryRun) params.set('dryRun', '1');
  let body = text;
  if (opts.confirmRemovals !== undefined) {
    if (json) body = JSON.stringify({ ...JSON.parse(text), confirmRemovals: opts.confirmRemovals });
    else params.set('confirmRemovals', String(opts.confirmRemovals));
  }
  const res = await authFetch(`/api/catalogue/import${params.toString() ? `?${params}` : ''}`, {
    method: 'POST',
    headers: { 'content-type': json ? 'application/json' : 'text/csv', accept: 'application/json' },
    body,
  });
  const data = await res.json().catch(() => undefined);
  if (!res.ok)
    throw new ApiError(
      res.status,
      data?.error?.message ?? `请求失败（${res.status}）`,
      data?.error?.code,
      data?.error?.details,
    );
  return data as { summary: Summary; version?: string };
}

function Catalogue() {
  const id = useId();
  const [text, setText] = useState('');
  const [fileName, setFileName] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [report, setReport] = useState<Report>();
  const [confirmImport, setConfirmImport] = useState(false);
  const [versions, reloadVersions] = useAuthApi<{ current: Version | null; rollbackTo: string | null }>(
    '/api/catalogue/versions',
  );

  async function readFile(e: ChangeEvent<HTMLInputElement>) {
    const file = e.target.files?.[0];
    if (!file) return;
    if (file.size > 5 * 1024 * 1024) {
      setReport({ kind: 'refused', message: '目录文件不能超过 5 MB' });
      return;
    }
    setFileName(file.name);
    setText(await file.text());
    setReport(undefined);
  }

  async function run(dryRun: boolean, confirmRemovals?: number) {
    if (!text.trim()) {
      setReport({ kind: 'refused', message: '请先选择目录文件或粘贴目录内容' });
      return;
    }
    setBusy(true);
    setConfirmImport(false);
    try {
      const out = await importCatalogue(text, { dryRun, confirmRemovals });
      setReport(
        dryRun
          ? { kind: 'checked', summary: out.summary }
          : { kind: 'imported', summary: out.summary, version: out.version ?? '' },
      );
      if (!dryRun) reloadVersions(true);
    } catch (err) {
      const e = err as ApiError;
      if (e.code === 'CATALOGUE_INVALID')
        setReport({ kind: 'invalid', message: e.message, errors: (e.details as RowError[]) ?? [] });
      else if (e.code === 'REMOVAL_UNCONFIRMED')
        setReport({ kind: 'unconfirmed', message: e.message, summary: e.details as Summary });
      else setReport({ kind: 'refused', message: e.message });
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className={op.cards}>
      <section className={op.card} aria-labelledby={`${id}-h`}>
        <h2 id={`${id}-h`}>导入目录</h2>
        <p className={styles.hint}>
          选择 CSV 或 JSON
          格式的实施清单文件，先“校验”查看报告（不导入任何内容），确认无误后再“正式导入”。有任何错误时整份目录都不会导入。
        </p>
        <div className={styles.field}>
          <span className={styles.legend} id={`${id}-file-l`}>
            目录文件（CSV 或 JSON，不超过 5 MB）
          </span>
          {/* The browser's own file button speaks its own language: ours says 选择文件. */}
          <input
            id={`${id}-file`}
            type="file"
            className={`visually-hidden ${op.fileInput}`}
            accept=".csv,.json,text/csv,application/json"
            aria-labelledby={`${id}-file-l`}
            onChange={readFile}
          />
          <label htmlFor={`${id}-file`} className={`button button-secondary ${op.fileButton}`}>
            选择文件
          </label>{' '}
          <span className={styles.hint}>{fileName ?? '未选择文件'}</span>
        </div>
        <div className={styles.field}>
          <label htmlFor={`${id}-text`}>或直接粘贴目录内容{fileName ? `（已读入 ${fileName}）` : ''}</label>
          <textarea
            id={`${id}-text`}
            className={op.source}
            value={text}
            onChange={(e) => {
              setText(e.target.value);
              setReport(undefined);
            }}
          />
        </div>
        <div className={op.actions}>
          <button type="button" className="button" disabled={busy} onClick={() => run(true)}>
            {busy ? '正在校验…' : '校验（试导入）'}
          </button>
          <button
            type="button"
            className="button button-secondary"
            disabled={busy}
            onClick={() => setConfirmImport(true)}
          >
            正式导入
          </button>
        </div>
        {confirmImport && (
          <div className={op.confirm}>
            <p>确认正式导入？导入后全部办事大厅立即使用新目录（可回滚到上一版本）。</p>
            <div className={op.actions}>
              <button type="button" className="button" disabled={busy} onClick={() => run(false)}>
                确认导入
              </button>
              <button
                type="button"
                className="button button-secondary"
                onClick={() => setConfirmImport(false)}
              >
                取消
              </button>
            </div>
          </div>
        )}
        {report && <ImportReport report={report} busy={busy} onConfirmRemovals={(n) => run(false, n)} />}
      </section>
      <section className={op.card} aria-labelledby={`${id}-v`}>
        <h2 id={`${id}-v`}>目录版本</h2>
        {versions.status === 'loading' && <Loading>正在读取版本…</Loading>}
        {versions.status === 'error' && (
          <LoadError message={versions.message} onRetry={() => reloadVersions()} />
        )}
        {versions.status === 'ready' && (
          <Versions
            current={versions.data.current}
            rollbackTo={versions.data.rollbackTo}
            onRolledBack={() => reloadVersions(true)}
          />
        )}
      </section>
    </div>
  );
}

function SummaryList({ s }: { s: Summary }) {
  return (
    <ul className={op.summary} data-testid="import-summary">
      <li>
        <strong>{s.items}</strong>事项总数
      </li>
      <li>
        <strong>{s.added}</strong>新增
      </li>
      <li>
        <strong>{s.updated}</strong>更新
      </li>
      <li>
        <strong>{s.removed}</strong>删除
      </li>
      <li>
        <strong>{s.departments}</strong>部门
      </li>
      <li>
        <strong>{s.templates}</strong>流程模板
      </li>
    </ul>
  );
}

function ImportReport({
  report,
  busy,
  onConfirmRemovals,
}: {
  report: Report;
  busy: boolean;
  onConfirmRemovals: (n: number) => void;
}) {
  return (
    <div className={op.editor} data-testid="import-report" role="status">
      {report.kind === 'checked' && (
        <>
          <h3>校验通过（未导入）</h3>
          <SummaryList s={report.summary} />
        </>
      )}
      {report.kind === 'imported' && (
        <>
          <h3>已导入，新版本 {report.version}</h3>
          <SummaryList s={report.summary} />
        </>
      )}
      {report.kind === 'unconfirmed' && (
        <div className={op.confirm}>
          <p>{report.message}</p>
          {report.summary && <SummaryList s={report.summary} />}
          <div className={op.actions}>
            <button
              type="button"
              className={`button ${op.dangerButton}`}
              disabled={busy}
              onClick={() => onConfirmRemovals(report.summary.removed)}
            >
              确认删除 {report.summary.removed} 个事项并导入
            </button>
          </div>
        </div>
      )}
      {report.kind === 'refused' && (
        <p className={styles.error} role="alert">
          {report.message}
        </p>
      )}
      {report.kind === 'invalid' && (
        <>
          <p className={styles.error} role="alert">
            {report.message}
          </p>
          <div className={op.scroll}>
            <table className={op.table} data-testid="import-errors">
              <caption className="visually-hidden">校验错误清单</caption>
              <thead>
                <tr>
                  <th scope="col" className={op.num}>
                    行
                  </th>
                  <th scope="col">事项</th>
                  <th scope="col">字段</th>
                  <th scope="col">问题</th>
                </tr>
              </thead>
              <tbody>
                {report.errors.slice(0, 200).map((e, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: errors have no id; the list never reorders.
                  <tr key={i}>
                    <td className={op.num}>{e.row ?? '—'}</td>
                    <td className={op.nowrap}>{e.ref ?? '—'}</td>
                    <td className={op.nowrap}>{e.field ?? '—'}</td>
                    <td>{e.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {report.errors.length > 200 && <p className={styles.hint}>只列出前 200 处，请修改后重新校验。</p>}
        </>
      )}
    </div>
  );
}

function Versions({
  current,
  rollbackTo,
  onRolledBack,
}: {
  current: Version | null;
  rollbackTo: string | null;
  onRolledBack: () => void;
}) {
  const [confirming, setConfirming] = useState(false);
  const [message, setMessage] = useState<string>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  if (!current) return <p>尚未导入过目录（使用初始目录）。</p>;

  async function rollback() {
    setBusy(true);
    setError(undefined);
    try {
      const out = await authJson<{ changed: boolean; version: string }>('/api/catalogue/rollback', {
        method: 'POST',
        body: { version: current!.version },
      });
      setMessage(out.changed ? `已回滚到 ${out.version}` : '该版本已回滚过');
      setConfirming(false);
      onRolledBack();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <dl className={styles.facts}>
        <dt>当前版本</dt>
        <dd>{current.version}</dd>
        <dt>可回滚到</dt>
        <dd>{rollbackTo ?? '无'}</dd>
      </dl>
      {message && (
        <p className={styles.hint} role="status">
          {message}
        </p>
      )}
      {error && (
        <p className={styles.error} role="alert">
          {error}
        </p>
      )}
      {rollbackTo &&
        (confirming ? (
          <div className={op.confirm}>
            <p>
              确认撤销 {current.version}，回到 {rollbackTo}？全部办事大厅立即改用上一版本目录。
            </p>
            <div className={op.actions}>
              <button
                type="button"
                className={`button ${op.dangerButton}`}
                disabled={busy}
                onClick={rollback}
              >
                确认回滚
              </button>
              <button type="button" className="button button-secondary" onClick={() => setConfirming(false)}>
                取消
              </button>
            </div>
          </div>
        ) : (
          <div className={op.actions}>
            <button
              type="button"
              className={`button button-secondary ${op.dangerButton}`}
              onClick={() => setConfirming(true)}
            >
              回滚到上一版本
            </button>
          </div>
        ))}
    </>
  );
}
