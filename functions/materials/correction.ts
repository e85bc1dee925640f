/**
 * 补交 (supplement) after a 补交告知 that named slots: each named slot must have a file uploaded
 * again for this round (POST …/cases/{caseNo}/materials/uploads) before the applicant submits.
 * Read from the filed draft's counters; a correction naming no slots asks for no upload.
 */
import { resubmitMessage } from '#domain/materials.ts';
import type { CaseRecord } from '#functions/cases/store.ts';
import { HttpError } from '#lib/http.ts';
import { getDraft, resubmitted } from './store.ts';

export async function requireResubmitted(record: CaseRecord): Promise<void> {
  const named = record.correctionSlots ?? [];
  const draftId = record.materials?.draftId;
  if (record.phase !== 'correction' || named.length === 0 || !draftId) return;
  const draft = await getDraft(draftId);
  const missing = (record.materials?.slots ?? []).filter(
    (s) => named.includes(s.id) && !(draft && resubmitted(draft, record.corrections, s.id) > 0),
  );
  if (missing.length === 0) return;
  throw new HttpError(
    422,
    'MATERIALS_MISSING',
    resubmitMessage(missing),
    missing.map((s) => ({ field: `materials.${s.id}`, message: `请重新上传“${s.name}”` })),
  );
}
