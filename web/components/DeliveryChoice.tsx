'use client';

/**
 * 送达方式 at filing: the ways the item offers (窗口自取, 邮寄 with the address, 电子送达); the address is
 * checked as the server checks it (#domain/delivery.ts) and each problem shown beside its field.
 */
import { useId, useState } from 'react';
import { checkDeliveryChoice, DELIVERY_NAMES, type PostalAddress } from '../../functions/domain/delivery.ts';
import type { DeliveryMethod } from '../../functions/domain/vocabulary.ts';
import { authJson } from '../lib/auth.ts';
import { formatTime } from '../lib/cases.ts';
import styles from './Case.module.css';

export interface DeliveryDraft {
  method: DeliveryMethod;
  address: Partial<Record<keyof PostalAddress, string>>;
}

export const EMPTY_DELIVERY: DeliveryDraft = { method: '自取', address: {} };

/** The problems of a draft, by field (`delivery.address.phone` …); empty when it can be sent. */
export function deliveryProblems(d: DeliveryDraft, offered: readonly string[]): Record<string, string> {
  const r = checkDeliveryChoice(d, offered);
  return r.ok ? {} : Object.fromEntries(r.problems.map((p) => [p.field, p.message]));
}

const ADDRESS_FIELDS: [keyof PostalAddress, string, string][] = [
  ['name', '收件人', 'name'],
  ['phone', '手机号码', 'tel'],
  ['region', '所在地区（省市区）', 'address-level2'],
  ['detail', '详细地址', 'street-address'],
  ['postcode', '邮政编码（选填）', 'postal-code'],
];

export function DeliveryChoiceField({
  offered,
  value,
  onChange,
  problems,
}: {
  offered: readonly string[];
  value: DeliveryDraft;
  onChange: (d: DeliveryDraft) => void;
  /** Shown once the person tried to submit. */
  problems: Record<string, string>;
}) {
  const id = useId();
  return (
    <fieldset className={styles.fieldset} data-testid="delivery-choice">
      <legend className={styles.legend}>办理结果送达方式</legend>
      <div className={styles.choices}>
        {offered.map((m) => (
          <label key={m} className={styles.choice}>
            <input
              type="radio"
              name={`${id}-method`}
              value={m}
              checked={value.method === m}
              onChange={() => onChange({ ...value, method: m as DeliveryMethod })}
            />
            {DELIVERY_NAMES[m as DeliveryMethod] ?? m}
          </label>
        ))}
      </div>
      {problems['delivery.method'] && (
        <p className={styles.error} role="alert">
          {problems['delivery.method']}
        </p>
      )}
      {value.method === '邮寄' &&
        ADDRESS_FIELDS.map(([key, label, auto]) => {
          const fid = `${id}-${key}`;
          const err = problems[`delivery.address.${key}`];
          return (
            <div key={key} className={styles.field}>
              <label htmlFor={fid}>{label}</label>
              <input
                id={fid}
                autoComplete={auto}
                inputMode={key === 'phone' || key === 'postcode' ? 'numeric' : undefined}
                value={value.address[key] ?? ''}
                onChange={(e) => onChange({ ...value, address: { ...value.address, [key]: e.target.value } })}
                aria-invalid={err ? true : undefined}
                aria-describedby={err ? `${fid}-err` : undefined}
              />
              {err && (
                <p id={`${fid}-err`} className={styles.error} role="alert">
                  {err}
                </p>
              )}
            </div>
          );
        })}
      {value.method === '电子' && <p>办结后可在“我的办件”下载办理结果，首次下载即视为领取。</p>}
    </fieldset>
  );
}

/** The way chosen at filing, on the case page (the address to the applicant and staff only). */
export function DeliveryChoiceView({
  choice,
  delivery,
}: {
  choice?: { method: DeliveryMethod; address?: PostalAddress };
  delivery?: { method: string; tracking?: string };
}) {
  if (!choice) return null;
  const a = choice.address;
  return (
    <p data-testid="delivery-chosen">
      <strong>送达方式：</strong>
      {DELIVERY_NAMES[choice.method]}
      {a ? `（${a.region}${a.detail}，${a.name}）` : ''}
      {delivery?.tracking ? `，已寄出，快递单号 ${delivery.tracking}` : ''}
    </p>
  );
}

interface ResultDocument {
  caseNo: string;
  itemName: string;
  deptName: string;
  applicantName: string;
  outcome: string;
  text?: string;
  decidedAt?: string;
}

/**
 * 下载办理结果 for the applicant of an approved case; with 电子送达 the first download is its 领取登记
 * (the server records it). The result shows as a printable block (打印 / 另存为 PDF).
 */
export function DeliveryResult({
  hallId,
  caseNo,
  approved,
  own,
  onCollected,
}: {
  hallId: string;
  caseNo: string;
  approved: boolean;
  own: boolean;
  onCollected: () => void;
}) {
  const [doc, setDoc] = useState<ResultDocument>();
  const [error, setError] = useState<string>();
  if (!own || !approved) return null;
  const download = async () => {
    setError(undefined);
    try {
      setDoc(await authJson<ResultDocument>(`/api/halls/${hallId}/cases/${caseNo}/result`));
      onCollected();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <div data-testid="delivery-result">
      {!doc && (
        <button type="button" className="button" onClick={download}>
          下载办理结果
        </button>
      )}
      {error && (
        <p className="status status-error" role="alert">
          {error}
        </p>
      )}
      {doc && (
        <article className={styles.section}>
          <h3>办理结果通知</h3>
          <p>
            {doc.applicantName}：您申办的“{doc.itemName}”（办件编号 {doc.caseNo}），经{doc.deptName}
            审查，决定{doc.outcome}。{doc.text ?? ''}
          </p>
          <p>决定时间：{formatTime(doc.decidedAt)}</p>
          <button type="button" className="button button-secondary" onClick={() => window.print()}>
            打印 / 另存为 PDF
          </button>
        </article>
      )}
    </div>
  );
}
