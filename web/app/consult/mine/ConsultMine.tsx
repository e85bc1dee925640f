'use client';

import { type FormEvent, useCallback, useEffect, useId, useState } from 'react';
import styles from '../../../components/Case.module.css';
import own from '../../../components/Consult.module.css';
import { type ConsultationView, proofJson, readProof } from '../../../components/ConsultData.ts';
import { ConsultPhoneFields, PHONE_RE, proofFor } from '../../../components/ConsultPhone.tsx';
import { useHalls } from '../../../components/HallContext.tsx';
import { RatingField } from '../../../components/RatingField.tsx';
import { Empty, LoadError, Loading } from '../../../components/Status.tsx';
import { ApiError } from '../../../lib/api.ts';
import { authJson, useSession } from '../../../lib/auth.ts';
import { type ActionDraft, EMPTY_DRAFT, formatDeadline, formatTime } from '../../../lib/cases.ts';
import { guidePath } from '../../../lib/guidePage.ts';
import form from '../../register/forms.module.css';

type Who = { kind: 'account' } | { kind: 'phone'; proof: string };

/** Calls as the signed-in person, or with the phone proof. */
function caller(who: Who) {
  return <T,>(path: string, init: { method?: string; body?: unknown } = {}) =>
    who.kind === 'account' ? authJson<T>(path, init) : proofJson<T>(path, who.proof, init);
}

/**
 * 我的咨询: signed in, the account's questions (and those asked with its phone); otherwise the
 * questions of a phone proved by SMS code. Each hall keeps its own, so every hall is asked.
 */
export function ConsultMine() {
  const session = useSession();
  const signedIn = !!session && !session.ended;
  const [proof, setProof] = useState<string | undefined>();
  useEffect(() => setProof(readProof()?.proof), []);
  const who: Who | undefined = signedIn ? { kind: 'account' } : proof ? { kind: 'phone', proof } : undefined;
  if (!who) return <ProvePhone onProved={setProof} />;
  return <MyList who={who} />;
}

function ProvePhone({ onProved }: { onProved(proof: string): void }) {
  const id = useId();
  const [phone, setPhone] = useState('');
  const [code, setCode] = useState('');
  const [problems, setProblems] = useState<{ phone?: string; code?: string }>({});
  const [busy, setBusy] = useState(false);
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!PHONE_RE.test(phone)) return setProblems({ phone: '请输入 11 位手机号码' });
    if (!/^\d{6}$/.test(code)) return setProblems({ code: '请输入 6 位短信验证码' });
    setBusy(true);
    try {
      onProved((await proofFor(phone, code)).proof);
    } catch (err) {
      setProblems({ code: err instanceof ApiError ? err.message : '验证失败，请重试' });
    } finally {
      setBusy(false);
    }
  }
  return (
    <form className={`panel ${form.form}`} onSubmit={submit} noValidate data-testid="consult-prove">
      <p>请登录，或验证提问时填写的手机号码，查看您的咨询和答复。</p>
      <ConsultPhoneFields
        idPrefix={id}
        phone={phone}
        code={code}
        onPhone={setPhone}
        onCode={setCode}
        problems={problems}
      />
      <p className={form.actions}>
        <button type="submit" className="button" disabled={busy}>
          {busy ? '正在验证…' : '查看我的咨询'}
        </button>
      </p>
    </form>
  );
}

function MyList({ who }: { who: Who }) {
  const { halls } = useHalls();
  const [list, setList] = useState<ConsultationView[] | 'loading' | { error: string }>('loading');
  const call = caller(who);
  const path = who.kind === 'account' ? 'consultations' : 'consultations/anonymous';
  const hallIds = halls.status === 'ready' ? halls.data.map((h) => h.id).join(',') : '';
  // biome-ignore lint/correctness/useExhaustiveDependencies: `call` follows `who`, keyed below.
  const load = useCallback(async () => {
    if (!hallIds) return;
    try {
      const answers = await Promise.all(
        hallIds.split(',').map((h) => call<{ consultations: ConsultationView[] }>(`/api/halls/${h}/${path}`)),
      );
      setList(answers.flatMap((a) => a.consultations).sort((a, b) => (a.askedAt < b.askedAt ? 1 : -1)));
    } catch (err) {
      setList({ error: err instanceof ApiError ? err.message : '加载失败' });
    }
  }, [hallIds, path, who.kind === 'phone' ? who.proof : '']);
  useEffect(() => {
    void load();
  }, [load]);

  if (list === 'loading') return <Loading>正在加载我的咨询…</Loading>;
  if (!Array.isArray(list)) return <LoadError message={list.error} onRetry={() => void load()} />;
  if (list.length === 0) return <Empty>暂无咨询。可以在事项的办事指南页点击“我要咨询”提问。</Empty>;
  return (
    <ol className={own.list} data-testid="my-consultations">
      {list.map((c) => (
        <li key={c.consultNo} className={own.card} data-testid="consultation">
          <h2 style={{ fontSize: '1.125rem', margin: 0 }}>
            <a href={guidePath(c.itemCode)}>{c.itemName}</a>
          </h2>
          <p className={own.meta}>
            <span>{c.consultNo}</span>
            <span>{c.deptName}</span>
            <span>提问于 {formatTime(c.askedAt)}</span>
            <strong>{c.statusName}</strong>
          </p>
          <p className={own.question}>{c.question}</p>
          {c.answer ? (
            <>
              <p className={own.answer} data-testid="consult-answer">
                {c.answer.text}
              </p>
              <p className={own.meta}>答复于 {formatTime(c.answer.at)}</p>
            </>
          ) : (
            c.deadline && <p className={own.meta}>部门将于 {formatDeadline(c.deadline)} 前答复</p>
          )}
          {c.rating && (
            <p data-testid="consult-rated">
              您的评价：<strong data-level={c.rating.level}>{c.rating.levelName}</strong>
              {c.rating.comment ? `；“${c.rating.comment}”` : ''}
            </p>
          )}
          {c.ratingOpenUntil && <RateAnswer c={c} who={who} onRated={() => void load()} />}
        </li>
      ))}
    </ol>
  );
}

function RateAnswer({ c, who, onRated }: { c: ConsultationView; who: Who; onRated(): void }) {
  const id = useId();
  const [draft, setDraft] = useState<ActionDraft['rating']>(EMPTY_DRAFT.rating);
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!draft.level) return setProblem('请选择满意程度');
    setBusy(true);
    try {
      const rating = {
        level: draft.level,
        tags: draft.tags.length ? draft.tags : undefined,
        comment: draft.comment.trim() || undefined,
      };
      const suffix = who.kind === 'account' ? 'rating' : 'anonymous-rating';
      await caller(who)(`/api/halls/${c.hallId}/consultations/${c.consultNo}/${suffix}`, {
        method: 'POST',
        body: { rating },
      });
      onRated();
    } catch (err) {
      setProblem(err instanceof ApiError ? err.message : '提交失败，请重试');
    } finally {
      setBusy(false);
    }
  }
  return (
    <form className={styles.task} onSubmit={submit} noValidate data-testid="consult-rate">
      <RatingField
        id={id}
        label={`您对这次答复满意吗？（${formatTime(c.ratingOpenUntil)} 前可评价，只评价一次）`}
        value={draft}
        onChange={(v) => {
          setDraft(v);
          setProblem(undefined);
        }}
        error={problem}
        withDimensions={false}
      />
      <div className={styles.buttons}>
        <button type="submit" className="button" disabled={busy}>
          {busy ? '正在提交…' : '提交评价'}
        </button>
      </div>
    </form>
  );
}
