'use client';

import { type FormEvent, useId, useState } from 'react';
import { ApiError } from '../lib/api.ts';
import { authJson } from '../lib/auth.ts';
import {
  ACTIONS,
  type ActionDraft,
  type ActionId,
  actionBody,
  actionLabel,
  type CaseDetail,
  type CaseTaskView,
  DELIVERY_METHODS,
  EMPTY_DRAFT,
  EXPECTED_DAYS,
  type FieldKind,
  type FieldSpec,
  fieldOfCode,
  formatTime,
  MAX_ITEM_LENGTH,
  MAX_ITEMS,
  SPECIAL_TYPES,
} from '../lib/cases.ts';
import styles from './Case.module.css';
import { SlotChoice } from './CaseMaterials.tsx';
import { PayFeeField } from './PayFeeField.tsx';
import { RatingField } from './RatingField.tsx';

type Problem =
  | { kind: 'field'; field: FieldKind; message: string }
  | { kind: 'conflict'; message: string }
  | { kind: 'general'; message: string };

/**
 * The actions this viewer may take on the case: one block per task of theirs (joint steps can give
 * a department more than one), plus the applicant's own 补交材料 / 撤回. Only what the API lists.
 */
export function CaseActions({
  detail,
  hallId,
  onActed,
  onReload,
}: {
  detail: CaseDetail;
  hallId: string;
  onActed: (message: string) => void;
  onReload: () => void;
}) {
  const mine = detail.tasks.filter((t) => t.actions.length > 0);
  const own = detail.applicantActions;
  // 评价申诉 (the department) and its decision (a supervisor): on the case as a whole, no task.
  const official = detail.officialActions ?? [];
  if (mine.length === 0 && own.length === 0 && official.length === 0) return null;
  return (
    <section className={`panel ${styles.section}`} aria-labelledby="case-actions" data-testid="case-actions">
      <h2 id="case-actions">办理操作</h2>
      {mine.map((t) => (
        <TaskActions
          key={`${t.id}@${detail.version}`}
          task={t}
          actions={t.actions}
          detail={detail}
          hallId={hallId}
          onActed={onActed}
          onReload={onReload}
        />
      ))}
      {official.length > 0 && (
        <TaskActions
          key={`official@${detail.version}`}
          title="评价申诉"
          actions={official}
          detail={detail}
          hallId={hallId}
          onActed={onActed}
          onReload={onReload}
        />
      )}
      {own.length > 0 && (
        <TaskActions
          key={`own@${detail.version}`}
          actions={own}
          detail={detail}
          hallId={hallId}
          onActed={onActed}
          onReload={onReload}
        />
      )}
    </section>
  );
}

function TaskActions({
  task,
  title,
  actions,
  detail,
  hallId,
  onActed,
  onReload,
}: {
  task?: CaseTaskView;
  /** The heading of actions without a task (default: the applicant's own). */
  title?: string;
  actions: ActionId[];
  detail: CaseDetail;
  hallId: string;
  onActed: (message: string) => void;
  onReload: () => void;
}) {
  const id = useId();
  const [action, setAction] = useState<ActionId | ''>(actions.length === 1 ? actions[0] : '');
  // 领取登记 starts from the way the applicant chose at filing.
  const [draft, setDraft] = useState<ActionDraft>({
    ...EMPTY_DRAFT,
    method: detail.deliveryChoice?.method ?? '',
  });
  const [problem, setProblem] = useState<Problem>();
  const [busy, setBusy] = useState(false);
  const ready = !task || task.ready;
  const set = (patch: Partial<ActionDraft>) => {
    setDraft((d) => ({ ...d, ...patch }));
    // A field's complaint goes once the person changes what it was about.
    if (problem?.kind === 'field') setProblem(undefined);
  };
  const fieldError = (f: FieldKind) =>
    problem?.kind === 'field' && problem.field === f ? problem.message : undefined;

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!action) {
      setProblem({ kind: 'general', message: '请先选择办理结果' });
      return;
    }
    const built = actionBody(action, draft, { version: detail.version, taskId: task?.id });
    if (!built.ok) {
      setProblem({ kind: 'field', field: built.field, message: built.message });
      document.getElementById(`${id}-${built.field}`)?.focus();
      return;
    }
    setBusy(true);
    setProblem(undefined);
    try {
      await authJson(`/api/halls/${hallId}/cases/${encodeURIComponent(detail.caseNo)}/actions`, {
        method: 'POST',
        body: built.body,
      });
      onActed(`已${actionLabel(action, task)}`);
    } catch (err) {
      const code = err instanceof ApiError ? err.code : undefined;
      const status = err instanceof ApiError ? err.status : 0;
      const field = code ? fieldOfCode(action, code) : undefined;
      if (field) {
        setProblem({ kind: 'field', field, message: (err as Error).message });
      } else if (status === 409) {
        setProblem({
          kind: 'conflict',
          message:
            code === 'STEP_NOT_READY'
              ? '该环节尚未就绪，请稍后刷新重试'
              : code === 'CONFLICT'
                ? '该办件已被他人处理，请刷新查看最新状态'
                : (err as Error).message,
        });
      } else {
        setProblem({ kind: 'general', message: (err as Error).message });
      }
    } finally {
      setBusy(false);
    }
  }

  const fields: readonly FieldSpec[] = action ? ACTIONS[action].fields : [];

  return (
    <form className={styles.task} onSubmit={submit} noValidate data-testid="task-actions">
      <h3>
        {task ? `当前待办：${task.name}（${task.post}岗）` : (title ?? '申请人操作')}
        {task?.since && <span className={styles.stepState}>{formatTime(task.since)} 起</span>}
      </h3>
      {!ready && (
        <p className="status" role="status">
          该环节正在流转，稍后即可办理（页面会自动刷新）。
        </p>
      )}
      {actions.length > 1 ? (
        <fieldset className={styles.fieldset}>
          <legend className={styles.legend}>选择办理结果</legend>
          <div className={styles.choices}>
            {actions.map((a) => (
              <label key={a} className={styles.choice}>
                <input
                  type="radio"
                  name={`${id}-action`}
                  value={a}
                  checked={action === a}
                  onChange={() => {
                    setAction(a);
                    setProblem(undefined);
                  }}
                />
                {actionLabel(a, task)}
              </label>
            ))}
          </div>
        </fieldset>
      ) : task ? (
        <p>
          办理：<strong>{actionLabel(actions[0], task)}</strong>
        </p>
      ) : null}

      {fields.map(({ kind, label }) => {
        const fid = `${id}-${kind}`;
        const err = fieldError(kind);
        const errId = `${fid}-err`;
        const described = err ? errId : undefined;
        const errorLine = err && (
          <p id={errId} className={styles.error} role="alert">
            {err}
          </p>
        );
        switch (kind) {
          case 'note':
          case 'reason':
          case 'result':
          case 'remedy':
            return (
              <div key={kind} className={styles.field}>
                <label htmlFor={fid}>{label}</label>
                <textarea
                  id={fid}
                  value={draft[kind]}
                  maxLength={kind === 'remedy' ? 500 : 1000}
                  onChange={(e) => set({ [kind]: e.target.value })}
                  aria-invalid={err ? true : undefined}
                  aria-describedby={described}
                />
                {errorLine}
              </div>
            );
          case 'items':
            return (
              <fieldset
                key={kind}
                className={styles.fieldset}
                aria-describedby={`${fid}-hint ${described ?? ''}`}
              >
                <legend className={styles.legend}>{label}</legend>
                <p id={`${fid}-hint`} className={styles.hint}>
                  请把缺少或需更正的材料全部列出，申请人补交后不应再次告知。
                </p>
                {draft.items.map((row, i) => (
                  <div key={row.id} className={styles.itemRow}>
                    <input
                      id={i === 0 ? fid : undefined}
                      value={row.text}
                      maxLength={MAX_ITEM_LENGTH}
                      aria-label={`需补正的材料 ${i + 1}`}
                      placeholder={`第 ${i + 1} 项：材料名称及需补正的内容`}
                      aria-invalid={err && !row.text.trim() ? true : undefined}
                      onChange={(e) =>
                        set({
                          items: draft.items.map((r) =>
                            r.id === row.id ? { ...r, text: e.target.value } : r,
                          ),
                        })
                      }
                    />
                    {draft.items.length > 1 && (
                      <button
                        type="button"
                        className="button button-secondary"
                        aria-label={`删除第 ${i + 1} 项`}
                        onClick={() => set({ items: draft.items.filter((r) => r.id !== row.id) })}
                      >
                        删除
                      </button>
                    )}
                  </div>
                ))}
                {draft.items.length < MAX_ITEMS && (
                  <button
                    type="button"
                    className="button button-secondary"
                    onClick={() =>
                      set({
                        items: [
                          ...draft.items,
                          { id: Math.max(...draft.items.map((r) => r.id)) + 1, text: '' },
                        ],
                      })
                    }
                  >
                    ＋ 增加一项
                  </button>
                )}
                {errorLine}
              </fieldset>
            );
          case 'special':
            return (
              <fieldset key={kind} className={styles.fieldset}>
                <legend className={styles.legend}>{label}</legend>
                <div className={styles.field}>
                  <label htmlFor={fid}>种类</label>
                  <select
                    id={fid}
                    value={draft.specialType}
                    onChange={(e) => set({ specialType: e.target.value })}
                    aria-invalid={err && !draft.specialType ? true : undefined}
                    aria-describedby={described}
                  >
                    <option value="">请选择</option>
                    {SPECIAL_TYPES.map((t) => (
                      <option key={t} value={t}>
                        {t}
                      </option>
                    ))}
                  </select>
                </div>
                <div className={styles.field}>
                  <label htmlFor={`${fid}-days`}>预计所需时间（工作日）</label>
                  <input
                    id={`${fid}-days`}
                    type="number"
                    inputMode="numeric"
                    min={EXPECTED_DAYS.min}
                    max={EXPECTED_DAYS.max}
                    value={draft.expectedDays}
                    onChange={(e) => set({ expectedDays: e.target.value })}
                    aria-describedby={described}
                  />
                </div>
                {errorLine}
              </fieldset>
            );
          case 'tracking':
            // 邮寄 only: the applicant is texted the number.
            return draft.method === '邮寄' ? (
              <div key={kind} className={styles.field}>
                <label htmlFor={fid}>{label}</label>
                <input
                  id={fid}
                  value={draft.tracking}
                  maxLength={30}
                  autoComplete="off"
                  onChange={(e) => set({ tracking: e.target.value })}
                  aria-invalid={err ? true : undefined}
                  aria-describedby={described}
                />
                {detail.deliveryChoice?.address && (
                  <p>
                    寄往：{detail.deliveryChoice.address.region}
                    {detail.deliveryChoice.address.detail}，{detail.deliveryChoice.address.name}{' '}
                    {detail.deliveryChoice.address.phone}
                  </p>
                )}
                {errorLine}
              </div>
            ) : null;
          case 'fee':
            // Only items that charge after 准予 ask it.
            return detail.payment?.afterApproval ? (
              <PayFeeField
                key={kind}
                id={fid}
                label={label}
                payment={detail.payment}
                value={draft.fee}
                onChange={(fee) => set({ fee })}
                errorLine={errorLine}
              />
            ) : null;
          case 'rating':
            return (
              <RatingField
                key={kind}
                id={fid}
                label={label}
                value={draft.rating}
                onChange={(rating) => set({ rating })}
                error={err}
                withDimensions={action === 'rate'}
              />
            );
          case 'slots':
            return (
              <SlotChoice
                key={kind}
                id={fid}
                label={label}
                hallId={hallId}
                caseNo={detail.caseNo}
                value={draft.slots}
                onChange={(slots) => set({ slots })}
                error={errorLine}
              />
            );
          case 'method':
            return (
              <fieldset key={kind} className={styles.fieldset} aria-describedby={described}>
                <legend className={styles.legend}>{label}</legend>
                <div className={styles.choices}>
                  {DELIVERY_METHODS.map((m, i) => (
                    <label key={m} className={styles.choice}>
                      <input
                        id={i === 0 ? fid : undefined}
                        type="radio"
                        name={`${id}-method`}
                        value={m}
                        checked={draft.method === m}
                        onChange={() => set({ method: m })}
                      />
                      {m}
                    </label>
                  ))}
                </div>
                {errorLine}
              </fieldset>
            );
        }
        return null;
      })}

      {problem?.kind === 'general' && (
        <p className="status status-error" role="alert">
          {problem.message}
        </p>
      )}
      {problem?.kind === 'conflict' && (
        <div className="status status-error" role="alert" data-testid="action-conflict">
          <p>{problem.message}</p>
          <button type="button" className="button button-secondary" onClick={onReload}>
            刷新
          </button>
        </div>
      )}
      {action && (
        <div className={styles.buttons}>
          <button
            type="submit"
            className={`button ${'weighty' in ACTIONS[action] ? styles.danger : ''}`}
            disabled={busy || !ready}
          >
            {busy ? '正在提交…' : `确认${actionLabel(action, task)}`}
          </button>
        </div>
      )}
    </form>
  );
}
