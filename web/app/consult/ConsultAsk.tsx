'use client';

import { type FormEvent, useId, useState } from 'react';
import styles from '../../components/Case.module.css';
import own from '../../components/Consult.module.css';
import {
  type ConsultationView,
  MAX_QUESTION,
  MIN_QUESTION,
  myConsultPath,
  proofJson,
  useGuideItem,
} from '../../components/ConsultData.ts';
import { ConsultPhoneFields, PHONE_RE, proofFor } from '../../components/ConsultPhone.tsx';
import { ApiError } from '../../lib/api.ts';
import { authFetch, startLogin, useSession } from '../../lib/auth.ts';
import { formatDeadline, newIdempotencyKey } from '../../lib/cases.ts';
import { guidePath } from '../../lib/guidePage.ts';
import form from '../register/forms.module.css';

type Problems = { question?: string; phone?: string; code?: string; general?: string };

/**
 * The question form. Signed in as a person (or agent), the question goes with the account; otherwise
 * with a phone proved by an SMS code. One Idempotency-Key per question, so a double tap or a retry
 * after a lost answer asks once.
 */
export function ConsultAsk() {
  const id = useId();
  const guide = useGuideItem();
  const session = useSession();
  const asPerson =
    !!session &&
    !session.ended &&
    (session.claims.roles ?? []).some((r) => r === 'applicant' || r === 'agent');
  const official = !!session && !asPerson;
  const [question, setQuestion] = useState('');
  const [phone, setPhone] = useState('');
  const [code, setCode] = useState('');
  const [problems, setProblems] = useState<Problems>({});
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<ConsultationView>();
  const [key, setKey] = useState(newIdempotencyKey);

  if (!guide) {
    return (
      <p className="status" role="status">
        正在加载事项…（请从事项的办事指南页点击“我要咨询”进入，或先<a href="/search/">查找事项</a>）
      </p>
    );
  }
  const hallId = guide.item.hallId;

  async function submit(e: FormEvent) {
    e.preventDefault();
    const q = question.trim();
    const next: Problems = {};
    if (q.length < MIN_QUESTION) next.question = `请把问题说清楚（至少 ${MIN_QUESTION} 个字）`;
    if (!asPerson && !PHONE_RE.test(phone)) next.phone = '请输入 11 位手机号码';
    setProblems(next);
    if (Object.keys(next).length) return;
    setBusy(true);
    try {
      const body = { itemCode: guide!.item.code, question: q };
      let answer: ConsultationView;
      if (asPerson) {
        const res = await authFetch(`/api/halls/${hallId}/consultations`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': key },
          body: JSON.stringify(body),
        });
        const json = await res.json().catch(() => undefined);
        if (!res.ok)
          throw new ApiError(
            res.status,
            json?.error?.message ?? `提交失败（${res.status}）`,
            json?.error?.code,
          );
        answer = json;
      } else {
        const proof = await proofFor(phone, code).catch((err: ApiError) => {
          setProblems({ code: err.message });
          throw undefined;
        });
        answer = await proofJson<ConsultationView>(
          `/api/halls/${hallId}/consultations/anonymous`,
          proof.proof,
          {
            method: 'POST',
            body,
            headers: { 'idempotency-key': key },
          },
        );
      }
      setDone(answer);
    } catch (err) {
      if (err instanceof ApiError) {
        if (err.code === 'QUESTION_INVALID') setProblems({ question: err.message });
        else setProblems({ general: err.message });
      }
    } finally {
      setBusy(false);
    }
  }

  if (done) {
    return (
      <section className="panel" data-testid="consult-asked" aria-live="polite">
        <h2>咨询已提交</h2>
        <dl className={styles.facts}>
          <dt>咨询编号</dt>
          <dd>{done.consultNo}</dd>
          <dt>咨询事项</dt>
          <dd>{done.itemName}</dd>
          <dt>答复部门</dt>
          <dd>{done.deptName}</dd>
          {done.deadline && (
            <>
              <dt>答复期限</dt>
              <dd>{formatDeadline(done.deadline)}</dd>
            </>
          )}
        </dl>
        <p>部门答复后会短信通知您，请到“我的咨询”查看答复并评价。</p>
        <p className={form.actions}>
          <a className="button" href={myConsultPath}>
            我的咨询
          </a>
          <button
            type="button"
            className="button button-secondary"
            onClick={() => {
              setDone(undefined);
              setQuestion('');
              setKey(newIdempotencyKey());
            }}
          >
            再问一个问题
          </button>
        </p>
      </section>
    );
  }

  return (
    <form className={`panel ${form.form}`} onSubmit={submit} noValidate data-testid="consult-form">
      <p>
        咨询事项：<a href={guidePath(guide.item.code)}>{guide.item.name}</a>
        <br />
        答复部门：{guide.department?.name ?? '承办部门'}
      </p>
      {official && (
        <p className="status status-warning" role="status">
          工作人员账号不能在线咨询，请退出后以群众身份提问。
        </p>
      )}
      <div className={form.field}>
        <label htmlFor={`${id}-q`}>您的问题</label>
        <textarea
          id={`${id}-q`}
          name="question"
          rows={5}
          className={own.textarea}
          maxLength={MAX_QUESTION}
          value={question}
          aria-invalid={problems.question ? true : undefined}
          aria-describedby={`${id}-q-hint`}
          onChange={(e) => setQuestion(e.target.value)}
        />
        <p
          id={`${id}-q-hint`}
          className={problems.question ? form.error : form.hint}
          role={problems.question ? 'alert' : undefined}
        >
          {problems.question ?? `请勿填写身份证号码等个人信息（${question.length}/${MAX_QUESTION}）`}
        </p>
      </div>
      {!asPerson && !official && (
        <>
          <p className={form.hint}>未登录也可以咨询：验证手机号码即可，答复以短信通知。</p>
          <p>
            <button
              type="button"
              className="button button-secondary"
              onClick={() => void startLogin(window.location.pathname + window.location.search)}
            >
              已有账号，登录后提问
            </button>
          </p>
          <ConsultPhoneFields
            idPrefix={id}
            phone={phone}
            code={code}
            onPhone={setPhone}
            onCode={setCode}
            problems={problems}
          />
        </>
      )}
      {problems.general && (
        <p className="status status-error" role="alert">
          {problems.general}
        </p>
      )}
      <p className={form.actions}>
        <button type="submit" className="button" disabled={busy || official}>
          {busy ? '正在提交…' : '提交咨询'}
        </button>
      </p>
    </form>
  );
}
