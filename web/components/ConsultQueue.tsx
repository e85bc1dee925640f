'use client';

import { type FormEvent, useId, useState } from 'react';
import { ApiError } from '../lib/api.ts';
import { authJson } from '../lib/auth.ts';
import { formatTime } from '../lib/cases.ts';
import styles from './Case.module.css';
import { useAuthApi } from './CaseData.ts';
import { CaseMark, Deadline } from './CaseParts.tsx';
import own from './Consult.module.css';
import { type ConsultationView, MAX_ANSWER, MAX_QUESTION } from './ConsultData.ts';
import { Empty, LoadError, Loading } from './Status.tsx';

/**
 * 在线咨询 in the staff console, beside the queue: the department's open questions (most urgent
 * first, marked like tasks) to answer, and the answered ones to publish (edited) as FAQ of the item.
 */
export function ConsultQueue({ hallId }: { hallId: string }) {
  const [status, setStatus] = useState<'open' | 'answered'>('open');
  const [list, reload] = useAuthApi<{ consultations: ConsultationView[] }>(
    `/api/halls/${hallId}/consultations?status=${status}`,
  );
  const rows =
    list.status === 'ready' && Array.isArray(list.data?.consultations) ? list.data.consultations : [];
  return (
    <section aria-labelledby="consult-heading" style={{ marginTop: '1.5rem' }} data-testid="staff-consult">
      <h2 id="consult-heading">在线咨询</h2>
      <fieldset className={own.tabs}>
        <legend className="visually-hidden">咨询状态</legend>
        {(['open', 'answered'] as const).map((s) => (
          <button
            key={s}
            type="button"
            className="button button-secondary"
            aria-pressed={status === s}
            onClick={() => setStatus(s)}
          >
            {s === 'open' ? '待答复' : '已答复'}
          </button>
        ))}
      </fieldset>
      {list.status === 'loading' && <Loading>正在加载咨询…</Loading>}
      {list.status === 'error' && <LoadError message={list.message} onRetry={() => reload()} />}
      {list.status === 'ready' &&
        (rows.length === 0 ? (
          <Empty>{status === 'open' ? '暂无待答复的咨询' : '暂无已答复的咨询'}</Empty>
        ) : (
          <ol className={own.list}>
            {rows.map((c) => (
              <li
                key={`${c.consultNo}@${c.version}`}
                className={own.card}
                data-mark={c.mark}
                data-testid="staff-consultation"
              >
                <h3 style={{ margin: 0, fontSize: '1.0625rem' }}>
                  {c.itemName} <CaseMark mark={c.mark} />
                </h3>
                <p className={own.meta}>
                  <span>{c.consultNo}</span>
                  <span>
                    {c.asker?.anonymous ? '未登录群众' : (c.asker?.name ?? '群众')}
                    {c.asker?.phone ? ` ${c.asker.phone}` : ''}
                  </span>
                  <span>提问于 {formatTime(c.askedAt)}</span>
                  {c.deadline && (
                    <span>
                      答复期限 <Deadline iso={c.deadline} provisional={c.deadlineProvisional} />
                    </span>
                  )}
                </p>
                <p className={own.question}>{c.question}</p>
                {c.status === 'open' ? (
                  <AnswerForm c={c} hallId={hallId} onDone={() => reload(true)} />
                ) : (
                  <>
                    <p className={own.answer}>{c.answer?.text}</p>
                    <p className={own.meta}>
                      <span>
                        {c.answer?.by} 答复于 {formatTime(c.answer?.at)}
                      </span>
                      {c.rating && <span>群众评价：{c.rating.levelName}</span>}
                    </p>
                    <FaqForm c={c} hallId={hallId} onDone={() => reload(true)} />
                  </>
                )}
              </li>
            ))}
          </ol>
        ))}
    </section>
  );
}

function AnswerForm({ c, hallId, onDone }: { c: ConsultationView; hallId: string; onDone(): void }) {
  const id = useId();
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!text.trim()) return setProblem('请填写答复内容');
    setBusy(true);
    try {
      await authJson(`/api/halls/${hallId}/consultations/${c.consultNo}/answer`, {
        method: 'POST',
        body: { answer: text, version: c.version },
      });
      onDone();
    } catch (err) {
      setProblem(err instanceof ApiError ? err.message : '提交失败，请重试');
    } finally {
      setBusy(false);
    }
  }
  return (
    <form onSubmit={submit} noValidate data-testid="consult-answer-form">
      <div className={styles.field}>
        <label htmlFor={id}>答复（将短信通知提问人查看）</label>
        <textarea
          id={id}
          rows={4}
          maxLength={MAX_ANSWER}
          value={text}
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? `${id}-err` : undefined}
          onChange={(e) => {
            setText(e.target.value);
            setProblem(undefined);
          }}
        />
        {problem && (
          <p id={`${id}-err`} className={styles.error} role="alert">
            {problem}
          </p>
        )}
      </div>
      <div className={styles.buttons}>
        <button type="submit" className="button" disabled={busy}>
          {busy ? '正在提交…' : '提交答复'}
        </button>
      </div>
    </form>
  );
}

/** 公开为常见问题: the department edits out anything personal before publishing (and may withdraw it). */
function FaqForm({ c, hallId, onDone }: { c: ConsultationView; hallId: string; onDone(): void }) {
  const id = useId();
  const [open, setOpen] = useState(false);
  const [question, setQuestion] = useState(c.faq?.question ?? c.question);
  const [answer, setAnswer] = useState(c.faq?.answer ?? c.answer?.text ?? '');
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);
  const path = `/api/halls/${hallId}/consultations/${c.consultNo}/faq`;
  async function send(method: 'PUT' | 'DELETE') {
    setBusy(true);
    setProblem(undefined);
    try {
      await authJson(path, { method, body: method === 'PUT' ? { question, answer } : undefined });
      setOpen(false);
      onDone();
    } catch (err) {
      setProblem(err instanceof ApiError ? err.message : '提交失败，请重试');
    } finally {
      setBusy(false);
    }
  }
  if (!open)
    return (
      <p className={own.entry}>
        {c.faq && <span>已公开为常见问题（{formatTime(c.faq.at)}）</span>}
        <button type="button" className="button button-secondary" onClick={() => setOpen(true)}>
          {c.faq ? '修改公开内容' : '公开为常见问题'}
        </button>
      </p>
    );
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void send('PUT');
      }}
      noValidate
      data-testid="consult-faq-form"
    >
      <p className={styles.hint}>公开前请删去姓名、电话、证件号码等个人信息；不公开提问人。</p>
      <div className={styles.field}>
        <label htmlFor={`${id}-q`}>公开的问题</label>
        <textarea
          id={`${id}-q`}
          rows={3}
          maxLength={MAX_QUESTION}
          value={question}
          onChange={(e) => setQuestion(e.target.value)}
        />
      </div>
      <div className={styles.field}>
        <label htmlFor={`${id}-a`}>公开的答复</label>
        <textarea
          id={`${id}-a`}
          rows={4}
          maxLength={MAX_ANSWER}
          value={answer}
          onChange={(e) => setAnswer(e.target.value)}
        />
      </div>
      {problem && (
        <p className="status status-error" role="alert">
          {problem}
        </p>
      )}
      <div className={styles.buttons}>
        <button type="submit" className="button" disabled={busy}>
          {c.faq ? '更新公开内容' : '公开'}
        </button>
        {c.faq && (
          <button
            type="button"
            className="button button-secondary"
            disabled={busy}
            onClick={() => void send('DELETE')}
          >
            撤下
          </button>
        )}
        <button type="button" className="button button-secondary" onClick={() => setOpen(false)}>
          取消
        </button>
      </div>
    </form>
  );
}
