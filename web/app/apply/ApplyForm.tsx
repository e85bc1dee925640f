'use client';

import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { type FormEvent, type ReactNode, useEffect, useId, useRef, useState } from 'react';
import {
  type FormDefinition,
  type FormField,
  type FormValue,
  isRequired,
  maxLengthOf,
  validateForm,
} from '../../../functions/domain/forms.ts';
import { missingMessage } from '../../../functions/domain/materials.ts';
import { formatTime } from '../../../functions/domain/time.ts';
import styles from '../../components/Case.module.css';
import { CaseGate } from '../../components/CaseGate.tsx';
import {
  DeliveryChoiceField,
  type DeliveryDraft,
  deliveryProblems,
  EMPTY_DELIVERY,
} from '../../components/DeliveryChoice.tsx';
import { MaterialSlots, type MaterialsState } from '../../components/MaterialSlots.tsx';
import { SITE_NAME } from '../../components/SiteHeader.tsx';
import { LoadError, Loading } from '../../components/Status.tsx';
import { ApiError } from '../../lib/api.ts';
import { authFetch, authJson, type Session } from '../../lib/auth.ts';
import { type FiledCase, formatQueryCode, newIdempotencyKey } from '../../lib/cases.ts';
import { canApplyOnline, searchHref } from '../../lib/catalogue.ts';
import { formatPromised } from '../../lib/format.ts';
import {
  type AccountFacts,
  askedValues,
  type GuideWithForms,
  initialValues,
  inputAttrs,
  isAsked,
  sections,
} from '../../lib/forms.ts';
import { routes } from '../../lib/routes.ts';
import { useApi } from '../../lib/useApi.ts';
import own from './apply.module.css';

/** /apply/?code=… — 在线申办: the item, then (signed in as an applicant) its application form. */
export function ApplyForm() {
  const code = (useSearchParams().get('code') ?? '').trim();
  const [answer, reload] = useApi<GuideWithForms>(code ? `/api/items/${encodeURIComponent(code)}` : null);
  const item = answer.status === 'ready' ? answer.data?.item : undefined;

  useEffect(() => {
    if (item?.name) document.title = `在线申办：${item.name} - ${SITE_NAME}`;
  }, [item?.name]);

  if (!code || (answer.status === 'error' && answer.httpStatus === 404)) {
    return (
      <>
        <h1>在线申办</h1>
        <p className="status status-error">
          {code ? '没有找到这个事项，它可能已调整或下线。' : '链接中缺少事项编码。'}
        </p>
        <p>
          <Link className="button" href={searchHref({})}>
            去搜索事项
          </Link>
        </p>
      </>
    );
  }
  if (answer.status === 'loading') return <Loading>正在加载事项…</Loading>;
  if (answer.status === 'error') return <LoadError message={answer.message} onRetry={reload} />;
  const { item: it, department, hall } = answer.data;

  return (
    <>
      <p>
        <Link href={routes.item(it.code)}>← 返回办事指南</Link>
      </p>
      <header className={styles.head}>
        <h1>在线申办：{it.name}</h1>
        <p className={styles.meta}>
          <span>{department?.name ?? it.deptCode}</span>
          {hall && <span>{hall.name}</span>}
          <span>承诺时限：{formatPromised(it.promisedDays, it.caseKind)}</span>
        </p>
      </header>
      {!canApplyOnline(it) ? (
        <p className="status" data-testid="not-online">
          本事项暂不支持网上申请，请带齐材料到 {it.place} 办理（{it.hours}）。
        </p>
      ) : !answer.data.applicationForm ? (
        <p className="status status-error">
          本事项的申请表暂时无法加载，请稍后再试或拨打 {it.consultPhone} 咨询。
        </p>
      ) : (
        <CaseGate roles={['applicant', 'agent']} returnTo={routes.apply(it.code)} purpose="在线申办">
          {(session) =>
            session.claims.roles?.includes('agent') ? (
              <AgentFiling
                guide={answer.data}
                definition={answer.data.applicationForm as FormDefinition}
                session={session}
              />
            ) : (
              <Prefilled
                guide={answer.data}
                definition={answer.data.applicationForm as FormDefinition}
                session={session}
              />
            )
          }
        </CaseGate>
      )}
    </>
  );
}

/**
 * What the account says about the applicant. The ID number and whether the person is the legal
 * representative of the enterprise they act for need GET /api/account (the token has neither).
 */
function Prefilled({
  guide,
  definition,
  session,
}: {
  guide: GuideWithForms;
  definition: FormDefinition;
  session: Session;
}) {
  const c = session.claims;
  const needsAccount = definition.fields.some(
    (f) => f.prefill === 'idNumber' || (f.prefill === 'legalRepName' && c.act_uscc),
  );
  const [account, setAccount] = useState<Me | null | undefined>(needsAccount ? undefined : null);
  useEffect(() => {
    if (!needsAccount) return;
    let live = true;
    authJson<Me>('/api/account')
      .then((me) => live && setAccount(me))
      .catch(() => live && setAccount(null));
    return () => {
      live = false;
    };
  }, [needsAccount]);
  if (account === undefined) return <Loading>正在读取您的账户信息…</Loading>;
  const legal = account?.enterprises?.some((e) => e.uscc === c.act_uscc && e.role === 'legal');
  const facts: AccountFacts = {
    name: c.name,
    phone: c.phone_number?.replace(/^\+86/, ''),
    idNumber: account?.account?.idNumber,
    enterpriseName: c.act_name,
    uscc: c.act_uscc,
    legalRepName: c.act_uscc && legal ? c.name : undefined,
  };
  return (
    <Filing guide={guide} definition={definition} facts={facts} enterprise={!!c.act_uscc} session={session} />
  );
}

/** A confirmed mandate as GET /api/agent/mandates gives it (the name masked). */
interface MandateView {
  personSub: string;
  personName: string;
  validUntil: string;
  materialRef: string;
}

/**
 * 代办: an agent picks the person whose mandate is valid, then fills the same form and materials
 * for them; the case is the person's (they get the SMS and see it in 我的办件). Each person starts
 * from an empty form and their own draft: nothing of the last villager stays on the page.
 */
function AgentFiling({
  guide,
  definition,
  session,
}: {
  guide: GuideWithForms;
  definition: FormDefinition;
  session: Session;
}) {
  const [mandates, setMandates] = useState<MandateView[]>();
  const [error, setError] = useState<string>();
  const [person, setPerson] = useState<MandateView>();
  // Bumped for every next person: the form is a new one (new key, no values left over).
  const [round, setRound] = useState(0);
  useEffect(() => {
    let live = true;
    authJson<{ mandates: MandateView[] }>('/api/agent/mandates').then(
      (r) => live && setMandates(r.mandates),
      (err: Error) => live && setError(err.message),
    );
    return () => {
      live = false;
    };
  }, []);
  if (error) return <LoadError message={error} />;
  if (!mandates) return <Loading>正在读取您的代办授权…</Loading>;
  if (!person)
    return (
      <section className={`panel ${styles.narrow}`} data-testid="agent-pick" aria-labelledby="agent-pick">
        <h2 id="agent-pick">代办：为哪位群众申办？</h2>
        {mandates.length === 0 ? (
          <p>您还没有有效的代办授权。请先在代办模式中登记授权委托书，并由本人提供手机收到的验证码。</p>
        ) : (
          <ul className={own.mandates}>
            {mandates.map((m) => (
              <li key={m.personSub}>
                <button
                  type="button"
                  className="button"
                  onClick={() => setPerson(m)}
                  data-testid="agent-pick-person"
                >
                  代 {m.personName} 申办
                </button>
                <span className={styles.hint}>
                  授权书 {m.materialRef} · 有效至 {formatTime(m.validUntil)}
                </span>
              </li>
            ))}
          </ul>
        )}
        <p>
          <Link href="/agent/">去代办模式取得新的授权</Link>
        </p>
      </section>
    );
  return (
    <Filing
      key={`${person.personSub}#${round}`}
      guide={guide}
      definition={definition}
      facts={{}}
      enterprise={false}
      session={session}
      forPerson={person}
      onNext={() => {
        setPerson(undefined);
        setRound((n) => n + 1);
      }}
    />
  );
}

/** The parts of GET /api/account the form uses. */
interface Me {
  account?: { idNumber?: string };
  enterprises?: { uscc: string; role: 'legal' | 'authorised' }[];
}

function Filing({
  guide,
  definition,
  facts,
  enterprise,
  session,
  forPerson,
  onNext,
}: {
  guide: GuideWithForms;
  definition: FormDefinition;
  facts: AccountFacts;
  enterprise: boolean;
  session: Session;
  /** 代办: the person the agent files for. */
  forPerson?: MandateView;
  /** 代办: done with this person, on to the next (or another) one. */
  onNext?: () => void;
}) {
  const { item } = guide;
  const id = useId();
  // One key per visit of this page: a double click or a retry after a lost answer files once.
  const [key] = useState(newIdempotencyKey);
  const [values, setValues] = useState<FormValue>(() => initialValues(definition, facts, enterprise));
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [tried, setTried] = useState(false);
  const [serverErrors, setServerErrors] = useState<Record<string, string>>({});
  const [materials, setMaterials] = useState<MaterialsState>({ busy: false, missing: [] });
  const [delivery, setDelivery] = useState<DeliveryDraft>(EMPTY_DELIVERY);
  // What the server said of the materials at the last try (another tab may have changed them).
  const [serverMaterials, setServerMaterials] = useState<string>();
  const [general, setGeneral] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [filed, setFiled] = useState<FiledCase>();
  const done = useRef<HTMLElement>(null);
  const prefilled = definition.fields.some((f) => f.prefill && facts[f.prefill]);

  // The same check the server runs at filing, on every change (cheap: a few dozen fields).
  const result = validateForm(definition, askedValues(definition, values));
  const fieldErrors: Record<string, string> = {};
  if (!result.ok) for (const e of result.errors) fieldErrors[e.field] ??= e.message;
  const shown = (k: string) => serverErrors[k] ?? (tried || touched.has(k) ? fieldErrors[k] : undefined);
  const visible = definition.fields.filter((f) => isAsked(f, values));

  useEffect(() => {
    if (filed) done.current?.focus();
  }, [filed]);

  const inputId = (k: string) => `${id}-f-${k}`;
  const focus = (k: string) => document.getElementById(inputId(k))?.focus();

  function change(k: string, v: string | boolean) {
    setValues((old) => ({ ...old, [k]: v }));
    setServerErrors((s) => {
      if (!(k in s)) return s;
      const { [k]: _, ...rest } = s;
      return rest;
    });
  }
  const blur = (k: string) => setTouched((t) => (t.has(k) ? t : new Set([...t, k])));

  async function submit(e: FormEvent) {
    e.preventDefault();
    setTried(true);
    setGeneral(undefined);
    const matProblem = materialsProblemOf(materials);
    setServerMaterials(undefined);
    const firstBad = visible.find((f) => fieldErrors[f.key] || serverErrors[f.key]);
    if (firstBad) {
      focus(firstBad.key);
      return;
    }
    if (matProblem) {
      document.getElementById(`${id}-materials`)?.focus();
      return;
    }
    if (Object.keys(deliveryProblems(delivery, item.delivery)).length) return;
    const draftId = materials.draftId;
    if (!result.ok) return;
    setBusy(true);
    try {
      setFiled(
        await file(item.hallId, key, {
          itemCode: item.code,
          form: result.value,
          draftId,
          delivery,
          ...(forPerson ? { forPerson: forPerson.personSub } : {}),
        }),
      );
    } catch (err) {
      const code = err instanceof ApiError ? err.code : undefined;
      const details = (err as ApiError & { details?: unknown }).details;
      if (code === 'FORM_INVALID' && Array.isArray(details)) {
        // The server's own check disagreed (a newer form definition?): show its words beside the fields.
        const byField: Record<string, string> = {};
        for (const d of details as { field?: string; message?: string }[])
          if (d.field && d.message && definition.fields.some((f) => f.key === d.field))
            byField[d.field] ??= d.message;
        setServerErrors(byField);
        const first = visible.find((f) => byField[f.key]);
        if (first) focus(first.key);
        setGeneral(
          Object.keys(byField).length
            ? (err as Error).message
            : `${(err as Error).message}。请刷新本页后重新填写。`,
        );
      } else if (code === 'MATERIALS_MISSING' || code === 'DRAFT_BUSY') {
        // The server saw the materials differently (another tab changed them): its words at the materials.
        setServerMaterials((err as Error).message);
        document.getElementById(`${id}-materials`)?.focus();
      } else
        setGeneral(
          code === 'IDEMPOTENCY_KEY_REUSED'
            ? '您已提交过这份申请。请到“我的账户”查看我的办件，或刷新本页重新填写。'
            : (err as Error).message,
        );
    } finally {
      setBusy(false);
    }
  }

  if (filed) {
    return (
      <section
        className={`panel ${styles.narrow}`}
        ref={done}
        tabIndex={-1}
        aria-labelledby={`${id}-done`}
        data-testid="filed"
      >
        <h2 id={`${id}-done`}>
          <span aria-hidden="true">✓ </span>申请已提交
        </h2>
        {forPerson ? (
          <p data-testid="filed-for">
            已代 {forPerson.personName}{' '}
            提交申请。办件属于本人：短信通知发到本人手机，本人登录后可在“我的办件”中查看；
            请把办件编号和查询码告知本人。
          </p>
        ) : (
          <p>请记下办件编号和查询码，凭它们可随时查询办理进度；受理后还会短信通知您。</p>
        )}
        <dl className={styles.big}>
          <dt>办件编号</dt>
          <dd data-testid="filed-case-no">{filed.caseNo}</dd>
          <dt>查询码</dt>
          <dd data-testid="filed-query-code">{formatQueryCode(filed.queryCode)}</dd>
        </dl>
        <div className={styles.buttons}>
          <Link className="button" href={routes.progress(filed.caseNo, filed.queryCode)}>
            查询办理进度
          </Link>
          {onNext ? (
            <button
              type="button"
              className="button button-secondary"
              onClick={onNext}
              data-testid="agent-next"
            >
              为下一位群众办理
            </button>
          ) : (
            <Link className="button button-secondary" href={routes.account}>
              我的办件
            </Link>
          )}
        </div>
      </section>
    );
  }

  // After a try, the materials' problem as it is now (it goes away as the slots are filled).
  const materialsProblem = serverMaterials ?? (tried ? materialsProblemOf(materials) : undefined);
  const badCount = visible.filter((f) => shown(f.key)).length + (materialsProblem ? 1 : 0);

  return (
    <form className={`panel ${styles.narrow}`} onSubmit={submit} noValidate data-testid="apply-form">
      {forPerson && (
        <div className={own.agentBar} data-testid="agent-for">
          <p>
            代办：为 <strong>{forPerson.personName}</strong> 申办（代办员 {session.claims.name}，授权书{' '}
            {forPerson.materialRef}）。请按本人的情况填写，并上传本人签名的授权委托书。
          </p>
          <button type="button" className="button button-secondary" onClick={onNext}>
            换一位群众
          </button>
        </div>
      )}
      {session.claims.act_name && (
        <p>
          申请单位：<strong>{session.claims.act_name}</strong>（经办人 {session.claims.name}）
        </p>
      )}
      {prefilled && (
        <p className={`${styles.hint} ${own.prefilled}`}>已按您的账户信息预先填写了部分内容，请核对。</p>
      )}
      {tried && badCount > 0 && (
        <p className={`status status-error ${own.summary}`} role="alert" data-testid="form-summary">
          还有 {badCount} 项需要填写或修改，请看各项下方的提示。
        </p>
      )}

      {sections(visible).map((s) => (
        <fieldset key={s.fields[0].key} className={own.section}>
          {s.title && <legend className={own.sectionTitle}>{s.title}</legend>}
          {s.fields.map((f) => (
            <FieldInput
              key={f.key}
              field={f}
              id={inputId(f.key)}
              value={values[f.key]}
              error={shown(f.key)}
              onChange={(v) => change(f.key, v)}
              onBlur={() => blur(f.key)}
            />
          ))}
        </fieldset>
      ))}

      <section
        className={own.section}
        aria-labelledby={`${id}-materials`}
        aria-describedby={materialsProblem ? `${id}-materials-err` : undefined}
      >
        <h2 className={own.sectionTitle} id={`${id}-materials`} tabIndex={-1}>
          申请材料
        </h2>
        {materialsProblem && (
          <p id={`${id}-materials-err`} className={styles.error} role="alert" data-testid="materials-problem">
            {materialsProblem}
          </p>
        )}
        <MaterialSlots
          hallId={item.hallId}
          itemCode={item.code}
          forPerson={forPerson?.personSub}
          showMissing={tried}
          onChange={setMaterials}
        />
      </section>

      <section className={own.section} aria-label="送达方式">
        <DeliveryChoiceField
          offered={item.delivery}
          value={delivery}
          onChange={setDelivery}
          problems={tried ? deliveryProblems(delivery, item.delivery) : {}}
        />
      </section>

      {general && (
        <p className="status status-error" role="alert" data-testid="apply-error">
          {general}
        </p>
      )}
      <div className={styles.buttons}>
        <button type="submit" className="button" disabled={busy}>
          {busy ? '正在提交…' : '提交申请'}
        </button>
      </div>
    </form>
  );
}

/** One field of the application form: label, hint, the input its type calls for, the message. */
function FieldInput({
  field: f,
  id,
  value,
  error,
  onChange,
  onBlur,
}: {
  field: FormField;
  id: string;
  value: string | boolean | undefined;
  error?: string;
  onChange: (v: string | boolean) => void;
  onBlur: () => void;
}) {
  const hintId = f.help ? `${id}-hint` : undefined;
  const errId = error ? `${id}-err` : undefined;
  const describedBy = [hintId, errId].filter(Boolean).join(' ') || undefined;
  const hint = f.help && (
    <p id={hintId} className={styles.hint}>
      {f.help}
    </p>
  );
  const message = error && (
    <p id={errId} className={styles.error} data-testid={`error-${f.key}`}>
      {error}
    </p>
  );
  const label: ReactNode = (
    <>
      {f.label}
      {!isRequired(f) && <span className={own.optional}>（选填）</span>}
    </>
  );
  const text = typeof value === 'string' ? value : '';

  if (f.type === 'checkbox')
    return (
      <div className={own.checkField}>
        <label className={own.check}>
          <input
            id={id}
            type="checkbox"
            checked={value === true}
            onChange={(e) => onChange(e.target.checked)}
            onBlur={onBlur}
            aria-invalid={error ? true : undefined}
            aria-describedby={describedBy}
          />
          <span>{label}</span>
        </label>
        {hint}
        {message}
      </div>
    );

  if (f.type === 'choice' && (f.options?.length ?? 0) <= 4)
    return (
      <fieldset className={styles.fieldset} aria-describedby={describedBy}>
        <legend className={styles.legend}>{label}</legend>
        {hint}
        <div className={styles.choices} role="radiogroup" aria-invalid={error ? true : undefined}>
          {(f.options ?? []).map((o, i) => (
            <label key={o} className={styles.choice}>
              <input
                id={i === 0 ? id : undefined}
                type="radio"
                name={id}
                value={o}
                checked={value === o}
                onChange={() => onChange(o)}
                onBlur={onBlur}
              />
              {o}
            </label>
          ))}
        </div>
        {message}
      </fieldset>
    );

  const common = {
    id,
    value: text,
    onBlur,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': describedBy,
  } as const;
  let input: ReactNode;
  if (f.type === 'choice')
    input = (
      <select {...common} onChange={(e) => onChange(e.target.value)}>
        <option value="">请选择</option>
        {(f.options ?? []).map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    );
  else if (f.type === 'textarea')
    input = <textarea {...common} maxLength={maxLengthOf(f)} onChange={(e) => onChange(e.target.value)} />;
  else {
    // IDs and credit codes are shown as printed (upper case), whatever the keyboard typed.
    const upper = f.type === 'id-number' || f.type === 'uscc';
    input = (
      <input
        {...common}
        {...inputAttrs(f)}
        onChange={(e) => onChange(upper ? e.target.value.toUpperCase() : e.target.value)}
      />
    );
  }
  return (
    <div className={styles.field}>
      <label htmlFor={id}>{label}</label>
      {hint}
      {input}
      {message}
    </div>
  );
}

/** Why the materials do not allow filing yet, or undefined. */
function materialsProblemOf(m: MaterialsState): string | undefined {
  if (m.busy) return '材料还在上传或核验，请稍等完成后再提交';
  if (!m.draftId) return '申请材料还没有准备好，请稍候';
  return m.missing.length > 0 ? missingMessage(m.missing) : undefined;
}

/** POST /cases with the Idempotency-Key header (authJson sends no custom headers). */
async function file(
  hallId: string,
  key: string,
  body: { itemCode: string; form: FormValue; draftId?: string; forPerson?: string; delivery?: DeliveryDraft },
): Promise<FiledCase> {
  let res: Response;
  try {
    // authFetch refreshes an expired or revoked token and tries again; the key makes that safe.
    res = await authFetch(`/api/halls/${hallId}/cases`, {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify(body),
    });
  } catch (err) {
    if (err instanceof ApiError && err.status === 0)
      throw new ApiError(0, '网络连接失败，请检查网络后重试（重试不会重复提交）');
    throw err;
  }
  const json = (await res.json().catch(() => undefined)) as
    | (FiledCase & { error?: { code?: string; message?: string; details?: unknown } })
    | undefined;
  if (!res.ok || !json?.caseNo) {
    const err = new ApiError(
      res.status,
      json?.error?.message ?? `提交失败（${res.status}）`,
      json?.error?.code,
    );
    (err as ApiError & { details?: unknown }).details = json?.error?.details;
    throw err;
  }
  return json;
}
