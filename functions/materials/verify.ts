/**
 * S3 object created under incoming/ → the verdict on one upload. S3 invokes this asynchronously
 * (locally: the local cloud's s3rver front delivers the same event shape to the same handler).
 *
 * The upload is read whole (at most the slot's size), judged by inspect.ts, and then either kept —
 * the clean copy (location stripped, trailing images cut) written to files/ and recorded with its
 * SHA-256, under the draft's limits and only while the draft is open — or refused with its Chinese
 * reason on the ticket the page is waiting on. Either way the incoming object is deleted: nothing
 * unverified stays, and staff only ever open files/ keys.
 *
 * Idempotent: S3 may deliver an event twice; a ticket takes one verdict, a second delivery (or a
 * replayed policy that wrote the same key again) finds it decided and only deletes the upload.
 */
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { S3Event } from 'aws-lambda';
import { nowMs } from '#domain/clock.ts';
import { FORMAT_INFO, MATERIAL_LIMITS, type Rejection, rejections, type Slot } from '#domain/materials.ts';
import { getCase } from '#functions/cases/store.ts';
import { logger } from '#lib/logger.ts';
import { inspectFile } from './inspect.ts';
import { fileKey, parseIncomingKey, STAGE_CASE, STAGE_DRAFT, s3 } from './s3.ts';
import {
  type FileRecord,
  getDraftItems,
  getTicket,
  recordAccepted,
  recordCorrectionAccepted,
  recordRejected,
  type TicketRecord,
} from './store.ts';

const fromEventKey = (key: string) => decodeURIComponent(key.replace(/\+/g, ' '));

async function read(bucket: string, key: string, versionId: string | undefined, max: number) {
  const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }));
  // Never more than the slot allows into memory, whatever the object's size says.
  if ((out.ContentLength ?? 0) > max) {
    out.Body?.transformToWebStream().cancel();
    return undefined;
  }
  return out.Body ? new Uint8Array(await out.Body.transformToByteArray()) : new Uint8Array();
}

async function judge(bucket: string, ticket: TicketRecord, versionId: string | undefined, size: number) {
  const at = new Date(nowMs()).toISOString();
  const reject = async (rejection: Rejection) => {
    await recordRejected(ticket, rejection, at);
    logger.info('upload rejected', { uploadId: ticket.uploadId, code: rejection.code });
  };
  if (size > ticket.maxBytes) return reject(rejections.tooLarge(ticket.maxBytes));
  const found = await getDraftItems(ticket.draftId);
  if (!found) return reject(rejections.ticketInvalid());
  let slot: Slot | undefined;
  if (ticket.correction) {
    // 补交: only while that 补交告知 still runs and names the slot (its task may have ended meanwhile).
    const c =
      found.draft.caseNo === ticket.correction.caseNo ? await getCase(ticket.correction.caseNo) : undefined;
    if (
      c?.phase !== 'correction' ||
      c.corrections !== ticket.correction.round ||
      !c.correctionSlots?.includes(ticket.slotId)
    )
      return reject(rejections.correctionClosed());
    slot = c.materials?.slots.find((s) => s.id === ticket.slotId);
  } else {
    if (found.draft.state !== 'open') return reject(rejections.draftClosed());
    slot = found.draft.slots.find((s) => s.id === ticket.slotId);
  }
  if (!slot) return reject(rejections.ticketInvalid());
  const bytes = await read(bucket, ticket.key, versionId, ticket.maxBytes);
  if (!bytes) return reject(rejections.tooLarge(ticket.maxBytes));
  const inspected = await inspectFile(bytes, {
    formats: slot.formats,
    named: ticket.format,
    maxBytes: ticket.maxBytes,
  });
  if (!inspected.ok) return reject(inspected.rejection);
  const live = found.files.filter((f) => !f.removed && f.slotId === slot.id);
  if (live.some((f) => f.sha256 === inspected.sha256)) return reject(rejections.duplicate());

  const fileId = crypto.randomUUID();
  const format = inspected.facts.format;
  const key = fileKey(ticket.draftId, slot.id, fileId, format);
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: inspected.clean,
      ContentType: FORMAT_INFO[format].mime,
      // The bucket's lifecycle removes a draft's files if it is never filed; filing retags them.
      Tagging: ticket.correction ? STAGE_CASE : STAGE_DRAFT,
      Metadata: { sha256: inspected.sha256 },
    }),
  );
  const file: FileRecord = {
    fileId,
    slotId: slot.id,
    draftId: ticket.draftId,
    uploadId: ticket.uploadId,
    key,
    name: ticket.fileName,
    format,
    contentType: FORMAT_INFO[format].mime,
    size: inspected.clean.length,
    ...(inspected.facts.pages ? { pages: inspected.facts.pages } : {}),
    ...(inspected.facts.width ? { width: inspected.facts.width, height: inspected.facts.height } : {}),
    sha256: inspected.sha256,
    ...(inspected.uploadedSha256 ? { uploadedSha256: inspected.uploadedSha256 } : {}),
    uploadedAt: at,
    ...(ticket.correction ? { round: ticket.correction.round } : {}),
    ...(found.draft.expiresAt && !ticket.correction ? { expiresAt: found.draft.expiresAt } : {}),
  };
  const outcome = ticket.correction
    ? await recordCorrectionAccepted({ ...ticket, correction: ticket.correction }, file, slot.maxFiles, at)
    : await recordAccepted(
        ticket,
        file,
        { slotMax: slot.maxFiles, draftMax: MATERIAL_LIMITS.maxFilesPerDraft },
        at,
      );
  if (outcome === 'accepted') {
    logger.info('upload accepted', { uploadId: ticket.uploadId, format, size: file.size, pages: file.pages });
    return;
  }
  // Not kept after all: the copy goes too.
  await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
  if (outcome === 'closed')
    return reject(ticket.correction ? rejections.correctionClosed() : rejections.draftClosed());
  if (outcome === 'slot-full') return reject(rejections.slotFull(slot.maxFiles));
  if (outcome === 'draft-full') return reject(rejections.slotFull(MATERIAL_LIMITS.maxFilesPerDraft));
}

async function verifyRecord(record: S3Event['Records'][number]): Promise<void> {
  const bucket = record.s3.bucket.name;
  const key = fromEventKey(record.s3.object.key);
  const versionId = record.s3.object.versionId;
  const where = parseIncomingKey(key);
  const ticket = where && (await getTicket(where.draftId, where.uploadId));
  if (!ticket || ticket.slotId !== where?.slotId) logger.warn('upload without a ticket', { key });
  else if (ticket.verdict) logger.info('upload already decided', { uploadId: ticket.uploadId });
  // A failure here throws: S3 delivers the event again, and the upload is still there to judge.
  else await judge(bucket, ticket, versionId, record.s3.object.size ?? 0);
  // Whatever the verdict, the upload itself goes (with its version, in a versioned bucket).
  await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }));
}

export const handler = async (event: S3Event): Promise<void> => {
  for (const record of event.Records ?? []) {
    if (!record.eventName?.startsWith('ObjectCreated:')) continue;
    await verifyRecord(record);
  }
};
