'use client';

import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import styles from '../../components/Case.module.css';
import {
  CaseDeadlines,
  CaseRating,
  CaseResult,
  CaseSteps,
  CaseTimeline,
} from '../../components/CaseParts.tsx';
import { useHalls } from '../../components/HallContext.tsx';
import { ApiError, getJson, query } from '../../lib/api.ts';
import {
  CASE_NO,
  findProof,
  hallOfCase,
  isQueryCode,
  normaliseCaseNo,
  normaliseQueryCode,
  type ProgressView,
  QUERY_CODE_HINT,
  QUERY_CODE_PROBLEM,
} from '../../lib/cases.ts';
import { routes } from '../../lib/routes.ts';

type Answer =
  | { status: 'idle' }
  | { status: 'loading' }
  /** The server asked for a proof of work (many wrong codes for this number lately). */
  | { status: 'proving' }
  | { status: 'error'; message: string }
  | { status: 'ready'; view: ProgressView };

/** The same words as the API for an unknown number or a wrong code: neither is told apart. */
const NOT_FOUND = '办件编号或查询码不正确';

/**
 * The proof of work a 428 asks for (#domain/proof.ts), found in rounds so the page stays
 * responsive; a second of a phone's time at most.
 */
async function prove(caseNo: string, code: string, challenge: string, bits: number): Promise<string> {
  const round = 20_000;
  for (let from = 0; ; from += round) {
    const nonce = findProof({ caseNo, code, challenge }, bits, from, round);
    if (nonce) return `${challenge}.${nonce}`;
    await new Promise((r) => setTimeout(r, 0));
  }
}

const challengeOf = (err: unknown) => {
  const d = err instanceof ApiError && err.code === 'PROOF_REQUIRED' ? err.details : undefined;
  const { challenge, bits } = (d ?? {}) as { challenge?: unknown; bits?: unknown };
  return typeof challenge === 'string' && typeof bits === 'number' ? { challenge, bits } : undefined;
};

/**
 * 办件进度查询: number + query code (from the SMS or the receipt). `?no=&code=` in the URL (the SMS
 * link) queries at once. Nothing here needs signing in.
 */
export function ProgressQuery() {
  const params = useSearchParams();
  const { halls } = useHalls();
  const [caseNo, setCaseNo] = useState(params.get('no') ?? '');
  const [code, setCode] = useState(params.get('code') ?? '');
  const [errors, setErrors] = useState<{ caseNo?: string; code?: string }>({});
  const [answer, setAnswer] = useState<Answer>({ status: 'idle' });
  const noId = useId();
  const codeId = useId();
  const result = useRef<HTMLDivElement>(null);
  const auto = useRef(false);

  async function run(rawNo: string, rawCode: string, focus: boolean) {
    const no = normaliseCaseNo(rawNo);
    const c = normaliseQueryCode(rawCode);
    const problems: typeof errors = {};
    if (!CASE_NO.test(no)) problems.caseNo = '办件编号格式应为 341602-20260302-000001（20 位数字）';
    if (!isQueryCode(c)) problems.code = QUERY_CODE_PROBLEM;
    setErrors(problems);
    if (problems.caseNo || problems.code) {
      document.getElementById(problems.caseNo ? noId : codeId)?.focus();
      return;
    }
    setCaseNo(no);
    if (halls.status !== 'ready') return;
    const hall = hallOfCase(no, halls.data);
    if (!hall) {
      setAnswer({ status: 'error', message: NOT_FOUND });
      return;
    }
    setAnswer({ status: 'loading' });
    try {
      const ask = (proof?: string) =>
        getJson<ProgressView>(`/api/halls/${hall.id}/progress${query({ caseNo: no, code: c, proof })}`);
      let view: ProgressView | undefined;
      let proof: string | undefined;
      // A 428 asks for a proof of work; the challenge may move on meanwhile, so ask again at most twice.
      for (let attempt = 0; !view; attempt++) {
        try {
          view = await ask(proof);
        } catch (err) {
          const asked = challengeOf(err);
          if (!asked || attempt === 2) throw err;
          setAnswer({ status: 'proving' });
          proof = await prove(no, c, asked.challenge, asked.bits);
        }
      }
      setAnswer({ status: 'ready', view });
      if (focus) requestAnimationFrame(() => result.current?.focus());
    } catch (err) {
      // The server's words: a wrong code and an unknown number read the same; 429 says to wait.
      setAnswer({ status: 'error', message: (err as Error).message || NOT_FOUND });
    }
  }

  // An SMS link carries both: answer at once, once the halls are known.
  useEffect(() => {
    if (auto.current || halls.status !== 'ready') return;
    const no = params.get('no');
    const c = params.get('code');
    const t = params.get('t');
    if (no && c) {
      auto.current = true;
      void run(no, c, false);
    } else if (no && t && halls.status === 'ready') {
      // The signed link of an SMS (functions/cases/progress-link.ts): no code to type.
      auto.current = true;
      const hall = hallOfCase(no, halls.data);
      if (!hall) return setAnswer({ status: 'error', message: NOT_FOUND });
      setAnswer({ status: 'loading' });
      getJson<ProgressView>(`/api/halls/${hall.id}/progress${query({ caseNo: no, t })}`).then(
        (view) => setAnswer({ status: 'ready', view }),
        (err: Error) => setAnswer({ status: 'error', message: err.message || NOT_FOUND }),
      );
    }
  });

  function submit(e: FormEvent) {
    e.preventDefault();
    void run(caseNo, code, true);
  }

  return (
    <>
      <form className={`panel ${styles.queryForm}`} onSubmit={submit} noValidate aria-label="办件进度查询">
        <div className={styles.field}>
          <label htmlFor={noId}>办件编号</label>
          <input
            id={noId}
            value={caseNo}
            onChange={(e) => setCaseNo(e.target.value)}
            inputMode="numeric"
            autoComplete="off"
            placeholder="如 341602-20260302-000001"
            maxLength={40}
            aria-invalid={errors.caseNo ? true : undefined}
            aria-describedby={`${noId}-hint${errors.caseNo ? ` ${noId}-err` : ''}`}
          />
          <p id={`${noId}-hint`} className={styles.hint}>
            见受理短信或申请回执
          </p>
          {errors.caseNo && (
            <p id={`${noId}-err`} className={styles.error} role="alert">
              {errors.caseNo}
            </p>
          )}
        </div>
        <div className={styles.field}>
          <label htmlFor={codeId}>查询码</label>
          <input
            id={codeId}
            value={code}
            onChange={(e) => setCode(e.target.value)}
            autoComplete="off"
            autoCapitalize="characters"
            spellCheck={false}
            maxLength={16}
            aria-invalid={errors.code ? true : undefined}
            aria-describedby={`${codeId}-hint${errors.code ? ` ${codeId}-err` : ''}`}
          />
          <p id={`${codeId}-hint`} className={styles.hint}>
            {QUERY_CODE_HINT}
          </p>
          {errors.code && (
            <p id={`${codeId}-err`} className={styles.error} role="alert">
              {errors.code}
            </p>
          )}
        </div>
        <div className={styles.submit}>
          <button
            type="submit"
            className="button"
            disabled={answer.status === 'loading' || answer.status === 'proving' || halls.status !== 'ready'}
          >
            {answer.status === 'loading' || answer.status === 'proving' ? '正在查询…' : '查询'}
          </button>
        </div>
      </form>

      {answer.status === 'loading' && (
        <p className="status" role="status">
          正在查询…
        </p>
      )}
      {answer.status === 'proving' && (
        <p className="status" role="status" data-testid="progress-proving">
          该办件近期查询失败次数较多，正在进行安全验证，请稍候…
        </p>
      )}
      {answer.status === 'error' && (
        <p className="status status-error" role="alert" data-testid="progress-error">
          {answer.message}
        </p>
      )}
      {answer.status === 'ready' && (
        <div ref={result} tabIndex={-1} data-testid="progress-answer">
          <Answer view={answer.view} />
        </div>
      )}
      {answer.status === 'idle' && (
        <p className={styles.hint}>
          在线申办的办件，也可以登录后在<Link href={routes.account}>我的账户</Link>中查看全部办件。
        </p>
      )}
    </>
  );
}

function Answer({ view }: { view: ProgressView }) {
  return (
    <>
      <section className={`panel ${styles.section}`}>
        <h2 id="progress-title">{view.itemName}</h2>
        <p className={styles.meta}>
          <span>
            办件编号 <span className={styles.caseNo}>{view.caseNo}</span>
          </span>
          <span>{view.deptName}</span>
        </p>
        <dl className={styles.facts}>
          <dt>办件状态</dt>
          <dd>
            <strong>{view.statusName}</strong>
          </dd>
          <dt>当前环节</dt>
          <dd>{view.currentStep}</dd>
        </dl>
      </section>
      <CaseResult view={view} />
      <CaseRating
        view={view}
        invite={
          <p>
            <Link className="button" href={routes.staffCase(view.caseNo)}>
              登录后评价
            </Link>
          </p>
        }
      />
      <div className={styles.layout}>
        <section className={`panel ${styles.section}`} aria-labelledby="progress-events">
          <h2 id="progress-events">办理过程</h2>
          <CaseTimeline events={view.events} />
        </section>
        <div>
          <section className={`panel ${styles.section}`} aria-labelledby="progress-limits">
            <h2 id="progress-limits">办理时限</h2>
            <CaseDeadlines view={view} />
          </section>
          <section className={`panel ${styles.section}`} aria-labelledby="progress-steps">
            <h2 id="progress-steps">办理流程</h2>
            <CaseSteps steps={view.steps} closed={['refused', 'denied', 'withdrawn'].includes(view.status)} />
          </section>
        </div>
      </div>
    </>
  );
}
