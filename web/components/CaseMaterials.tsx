'use client';

import { useState } from 'react';
import { type FileView, FORMAT_INFO, sizeLabel } from '../../functions/domain/materials.ts';
import { formatTime } from '../lib/cases.ts';
import { type CaseMaterialsView, caseMaterials, openCaseFile } from '../lib/materials.ts';
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
                </h3>
                {slot.supply === 'shared' ? (
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
                        {f.width ? ` · ${f.width}×${f.height}` : ''} · {formatTime(f.uploadedAt)} 上传
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
