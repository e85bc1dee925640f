'use client';

import form from '../app/register/forms.module.css';
import { postPublic } from '../app/register/publicApi.ts';
import { SmsCodeField } from '../app/register/SmsCode.tsx';
import { ApiError } from '../lib/api.ts';
import { keepProof, type PhoneProof, PROOF_KEPT_MS, readProof } from './ConsultData.ts';

export const PHONE_RE = /^1[3-9]\d{9}$/;

/** Asks for a `consult` SMS code (the identity's code machinery and limits). */
export const sendConsultCode = (phone: string) =>
  postPublic<{ phone: string; resendAfterSeconds?: number }>('/api/accounts/codes', {
    purpose: 'consult',
    phone,
  });

/** The proof this tab holds for `phone`, or a new one for the code the person typed. */
export async function proofFor(phone: string, code: string): Promise<PhoneProof> {
  const held = readProof();
  if (held && held.phone === phone) return held;
  const got = await postPublic<{ proof: string; expiresAt: string }>('/api/accounts/phone-proofs', {
    phone,
    code,
  });
  const proof = { proof: got.proof, phone, expiresAt: got.expiresAt, keptUntil: Date.now() + PROOF_KEPT_MS };
  keepProof(proof);
  return proof;
}

/**
 * 手机号码 + 短信验证码, for a person without an account (or not signed in): the code proves the
 * phone for two hours in this tab, to ask and to follow their questions.
 */
export function ConsultPhoneFields({
  idPrefix,
  phone,
  code,
  onPhone,
  onCode,
  problems,
}: {
  idPrefix: string;
  phone: string;
  code: string;
  onPhone(v: string): void;
  onCode(v: string): void;
  problems: { phone?: string; code?: string };
}) {
  const held = readProof();
  const proved = !!held && held.phone === phone;
  return (
    <>
      <div className={form.field}>
        <label htmlFor={`${idPrefix}-phone`}>手机号码（用于接收答复通知）</label>
        <input
          id={`${idPrefix}-phone`}
          name="phone"
          inputMode="tel"
          autoComplete="tel"
          maxLength={11}
          value={phone}
          aria-invalid={problems.phone ? true : undefined}
          aria-describedby={problems.phone ? `${idPrefix}-phone-err` : undefined}
          onChange={(e) => onPhone(e.target.value.replace(/\D/g, '').slice(0, 11))}
        />
        {problems.phone && (
          <p id={`${idPrefix}-phone-err`} className={form.error} role="alert">
            {problems.phone}
          </p>
        )}
      </div>
      {proved ? (
        <p className={form.ok} role="status">
          手机号码已验证（本页 2 小时内有效）
        </p>
      ) : (
        <SmsCodeField
          id={`${idPrefix}-code`}
          value={code}
          onChange={onCode}
          problem={problems.code}
          send={async () => {
            if (!PHONE_RE.test(phone)) throw new ApiError(400, '请先填写正确的 11 位手机号码');
            return sendConsultCode(phone);
          }}
        />
      )}
    </>
  );
}
