'use client';

import { useSearchParams } from 'next/navigation';
import type { LicenceVerifyView, VerifyResult } from '../../functions/domain/licences.ts';
import { formatTime } from '../../functions/domain/time.ts';
import { useApi } from '../lib/useApi.ts';
import styles from './Case.module.css';
import own from './Licence.module.css';
import { LoadError, Loading } from './Status.tsx';

const HEADLINE: Record<VerifyResult, { mark: string; text: string; ok: boolean }> = {
  valid: { mark: '✓', text: '真实有效', ok: true },
  expired: { mark: '!', text: '已过有效期', ok: false },
  revoked: { mark: '✗', text: '已注销', ok: false },
  forged: { mark: '✗', text: '核验不通过', ok: false },
};

/**
 * /verify/?h=&no=&s=[&d=] — what the QR code of an e-licence opens, no sign-in: the platform checks
 * the signature over the licence's fields and whether it was revoked or expired, and shows the key
 * fields masked, so whoever is shown a licence (a clinic, a bank, a bus driver) can trust it.
 */
export function LicenceVerify() {
  const q = useSearchParams();
  const hall = q.get('h') ?? '';
  const no = q.get('no') ?? '';
  const params = new URLSearchParams();
  for (const k of ['s', 'd']) {
    const v = q.get(k);
    if (v) params.set(k, v);
  }
  const path =
    /^[a-z0-9-]{1,40}$/.test(hall) && /^DZ[\d-]{1,30}$/.test(no)
      ? `/api/halls/${hall}/licences/${encodeURIComponent(no)}/verify?${params}`
      : null;
  const [answer, reload] = useApi<LicenceVerifyView>(path);
  if (!path)
    return (
      <p className="status status-error" role="alert">
        链接不完整：请用手机扫描电子证照上的二维码打开本页。
      </p>
    );
  if (answer.status === 'loading') return <Loading>正在核验证照…</Loading>;
  if (answer.status === 'error') return <LoadError message={answer.message} onRetry={reload} />;
  const v = answer.data;
  const head = HEADLINE[v.result];
  return (
    <section className={`panel ${styles.narrow}`} data-testid="verify-result" data-result={v.result}>
      <h2 className={head.ok ? own.ok : own.bad}>
        <span aria-hidden="true">{head.mark} </span>
        {head.text}
      </h2>
      <p>{v.message}</p>
      {v.revoked && (
        <p className="status status-error">
          注销时间 {formatTime(v.revoked.at)}，原因：{v.revoked.reason}
        </p>
      )}
      {v.licence && (
        <dl className={styles.big}>
          <dt>证照名称</dt>
          <dd>{v.licence.type}</dd>
          <dt>证照编号</dt>
          <dd>{v.licence.licenceNo}</dd>
          <dt>持证人</dt>
          <dd>{v.licence.holderName}</dd>
          <dt>证件号码</dt>
          <dd>{v.licence.holderId}</dd>
          <dt>发证机关</dt>
          <dd>{v.licence.issuer}</dd>
          <dt>有效期限</dt>
          <dd>
            {v.licence.validFrom} 至 {v.licence.validTo}
          </dd>
          <dt>签发时间</dt>
          <dd>{formatTime(v.licence.issuedAt)}</dd>
        </dl>
      )}
      <p className={styles.hint}>
        核验依据：发证平台的 Ed25519 数字签名{v.keyId ? `（密钥 ${v.keyId}）` : ''}。个人信息已部分隐藏。
      </p>
    </section>
  );
}
