'use client';

import { type ChangeEvent, useEffect, useRef, useState } from 'react';
import { formatsLabel, sizeLabel } from '../../functions/domain/materials.ts';
import { ApiError } from '../lib/api.ts';
import {
  acceptOf,
  DRAFT_DAYS,
  type DraftView,
  type FileView,
  openDraft,
  removeFile,
  type Slot,
  type UploadPhase,
  uploadFile,
} from '../lib/materials.ts';
import styles from './Case.module.css';
import own from './Materials.module.css';
import { LoadError, Loading } from './Status.tsx';

/** What the filing needs to know of the materials. */
export interface MaterialsState {
  draftId?: string;
  /** An upload is on its way or being checked: filing waits. */
  busy: boolean;
  /** Required slots of the applicant still empty (容缺 ones excluded). */
  missing: Slot[];
}

interface SlotWork {
  phase?: UploadPhase;
  progress?: number;
  /** Why the last file was not taken (the verifier's reason, or the browser's own check). */
  refused?: { file: string; reason: string };
}

const requiredEmpty = (draft: DraftView) =>
  draft.slots.filter(
    (s) =>
      s.supply === 'applicant' && s.required && !s.deferrable && !draft.files.some((f) => f.slotId === s.id),
  );

/**
 * 申请材料 on the apply page: one card per slot of the item. The applicant uploads each material
 * (a photo from the phone or a scanned PDF), sees it being sent and checked, and the verdict with its
 * reason; 部门共享 materials are shown as obtained by the department and never asked. Everything is
 * kept in a draft, so leaving and coming back finds the files again.
 */
export function MaterialSlots({
  hallId,
  itemCode,
  forPerson,
  showMissing,
  onChange,
}: {
  hallId: string;
  itemCode: string;
  /** An agent prepares the materials of this person (the sub of a confirmed mandate). */
  forPerson?: string;
  /** The applicant tried to file: empty required slots say so. */
  showMissing: boolean;
  onChange(state: MaterialsState): void;
}) {
  const [draft, setDraft] = useState<DraftView>();
  const [loadError, setLoadError] = useState<string>();
  const [attempt, setAttempt] = useState(0);
  const [work, setWork] = useState<Record<string, SlotWork>>({});
  const [restored, setRestored] = useState(false);
  const report = useRef(onChange);
  report.current = onChange;

  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` is how 重试 loads again.
  useEffect(() => {
    let live = true;
    setLoadError(undefined);
    openDraft(hallId, itemCode, forPerson).then(
      (d) => {
        if (!live) return;
        setDraft(d);
        setRestored(d.files.length > 0);
      },
      (err: Error) => live && setLoadError(err.message),
    );
    return () => {
      live = false;
    };
  }, [hallId, itemCode, forPerson, attempt]);

  const busy = Object.values(work).some((w) => w.phase);
  useEffect(() => {
    report.current({ draftId: draft?.draftId, busy, missing: draft ? requiredEmpty(draft) : [] });
  }, [draft, busy]);

  const setSlot = (slotId: string, w: SlotWork) => setWork((all) => ({ ...all, [slotId]: w }));

  async function send(slot: Slot, file: File) {
    if (!draft) return;
    setSlot(slot.id, { phase: 'checking' });
    try {
      const { upload, draft: next } = await uploadFile(hallId, draft.draftId, slot, file, {
        phase: (phase) =>
          setWork((all) => ({ ...all, [slot.id]: { ...all[slot.id], phase, refused: undefined } })),
        progress: (progress) => setWork((all) => ({ ...all, [slot.id]: { ...all[slot.id], progress } })),
      });
      setDraft(next);
      setSlot(
        slot.id,
        upload.state === 'rejected' ? { refused: { file: file.name, reason: upload.reason ?? '' } } : {},
      );
    } catch (err) {
      const reason = err instanceof ApiError || err instanceof Error ? err.message : String(err);
      setSlot(slot.id, { refused: { file: file.name, reason } });
    }
  }

  async function remove(slot: Slot, file: FileView) {
    if (!draft) return;
    try {
      setDraft(await removeFile(hallId, draft.draftId, file.fileId));
      setSlot(slot.id, {});
    } catch (err) {
      setSlot(slot.id, { refused: { file: file.name, reason: (err as Error).message } });
    }
  }

  if (loadError)
    return <LoadError message={`申请材料无法加载：${loadError}`} onRetry={() => setAttempt((n) => n + 1)} />;
  if (!draft) return <Loading>正在准备申请材料…</Loading>;
  const missing = new Set(requiredEmpty(draft).map((s) => s.id));

  return (
    <div data-testid="material-slots" data-draft={draft.draftId}>
      <p className={styles.hint}>
        请逐项上传。纸质材料可以用手机拍照（一页一张），也可以上传扫描的 PDF。上传的材料会自动保存，
        {DRAFT_DAYS} 天内回到本页还在。
      </p>
      {restored && (
        <p className="status" role="status" data-testid="materials-restored">
          已为您保留上次上传的材料，请核对。
        </p>
      )}
      {draft.slots.length === 0 ? (
        <p>本事项无需提交材料。</p>
      ) : (
        <ul className={own.slots}>
          {draft.slots.map((slot) => (
            <SlotCard
              key={slot.id}
              slot={slot}
              files={draft.files.filter((f) => f.slotId === slot.id)}
              work={work[slot.id] ?? {}}
              missing={showMissing && missing.has(slot.id)}
              onFile={(file) => void send(slot, file)}
              onRemove={(file) => void remove(slot, file)}
            />
          ))}
        </ul>
      )}
    </div>
  );
}

function SlotCard({
  slot,
  files,
  work,
  missing,
  onFile,
  onRemove,
}: {
  slot: Slot;
  files: FileView[];
  work: SlotWork;
  missing: boolean;
  onFile(file: File): void;
  onRemove(file: FileView): void;
}) {
  const headingId = `slot-${slot.id}-name`;
  const errorId = `slot-${slot.id}-error`;
  const full = files.length >= slot.maxFiles;

  function picked(e: ChangeEvent<HTMLInputElement>) {
    const file = e.target.files?.[0];
    // The same file may be chosen again after a refusal: clear the input.
    e.target.value = '';
    if (file) onFile(file);
  }

  if (slot.supply === 'shared')
    return (
      <li className={`${own.slot} ${own.shared}`} data-testid="slot" data-slot={slot.name}>
        <h3 className={own.name}>{slot.name}</h3>
        <p className={own.sharedNote}>
          <span aria-hidden="true">✓ </span>由部门共享获取，无需您提供
        </p>
      </li>
    );

  const status = work.phase
    ? work.phase === 'uploading'
      ? `正在上传 ${Math.round((work.progress ?? 0) * 100)}%`
      : work.phase === 'verifying'
        ? '已上传，正在核验文件…'
        : '正在检查文件…'
    : undefined;

  return (
    <li
      className={`${own.slot} ${missing || work.refused ? own.attention : ''}`}
      data-testid="slot"
      data-slot={slot.name}
      data-required={slot.required && !slot.deferrable ? '1' : undefined}
      data-formats={slot.formats.join(' ')}
      aria-labelledby={headingId}
    >
      <h3 className={own.name} id={headingId}>
        {slot.name}
        <span className={styles.tag}>
          {slot.required ? (slot.deferrable ? '必需·可后补' : '必需') : '选交'}
        </span>
      </h3>
      <p className={own.rules}>
        可上传 {formatsLabel(slot.formats)}，每个不超过 {sizeLabel(slot.maxBytes)}
        {slot.maxFiles > 1 ? `，最多 ${slot.maxFiles} 个` : ''}
      </p>
      {slot.deferrable && files.length === 0 && (
        <p className={own.rules}>可容缺受理：暂时没有也可以先提交申请，受理后再补交。</p>
      )}
      {files.length > 0 && (
        <ul className={own.files}>
          {files.map((f) => (
            <li key={f.fileId} className={own.file} data-testid="slot-file">
              <span className={own.ok} aria-hidden="true">
                ✓
              </span>
              <span className={own.fileName}>{f.name}</span>
              <span className={own.fileMeta}>
                {sizeLabel(f.size)}
                {f.pages ? ` · ${f.pages} 页` : ''} · 已通过核验
              </span>
              <button
                type="button"
                className={`button button-secondary ${own.remove}`}
                onClick={() => onRemove(f)}
                disabled={!!work.phase}
                aria-label={`删除 ${f.name}`}
              >
                删除
              </button>
            </li>
          ))}
        </ul>
      )}
      {status && (
        <div className={own.progress} role="status" data-testid="slot-progress">
          <progress max={1} value={work.phase === 'uploading' ? (work.progress ?? 0) : undefined} />
          <span>{status}</span>
        </div>
      )}
      {work.refused && (
        <p className={styles.error} id={errorId} role="alert" data-testid="slot-refused">
          “{work.refused.file}”未通过：{work.refused.reason}
        </p>
      )}
      {missing && !work.refused && (
        <p className={styles.error} id={errorId}>
          请上传此项材料
        </p>
      )}
      {!full && (
        <label
          className={`button ${files.length ? 'button-secondary' : ''} ${own.upload}`}
          data-busy={work.phase ? '1' : undefined}
        >
          <input
            type="file"
            className={own.input}
            accept={acceptOf(slot)}
            onChange={picked}
            disabled={!!work.phase}
            aria-label={`上传“${slot.name}”`}
            aria-describedby={work.refused || missing ? errorId : undefined}
            data-testid="slot-input"
          />
          {work.refused ? '重新选择文件' : files.length ? '再上传一份' : '上传文件'}
        </label>
      )}
    </li>
  );
}
