/**
 * 申请材料 before filing: POST /drafts (the caller's open draft of an item, or a new one), GET
 * /drafts/{draftId} (its slots, files and the verdicts of recent uploads), POST
 * /drafts/{draftId}/uploads (a presigned POST for one slot), DELETE /drafts/{draftId}/files/{fileId}
 * (take a file out while the draft is open; never after filing).
 *
 * An upload is asked for with the file's name, type and size, checked here first (#domain/materials.ts),
 * within the limits (files per slot and per draft, uploads per account per day); the answer is a POST
 * policy for exactly one key, one content type and a size range, valid five minutes. What arrives in
 * the bucket is judged by the verifier (verify.ts), and the page follows the verdict here.
 */
import { randomUUID } from 'node:crypto';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { z } from 'zod';
import { nowMs } from '#domain/clock.ts';
import {
  checkDeclared,
  type DraftView,
  type FileFormat,
  FORMAT_INFO,
  MATERIAL_LIMITS,
  rejections,
  SLOT_ID,
  type Slot,
  slotsForFiling,
  type UploadTicketView,
} from '#domain/materials.ts';
import { beijingIso } from '#domain/time.ts';
import { isCaseNo } from '#functions/cases/model.ts';
import { getCase } from '#functions/cases/store.ts';
import { readItem } from '#functions/catalogue/store.ts';
import { routes } from '#functions/identity/runtime.ts';
import { AccountStore } from '#functions/identity/store.ts';
import { dynamo, env } from '#lib/aws.ts';
import { api, HttpError, httpErrors } from '#lib/http.ts';
import { SlidingLimiter } from '#lib/limiter.ts';
import { mayActForPerson } from '#lib/policy.ts';
import type { Principal } from '#lib/principal.ts';
import { incomingKey, s3 } from './s3.ts';
import {
  fileView,
  getDraft,
  getDraftItems,
  type Owner,
  openDraft,
  putTicket,
  refreshSlots,
  removeFile,
  resubmitted,
  sameOwner,
  uploadView,
} from './store.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DAY_MS = 24 * 3600_000;

const errors = {
  draftNotFound: () =>
    new HttpError(404, 'DRAFT_NOT_FOUND', '没有找到这份申请草稿，请从办事指南重新进入申办'),
  draftClosed: () => new HttpError(409, 'DRAFT_CLOSED', rejections.draftClosed().message),
  slotNotFound: () => new HttpError(404, 'SLOT_NOT_FOUND', '本事项没有这项材料，请刷新页面后重试'),
};

let accounts: AccountStore | undefined;

/**
 * Whose draft: the applicant's own (or their enterprise's, while acting for it), or an agent's for a
 * person whose mandate is valid now — the same rule as filing (functions/cases/file.ts).
 */
async function ownerOf(user: Principal, forPerson?: string): Promise<Owner> {
  if (!forPerson || forPerson === user.sub) {
    if (!user.roles.includes('applicant')) throw httpErrors.forbidden('只有申请人可以上传申请材料');
    return user.actingFor ? { sub: user.sub, uscc: user.actingFor.uscc } : { sub: user.sub };
  }
  if (!user.roles.includes('agent')) throw httpErrors.forbidden('只有代办员可以代人准备材料');
  accounts ??= new AccountStore(dynamo, env('ACCOUNTS_TABLE'));
  const mandate = await accounts.getMandate(user.sub, forPerson);
  if (!mayActForPerson(user, forPerson, mandate, nowMs()))
    throw httpErrors.forbidden('您没有该群众的有效代办授权，请先在代办模式中取得授权');
  return { sub: user.sub, forPerson };
}

/** A draft of the caller's (for an agent's, the mandate is checked again: it may have ended). */
async function ownDraft(user: Principal, draftId: string) {
  const found = UUID.test(draftId) ? await getDraftItems(draftId) : undefined;
  const owner = found && (await ownerOf(user, found.draft.owner.forPerson).catch(() => undefined));
  if (!found || !owner || !sameOwner(found.draft.owner, owner) || found.draft.hallId !== env('HALL_ID'))
    throw errors.draftNotFound();
  return found;
}

function draftView(d: Awaited<ReturnType<typeof getDraftItems>> & object): DraftView {
  const since = new Date(nowMs() - DAY_MS).toISOString();
  return {
    draftId: d.draft.draftId,
    itemCode: d.draft.itemCode,
    state: d.draft.state,
    ...(d.draft.caseNo ? { caseNo: d.draft.caseNo } : {}),
    slots: d.draft.slots,
    files: d.files
      .filter((f) => !f.removed)
      .sort((a, b) => a.uploadedAt.localeCompare(b.uploadedAt))
      .map(fileView),
    uploads: d.tickets
      .filter((t) => t.createdAt >= since)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
      .slice(0, 50)
      .map(uploadView),
    updatedAt: beijingIso(d.draft.updatedAt) ?? d.draft.updatedAt,
  };
}

let limiter: SlidingLimiter | undefined;

/**
 * The upload ticket: one account's daily quota, then a presigned POST for exactly one key of the
 * draft's slot, that content type and 1…maxBytes, valid five minutes; the ticket the verifier judges
 * by (for a 补交, marked with the case and the correction's round).
 */
async function ticketFor(
  user: Principal,
  draftId: string,
  slot: Slot,
  declared: { format: FileFormat; fileName: string },
  correction?: { caseNo: string; round: number },
): Promise<UploadTicketView> {
  limiter ??= new SlidingLimiter(dynamo, env('LIMITS_TABLE'));
  const quota = await limiter.hit(
    { key: `upload#${user.sub}`, max: MATERIAL_LIMITS.uploadsPerDay, windowMs: DAY_MS },
    nowMs(),
  );
  if (!quota.allowed) {
    const hours = Math.max(1, Math.ceil(quota.retryAfterMs / 3600_000));
    throw new HttpError(
      429,
      'UPLOAD_QUOTA',
      `今天上传的次数已达上限（${MATERIAL_LIMITS.uploadsPerDay} 次），请约 ${hours} 小时后再试`,
    );
  }
  const uploadId = randomUUID();
  const key = incomingKey(draftId, slot.id, uploadId);
  const contentType = FORMAT_INFO[declared.format].mime;
  const post = await createPresignedPost(s3, {
    Bucket: env('MATERIALS_BUCKET'),
    Key: key,
    Conditions: [
      ['content-length-range', 1, slot.maxBytes],
      ['eq', '$Content-Type', contentType],
    ],
    Fields: { 'Content-Type': contentType },
    Expires: MATERIAL_LIMITS.policySeconds,
  });
  const at = new Date(nowMs()).toISOString();
  await putTicket({
    draftId,
    uploadId,
    slotId: slot.id,
    fileName: declared.fileName,
    format: declared.format,
    contentType,
    maxBytes: slot.maxBytes,
    key,
    sub: user.sub,
    ...(correction ? { correction } : {}),
    createdAt: at,
    // The verdict stays readable for a day after the policy expires.
    expiresAt: Math.floor(Date.now() / 1000) + MATERIAL_LIMITS.policySeconds + 24 * 3600,
  });
  const ticket: UploadTicketView = {
    uploadId,
    url: post.url,
    fields: post.fields,
    expiresAt: new Date(Date.now() + MATERIAL_LIMITS.policySeconds * 1000).toISOString(),
    maxBytes: slot.maxBytes,
  };
  return ticket;
}

const openBody = z.object({
  itemCode: z.string().min(1, '请选择办理事项').max(64),
  /** An agent prepares the materials of the person they will file for. */
  forPerson: z.string().min(1).max(80).optional(),
});
const uploadBody = z.object({
  slotId: z.string().regex(SLOT_ID, '材料编号不正确'),
  fileName: z.string().max(1000),
  contentType: z.string().max(200),
  size: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
});

/** The routes of this hall's API (route keys carry the hall's prefix). */
const hallRoutes = (prefix: string) => ({
  [`POST ${prefix}/drafts`]: api({ auth: 'user', body: openBody }, async ({ body, principal }) => {
    const owner = await ownerOf(principal!, body.forPerson);
    const item = await readItem(dynamo, env('CATALOGUE_TABLE'), body.itemCode);
    if (!item || item.hallId !== env('HALL_ID'))
      throw new HttpError(404, 'ITEM_NOT_FOUND', '本厅没有这个办理事项，请从办事指南进入申办');
    const at = new Date(nowMs()).toISOString();
    const slots = slotsForFiling(item.materials, { byAgent: !!owner.forPerson });
    const { draft, created } = await openDraft({
      draftId: randomUUID(),
      hallId: item.hallId,
      itemCode: item.code,
      itemName: item.name,
      owner,
      state: 'open',
      slots,
      counts: {},
      fileCount: 0,
      rev: 0,
      createdAt: at,
      updatedAt: at,
      // Storage housekeeping runs on real time, as DynamoDB's TTL does.
      expiresAt: Math.floor(Date.now() / 1000) + MATERIAL_LIMITS.draftDays * 24 * 3600,
    });
    // A draft started before the catalogue changed takes the item's slots as they are now.
    if (!created && JSON.stringify(draft.slots) !== JSON.stringify(slots))
      await refreshSlots(draft.draftId, slots);
    const items = created ? { draft, files: [], tickets: [] } : await getDraftItems(draft.draftId);
    return { status: created ? 201 : 200, body: draftView(items ?? { draft, files: [], tickets: [] }) };
  }),

  [`GET ${prefix}/drafts/{draftId}`]: api({ auth: 'user' }, async ({ params, principal }) => ({
    body: draftView(await ownDraft(principal!, params.draftId ?? '')),
  })),

  [`POST ${prefix}/drafts/{draftId}/uploads`]: api(
    { auth: 'user', body: uploadBody },
    async ({ params, body, principal }) => {
      const user = principal!;
      const { draft } = await ownDraft(user, params.draftId ?? '');
      if (draft.state !== 'open') throw errors.draftClosed();
      const slot = draft.slots.find((s) => s.id === body.slotId);
      if (!slot) throw errors.slotNotFound();
      const declared = checkDeclared(slot, body);
      if (!declared.ok)
        throw new HttpError(422, declared.code, declared.message, [
          { field: 'file', message: declared.message },
        ]);
      if ((draft.counts[slot.id] ?? 0) >= slot.maxFiles)
        throw new HttpError(409, 'SLOT_FULL', rejections.slotFull(slot.maxFiles).message);
      if (draft.fileCount >= MATERIAL_LIMITS.maxFilesPerDraft)
        throw new HttpError(
          409,
          'DRAFT_FULL',
          `一份申请最多上传 ${MATERIAL_LIMITS.maxFilesPerDraft} 个文件，请先删除不需要的文件`,
        );
      return { status: 201, body: await ticketFor(user, draft.draftId, slot, declared) };
    },
  ),

  /**
   * 补交: a presigned POST into one slot of a filed case, for its applicant, while the 补交告知 runs
   * and only for the slots it names. The file joins the slot beside the earlier ones (round n).
   */
  [`POST ${prefix}/cases/{caseNo}/materials/uploads`]: api(
    { auth: 'user', body: uploadBody },
    async ({ params, body, principal }) => {
      const user = principal!;
      const caseNo = params.caseNo ?? '';
      const record = isCaseNo(caseNo) ? await getCase(caseNo) : undefined;
      // Someone else's case looks like a missing one.
      if (!record || record.applicant.sub !== user.sub) throw httpErrors.notFound('办件不存在');
      const draftId = record.materials?.draftId;
      if (record.phase !== 'correction' || !draftId)
        throw new HttpError(
          409,
          'CORRECTION_NOT_OPEN',
          '该办件目前不需要补交材料：补交告知已办结或尚未发出，不能再上传',
        );
      const slot = record.materials?.slots.find((s) => s.id === body.slotId);
      if (!slot || !(record.correctionSlots ?? []).includes(slot.id))
        throw new HttpError(
          422,
          'SLOT_NOT_REQUESTED',
          '补交告知没有要求重新上传这项材料，只能上传告知中列明的材料',
          [{ field: 'slotId', message: '这项材料不在补交告知之列' }],
        );
      const declared = checkDeclared(slot, body);
      if (!declared.ok)
        throw new HttpError(422, declared.code, declared.message, [
          { field: 'file', message: declared.message },
        ]);
      const draft = await getDraft(draftId);
      if (!draft) throw httpErrors.notFound('办件不存在');
      if (resubmitted(draft, record.corrections, slot.id) >= slot.maxFiles)
        throw new HttpError(409, 'SLOT_FULL', rejections.slotFull(slot.maxFiles).message);
      const ticket = await ticketFor(user, draftId, slot, declared, { caseNo, round: record.corrections });
      return { status: 201, body: ticket };
    },
  ),

  [`DELETE ${prefix}/drafts/{draftId}/files/{fileId}`]: api(
    { auth: 'user' },
    async ({ params, principal }) => {
      const found = await ownDraft(principal!, params.draftId ?? '');
      // Files of a filed case are the case's record: never deleted by the applicant.
      if (found.draft.state !== 'open') throw errors.draftClosed();
      const file = found.files.find((f) => f.fileId === params.fileId && !f.removed);
      if (!file) throw new HttpError(404, 'FILE_NOT_FOUND', '没有找到这个文件，可能已经删除');
      if ((await removeFile(found.draft, file, new Date(nowMs()).toISOString())) === 'closed') {
        // Filed meanwhile, or the same file removed by a parallel request.
        if ((await getDraft(found.draft.draftId))?.state !== 'open') throw errors.draftClosed();
        throw new HttpError(404, 'FILE_NOT_FOUND', '没有找到这个文件，可能已经删除');
      }
      return { body: draftView((await getDraftItems(found.draft.draftId))!) };
    },
  ),
});

let dispatch: ReturnType<typeof routes> | undefined;

export const handler: ReturnType<typeof routes> = (event, context) => {
  dispatch ??= routes(hallRoutes(`/api/halls/${env('HALL_ID')}`));
  return dispatch(event, context);
};
