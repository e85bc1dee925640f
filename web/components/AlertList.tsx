'use client';

import Link from 'next/link';
import { type FormEvent, useId, useState } from 'react';
import { authJson } from '../lib/auth.ts';
import { ALERT_STATUS_NAMES, type AlertView, formatDeadline, formatTime, SCOPE_NAMES } from '../lib/cases.ts';
import { routes } from '../lib/routes.ts';
import styles from './Case.module.css';
import { AlertSeverity } from './CaseParts.tsx';
import sup from './Supervise.module.css';

/**
 * E-supervision alerts (电子监察预警). Supervisors urge (督办) open ones; staff of the responsible
 * department reply to urged ones. The form sits inside the alert: no dialog, so care mode needs
 * nothing different.
 */
/** An alert as the overdue list gives it: with working days past its limit. */
type Listed = AlertView & { lateDays?: number };

/** Working days late in words: whole days, or less than one. */
export function lateWords(days: number): string {
  return days < 1 ? '超期不足 1 个工作日' : `超期 ${Math.floor(days)} 个工作日`;
}

export function AlertList({
  alerts,
  hallId,
  mode,
  deptNames = {},
  showCase = true,
  ownDept,
  onChanged,
}: {
  alerts: Listed[];
  hallId: string;
  mode: 'supervisor' | 'staff' | 'read';
  deptNames?: Record<string, string>;
  showCase?: boolean;
  /** Staff reply only for their own department's alerts. */
  ownDept?: string;
  onChanged: () => void;
}) {
  return (
    <ul className={styles.alerts} data-testid="alert-list">
      {alerts.map((a) => (
        <li key={`${a.caseNo}/${a.alertId}`} className={styles.alert} data-testid="alert">
          <p className={styles.alertHead}>
            <AlertSeverity severity={a.severity} />
            <strong>{ALERT_STATUS_NAMES[a.status] ?? a.status}</strong>
            {a.lateDays !== undefined && (
              <span className={sup.late} data-testid="late-days">
                {lateWords(a.lateDays)}
              </span>
            )}
            {a.escalation && <span className={styles.tag}>已上报市级</span>}
          </p>
          {showCase && (
            <p>
              <Link href={routes.staffCase(a.caseNo)} prefetch={false}>
                {a.itemName}
              </Link>{' '}
              <span className={styles.caseNo}>{a.caseNo}</span>
            </p>
          )}
          <p>{a.note}</p>
          <dl className={styles.facts}>
            <dt>类别</dt>
            <dd>{SCOPE_NAMES[a.scope] ?? a.scope}</dd>
            <dt>责任部门</dt>
            <dd>
              {deptNames[a.dept] ?? a.dept} · {a.post}岗
            </dd>
            {a.deadline && (
              <>
                <dt>期限</dt>
                <dd>{formatDeadline(a.deadline)}</dd>
              </>
            )}
            <dt>发出时间</dt>
            <dd>{formatTime(a.raisedAt)}</dd>
            {a.urge && (
              <>
                <dt>督办意见</dt>
                <dd>
                  {a.urge.note}（{a.urge.by}，{formatTime(a.urge.at)}）
                </dd>
                {a.urge.replyBy && (
                  <>
                    <dt>回复期限</dt>
                    <dd>
                      {formatDeadline(a.urge.replyBy)}
                      {a.urge.escalatedAt
                        ? `（逾期未回复，已于 ${formatTime(a.urge.escalatedAt)} 上报市级监察）`
                        : a.status === 'urged' && '（逾期未回复将上报市级监察）'}
                    </dd>
                  </>
                )}
              </>
            )}
            {a.escalation && (
              <>
                <dt>督办人</dt>
                <dd>{a.escalation.urgedBy}</dd>
              </>
            )}
            {a.resolved && (
              <>
                <dt>已自动关闭</dt>
                <dd>
                  {a.resolved.note}（{formatTime(a.resolved.at)}）
                </dd>
              </>
            )}
            {a.reply && (
              <>
                <dt>部门回复</dt>
                <dd>
                  {a.reply.note}（{a.reply.by}，{formatTime(a.reply.at)}）
                </dd>
              </>
            )}
          </dl>
          {mode === 'supervisor' && a.status === 'open' && (
            <AlertForm alert={a} hallId={hallId} action="urge" onDone={onChanged} />
          )}
          {mode === 'staff' && a.status === 'urged' && (!ownDept || a.dept === ownDept) && (
            <AlertForm alert={a} hallId={hallId} action="reply" onDone={onChanged} />
          )}
        </li>
      ))}
    </ul>
  );
}

function AlertForm({
  alert,
  hallId,
  action,
  onDone,
}: {
  alert: AlertView;
  hallId: string;
  action: 'urge' | 'reply';
  onDone: () => void;
}) {
  const id = useId();
  const [note, setNote] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  // Folded to one button until used: a list of alerts stays short enough to read on a phone.
  const [open, setOpen] = useState(false);
  const label = action === 'urge' ? '督办意见' : '回复内容';
  const button = action === 'urge' ? '督办' : '回复督办';
  if (!open)
    return (
      <div className={styles.alertForm}>
        <button type="button" className="button button-secondary" onClick={() => setOpen(true)}>
          {button}
        </button>
      </div>
    );

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (note.trim().length < 2) {
      setError(action === 'urge' ? '请填写督办意见' : '请填写回复内容');
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await authJson(
        `/api/halls/${hallId}/cases/${encodeURIComponent(alert.caseNo)}/alerts/${encodeURIComponent(alert.alertId)}`,
        { method: 'POST', body: { action, note: note.trim() } },
      );
      setNote('');
      onDone();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} className={styles.alertForm} noValidate>
      <div className={styles.field}>
        <label htmlFor={id}>{label}</label>
        <textarea
          id={id}
          // biome-ignore lint/a11y/noAutofocus: opened by the person's own click on 督办 / 回复督办.
          autoFocus
          value={note}
          maxLength={1000}
          onChange={(e) => setNote(e.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-err` : undefined}
        />
        {error && (
          <p id={`${id}-err`} className={styles.error} role="alert">
            {error}
          </p>
        )}
      </div>
      <div className={sup.formButtons}>
        <button type="submit" className="button" disabled={busy}>
          {busy ? '正在提交…' : `提交${button === '督办' ? '督办' : '回复'}`}
        </button>
        <button type="button" className="button button-secondary" onClick={() => setOpen(false)}>
          取消
        </button>
      </div>
    </form>
  );
}
