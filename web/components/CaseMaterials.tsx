'use client';

import { type ReactNode, useState } from 'react';
import { type FileView, FORMAT_INFO, sizeLabel } from '../../functions/domain/materials.ts';
import { formatTime } from '../lib/cases.ts';
import {
  acceptOf,
  type CaseMaterialsView,
  caseMaterials,
  caseUploads,
  openCaseFile,
  type Slot,
  uploadFile,
} from '../lib/materials.ts';
import styles from './Case.module.css';
import { useAuthApi } from './CaseData.ts';
import own from './Materials.module.css';
import { LoadError, Loading } from './Status.tsx';

interface Preview {
  fileId: string;
  url?: string;
  expiresAt?: string;
  error?: string;
}

/**
 * 申请材料 on the case page: each slot with the verified files that fill it, what is owed (容缺)
 * and what a department shares. 查看 opens a file through a two-minute link and previews it in the
 * page (an image, or the PDF in a frame); each open is logged on the server first, and officials
 * see the log (who, when, which file) below.
 */
export function CaseMaterials({ hallId, caseNo }: { hallId: string; caseNo: string }) {
  const [state, reload] = useAuthApi<CaseMaterialsView>(caseMaterials(hallId, caseNo));
  const [preview, setPreview] = useState<Preview>();

  async function open(file: FileView) {
    setPreview({ fileId: file.fileId });
    try {
      const opened = await openCaseFile(hallId, caseNo, file.fileId);
      setPreview({ fileId: file.fileId, url: opened.url, expiresAt: opened.expiresAt });
      reload(true);
    } catch (err) {
      setPreview({ fileId: file.fileId, error: (err as Error).message });
    }
  }

  return (
    <section
      className={`panel ${styles.section}`}
      aria-labelledby="case-materials"
      data-testid="case-materials"
    >
      <h2 id="case-materials">申请材料</h2>
      {state.status === 'loading' ? (
        <Loading>正在加载申请材料…</Loading>
      ) : state.status === 'error' ? (
        <LoadError message={state.message} onRetry={() => reload()} />
      ) : state.data.slots.length === 0 ? (
        <p>本办件没有在线提交的材料。</p>
      ) : (
        <>
          <ul className={own.slots}>
            {state.data.slots.map((slot) => (
              <li
                key={slot.id}
                className={`${own.slot} ${slot.supply === 'shared' ? own.shared : ''}`}
                data-testid="case-slot"
              >
                <h3 className={own.name}>
                  {slot.name}
                  <span className={styles.tag}>{slot.required ? '必需' : '选交'}</span>
                  {slot.owed && <span className={own.owed}>容缺·待补交</span>}
                  {state.data.correction?.slots.includes(slot.id) && (
                    <span className={own.owed} data-testid="case-slot-requested">
                      补交告知：需重新上传
                    </span>
                  )}
                </h3>
                {slot.licence ? (
                  <p className={own.rules} data-testid="case-slot-licence">
                    免提交：以电子证照 {slot.licence.type}（{slot.licence.licenceNo}，有效至{' '}
                    {slot.licence.validTo}
                    ）代替，已从证照库核验签名
                  </p>
                ) : slot.supply === 'shared' ? (
                  <p className={own.rules}>部门共享：由承办部门从数据共享平台获取核验</p>
                ) : slot.files.length === 0 ? (
                  <p className={own.rules}>{slot.owed ? '申请人尚未提交，受理后补交。' : '申请人未提交。'}</p>
                ) : (
                  slot.files.map((f) => (
                    <div key={f.fileId} className={own.caseFile} data-testid="case-file">
                      <span className={own.fileName}>{f.name}</span>
                      <span className={own.fileMeta}>
                        {FORMAT_INFO[f.format].label} · {sizeLabel(f.size)}
                        {f.pages ? ` · ${f.pages} 页` : ''}
                        {f.width ? ` · ${f.width}×${f.height}` : ''} · {formatTime(f.uploadedAt)}{' '}
                        {f.round ? `补交（第 ${f.round} 次补正）` : '上传'}
                      </span>
                      <span className={own.hash} title={`SHA-256 ${f.sha256}`}>
                        SHA-256 {f.sha256.slice(0, 16)}…
                      </span>
                      <button
                        type="button"
                        className={`button button-secondary ${own.remove}`}
                        onClick={() => void open(f)}
                        aria-expanded={preview?.fileId === f.fileId}
                      >
                        查看
                      </button>
                      {preview?.fileId === f.fileId && <FilePreview file={f} preview={preview} />}
                    </div>
                  ))
                )}
                {state.data.correction?.draftId && state.data.correction.slots.includes(slot.id) && (
                  <Resubmit
                    hallId={hallId}
                    caseNo={caseNo}
                    draftId={state.data.correction.draftId}
                    slot={slot}
                    onDone={() => reload(true)}
                  />
                )}
              </li>
            ))}
          </ul>
          {state.data.opens && (
            <details>
              <summary>材料查阅记录（{state.data.opens.length} 条）</summary>
              {state.data.opens.length === 0 ? (
                <p>还没有人查看过本办件的材料。</p>
              ) : (
                <table className={own.opens} data-testid="material-opens">
                  <thead>
                    <tr>
                      <th>时间</th>
                      <th>查看人</th>
                      <th>材料</th>
                    </tr>
                  </thead>
                  <tbody>
                    {state.data.opens.map((o) => (
                      <tr key={`${o.at}-${o.fileId}-${o.by}`}>
                        <td>{formatTime(o.at)}</td>
                        <td>{o.byName}</td>
                        <td>
                          {o.slotName}：{o.fileName}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </details>
          )}
        </>
      )}
    </section>
  );
}

/**
 * 补交告知: staff tick the case's applicant slots to be uploaded again (only those can be; the
 * items above say what is wrong with them).
 */
export function SlotChoice({
  id,
  label,
  hallId,
  caseNo,
  value,
  onChange,
  error,
}: {
  id: string;
  label: string;
  hallId: string;
  caseNo: string;
  value: string[];
  onChange(slots: string[]): void;
  error?: ReactNode;
}) {
  const [state] = useAuthApi<CaseMaterialsView>(caseMaterials(hallId, caseNo));
  const slots = state.status === 'ready' ? state.data.slots.filter((s) => s.supply === 'applicant') : [];
  return (
    <fieldset className={styles.fieldset} data-testid="correction-slots">
      <legend className={styles.legend}>{label}</legend>
      {state.status === 'loading' ? (
        <Loading>正在加载材料项…</Loading>
      ) : slots.length === 0 ? (
        <p className={styles.hint}>本办件没有在线提交的材料。</p>
      ) : (
        <div className={styles.choices}>
          {slots.map((s, i) => (
            <label key={s.id} className={styles.choice}>
              <input
                id={i === 0 ? id : undefined}
                type="checkbox"
                checked={value.includes(s.id)}
                onChange={(e) =>
                  onChange(e.target.checked ? [...value, s.id] : value.filter((x) => x !== s.id))
                }
              />
              {s.name}
            </label>
          ))}
        </div>
      )}
      {error}
    </fieldset>
  );
}

/**
 * 补交: the applicant uploads a slot the 补交告知 names again, through the case's own POST; the
 * earlier file stays listed beside the new one. 补交材料 (the case action) submits them.
 */
function Resubmit({
  hallId,
  caseNo,
  draftId,
  slot,
  onDone,
}: {
  hallId: string;
  caseNo: string;
  draftId: string;
  slot: Slot;
  onDone(): void;
}) {
  const [status, setStatus] = useState<string>();
  const [error, setError] = useState<string>();
  async function picked(file: File | undefined) {
    if (!file) return;
    setError(undefined);
    try {
      const { upload } = await uploadFile(
        hallId,
        draftId,
        slot,
        file,
        {
          phase: (p) =>
            setStatus(p === 'uploading' ? '正在上传…' : p === 'verifying' ? '正在核验…' : '正在检查…'),
          progress: () => {},
        },
        caseUploads(hallId, caseNo),
      );
      setStatus(undefined);
      if (upload.state === 'rejected') setError(upload.reason ?? '文件未通过核验');
      else onDone();
    } catch (err) {
      setStatus(undefined);
      setError((err as Error).message);
    }
  }
  return (
    <div className={own.caseFile}>
      <label className={`button ${own.upload}`} data-busy={status ? '1' : undefined}>
        <input
          type="file"
          className={own.input}
          accept={acceptOf(slot)}
          disabled={!!status}
          aria-label={`重新上传“${slot.name}”`}
          data-testid="case-slot-reupload"
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            void picked(file);
          }}
        />
        {status ?? '重新上传'}
      </label>
      {error && (
        <p className={styles.error} role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

function FilePreview({ file, preview }: { file: FileView; preview: Preview }) {
  if (preview.error)
    return (
      <p className={styles.error} role="alert">
        无法打开：{preview.error}
      </p>
    );
  if (!preview.url) return <p role="status">正在打开…</p>;
  return (
    <div className={own.preview} data-testid="file-preview">
      {file.format === 'jpg' || file.format === 'png' ? (
        // A presigned link, valid two minutes: nothing for next/image to optimise or cache.
        // biome-ignore lint/performance/noImgElement: a short-lived presigned link, not a site image
        <img src={preview.url} alt={`${file.name}（预览）`} />
      ) : file.format === 'pdf' ? (
        <iframe src={preview.url} title={`${file.name}（预览）`} />
      ) : (
        <p>OFD 文件请用版式阅读器打开。</p>
      )}
      <p className={styles.hint}>
        <a href={preview.url} target="_blank" rel="noopener noreferrer">
          在新窗口打开
        </a>
        （链接 2 分钟内有效，查看已记录）
      </p>
    </div>
  );
}
