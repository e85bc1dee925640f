/**
 * The materials part of filing (functions/cases/file.ts calls it while it checks the case): the
 * item's slots against the draft's accepted files. A required slot left empty refuses the filing
 * (422 MATERIALS_MISSING, naming the slots), unless the item accepts that material later (容缺受理:
 * the case records it as owed). Otherwise the draft is sealed for this filing — exactly as it was
 * checked (its revision), so a file accepted a moment later cannot slip in unverified by the check —
 * and its files are retagged as a case's, out of reach of the abandoned-draft lifecycle rule.
 */
import { PutObjectTaggingCommand } from '@aws-sdk/client-s3';
import {
  type CaseMaterials,
  filingMaterials,
  missingMessage,
  rejections,
  type Slot,
} from '#domain/materials.ts';
import { fillsFromLibrary, logUses } from '#functions/licences/library.ts';
import { env } from '#lib/aws.ts';
import { HttpError } from '#lib/http.ts';
import { STAGE_CASE, s3 } from './s3.ts';
import { getDraftItems, markFiled, type Owner, sameOwner, sealDraft } from './store.ts';

export interface MaterialsForFiling {
  slots: Slot[];
  draftId?: string;
  owner: Owner;
  itemCode: string;
  hallId: string;
  /** The filing's Idempotency-Key: the seal is this filing's, and a retry of it may seal again. */
  filingKey: string;
  now: Date;
}

const draftNotFound = () =>
  new HttpError(404, 'DRAFT_NOT_FOUND', '没有找到这份申请的材料，请刷新页面后重新上传');

function missing(slots: Slot[]): HttpError {
  const message = missingMessage(slots);
  return new HttpError(
    422,
    'MATERIALS_MISSING',
    message,
    slots.map((s) => ({ field: `materials.${s.id}`, message: `请上传“${s.name}”` })),
  );
}

export async function sealMaterials(m: MaterialsForFiling): Promise<CaseMaterials> {
  // 免提交: slots the applicant's e-licences stand in for are filled by reference (a person's own
  // filing, or an agent's for the person; an enterprise's library is not kept yet).
  const library = m.owner.uscc
    ? {}
    : await fillsFromLibrary(m.slots, m.owner.forPerson ?? m.owner.sub, m.now);
  const byLicence = Object.keys(library).length ? { fills: library } : {};
  const owedOf = (fills: Record<string, number>) => {
    for (const id of Object.keys(library)) fills[id] = (fills[id] ?? 0) + 1;
    const { missing: empty, owed } = filingMaterials(m.slots, fills);
    if (empty.length > 0) throw missing(empty);
    return owed.map((s) => s.id);
  };
  if (!m.draftId) return { slots: m.slots, owed: owedOf({}), ...byLicence };
  // A file accepted between the read and the seal changes the revision: read and check again.
  for (let attempt = 0; attempt < 3; attempt++) {
    const found = await getDraftItems(m.draftId);
    const d = found?.draft;
    if (!found || !d || !sameOwner(d.owner, m.owner) || d.itemCode !== m.itemCode || d.hallId !== m.hallId)
      throw draftNotFound();
    if (d.state === 'filed') throw new HttpError(409, 'DRAFT_CLOSED', rejections.draftClosed().message);
    const live = found.files.filter((f) => !f.removed && m.slots.some((s) => s.id === f.slotId));
    const fills: Record<string, number> = {};
    for (const f of live) fills[f.slotId] = (fills[f.slotId] ?? 0) + 1;
    const owed = owedOf(fills);
    if (!(await sealDraft(d, live, m.filingKey, m.now))) continue;
    await Promise.all(
      live.map((f) =>
        s3.send(
          new PutObjectTaggingCommand({
            Bucket: env('MATERIALS_BUCKET'),
            Key: f.key,
            Tagging: { TagSet: [tag(STAGE_CASE)] },
          }),
        ),
      ),
    );
    return { draftId: d.draftId, slots: m.slots, owed, ...byLicence };
  }
  throw new HttpError(
    409,
    'DRAFT_BUSY',
    '材料正在变动（可能有文件正在核验或另一次提交正在进行），请稍候再提交',
  );
}

const tag = (pair: string) => {
  const [Key, Value] = pair.split('=');
  return { Key, Value };
};

/** After the case exists: its draft is the case's (idempotent). */
export async function materialsFiled(
  materials: CaseMaterials | undefined,
  filingKey: string,
  caseNo: string,
  itemName = '',
  at = new Date(),
) {
  if (materials?.draftId) await markFiled(materials.draftId, filingKey, caseNo);
  if (materials?.fills)
    await logUses(materials.fills, { caseNo, itemName, at: at.toISOString() }, materials.slots);
}
