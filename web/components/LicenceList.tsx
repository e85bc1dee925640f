'use client';

import Link from 'next/link';
import { useEffect, useState } from 'react';
import type { LicenceView } from '../../functions/domain/licences.ts';
import { formatTime } from '../../functions/domain/time.ts';
import { authJson } from '../lib/auth.ts';
import styles from './Case.module.css';
import own from './Licence.module.css';

const STATUS_WORDS: Record<LicenceView['status'], string> = {
  valid: '有效',
  revoked: '已注销',
  expired: '已过期',
};

type Held = LicenceView & { hallId: string };

/**
 * 我的证照: the e-licences issued to the signed-in person in every hall (办结 准予 of an item that
 * produces one), newest first, each with its status, 下载 (the PDF through a two-minute link) and
 * 核验 (the public verification page its QR code opens).
 */
export function LicenceList({ halls }: { halls: { id: string; name: string }[] | undefined }) {
  const [licences, setLicences] = useState<Held[]>();
  const [failed, setFailed] = useState(false);
  const [message, setMessage] = useState<string>();

  useEffect(() => {
    if (!halls?.length) return;
    let live = true;
    Promise.all(
      halls.map((h) =>
        authJson<{ licences: LicenceView[] }>(`/api/halls/${h.id}/licences`).then(
          (r) => r.licences.map((l) => ({ ...l, hallId: h.id })),
          () => {
            if (live) setFailed(true);
            return [] as Held[];
          },
        ),
      ),
    ).then((all) => live && setLicences(all.flat().sort((a, b) => b.issuedAt.localeCompare(a.issuedAt))));
    return () => {
      live = false;
    };
  }, [halls]);

  async function download(l: Held) {
    setMessage(undefined);
    try {
      const { url } = await authJson<{ url: string }>(
        `/api/halls/${l.hallId}/licences/${encodeURIComponent(l.licenceNo)}/pdf`,
      );
      window.location.assign(url);
    } catch (err) {
      setMessage((err as Error).message);
    }
  }

  if (licences === undefined) return <p role="status">正在加载……</p>;
  return (
    <>
      {licences.length === 0 ? (
        <p>暂无电子证照。办件准予办结后，证照会自动出现在这里，下次办事可直接使用。</p>
      ) : (
        <ul className={own.licences} data-testid="my-licences">
          {licences.map((l) => (
            <li key={l.licenceNo} data-testid="licence" data-status={l.status}>
              <strong>{l.type}</strong>
              <span className={styles.tag}>{STATUS_WORDS[l.status]}</span>
              <br />
              证照编号 {l.licenceNo}
              <br />
              有效期 {l.validFrom} 至 {l.validTo} · 办件 {l.caseNo}
              {l.uses.length > 0 && (
                <details data-testid="licence-uses">
                  <summary>使用记录（{l.uses.length} 次免提交）</summary>
                  <ul>
                    {l.uses.map((u) => (
                      <li key={`${u.caseNo}-${u.slotName}`}>
                        {formatTime(u.at)} 申办“{u.itemName}”（{u.caseNo}）时代替“{u.slotName}”
                      </li>
                    ))}
                  </ul>
                </details>
              )}
              <div className={styles.buttons}>
                <button type="button" className="button" onClick={() => void download(l)}>
                  下载证照（PDF）
                </button>
                <Link className="button button-secondary" href={l.verifyPath}>
                  核验真伪
                </Link>
              </div>
            </li>
          ))}
        </ul>
      )}
      {message && (
        <p className="status status-error" role="alert">
          {message}
        </p>
      )}
      {failed && (
        <p className="status status-error" role="alert">
          部分办事大厅的证照暂时无法加载，请稍后刷新页面重试。
        </p>
      )}
    </>
  );
}
