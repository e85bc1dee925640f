/**
 * A case's materials: GET /cases/{caseNo}/materials (its slots with the files that fill them, what
 * is owed, and for officials the log of opens) and POST /cases/{caseNo}/materials/{fileId}/open (a
 * presigned GET valid two minutes, for the page to preview; every open is logged — who, when, which
 * file, which case — before the link is given). Only verified copies are ever opened.
 */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { nowMs } from '#domain/clock.ts';
import type { CaseMaterialsView, OpenedFileView } from '#domain/materials.ts';
import { beijingIso } from '#domain/time.ts';
import { isCaseNo } from '#functions/cases/model.ts';
import { getCase } from '#functions/cases/store.ts';
import { routes } from '#functions/identity/runtime.ts';
import { env } from '#lib/aws.ts';
import { api, HttpError, httpErrors } from '#lib/http.ts';
import { caseAccess } from '#lib/policy.ts';
import type { Principal } from '#lib/principal.ts';
import { s3 } from './s3.ts';
import { fileView, getDraftItems, listOpens, logOpen } from './store.ts';

/** Long enough to load a preview, short enough that a forwarded link is soon useless. */
const OPEN_SECONDS = 120;

const official = (who: Principal) => who.roles.includes('staff') || who.roles.includes('supervisor');

async function caseFiles(who: Principal, caseNo: string) {
  const record = isCaseNo(caseNo) ? await getCase(caseNo) : undefined;
  if (!record || caseAccess(who, record) === 'none') throw httpErrors.notFound('办件不存在');
  const materials = record.materials;
  const files = materials?.draftId ? ((await getDraftItems(materials.draftId))?.files ?? []) : [];
  return { record, materials, files: files.filter((f) => !f.removed) };
}

const hallRoutes = (prefix: string) => ({
  [`GET ${prefix}/cases/{caseNo}/materials`]: api({ auth: 'user' }, async ({ params, principal }) => {
    const who = principal!;
    const caseNo = params.caseNo ?? '';
    const { record, materials, files } = await caseFiles(who, caseNo);
    const body: CaseMaterialsView = {
      caseNo,
      ...(record.phase === 'correction' && record.correctionSlots?.length
        ? {
            correction: {
              round: record.corrections,
              slots: record.correctionSlots,
              ...(record.applicant.sub === who.sub ? { draftId: materials?.draftId } : {}),
            },
          }
        : {}),
      slots: (materials?.slots ?? []).map((slot) => ({
        ...slot,
        files: files.filter((f) => f.slotId === slot.id).map(fileView),
        owed: materials?.owed.includes(slot.id) ?? false,
        ...(materials?.fills?.[slot.id] ? { licence: materials.fills[slot.id] } : {}),
      })),
      ...(official(who)
        ? {
            opens: (await listOpens(caseNo)).map(({ caseNo: _c, ...o }) => ({ ...o, at: beijingIso(o.at)! })),
          }
        : {}),
    };
    return { body };
  }),

  [`POST ${prefix}/cases/{caseNo}/materials/{fileId}/open`]: api(
    { auth: 'user' },
    async ({ params, principal }) => {
      const who = principal!;
      const caseNo = params.caseNo ?? '';
      const { materials, files } = await caseFiles(who, caseNo);
      const file = files.find((f) => f.fileId === params.fileId);
      if (!file) throw new HttpError(404, 'FILE_NOT_FOUND', '没有找到这个材料文件');
      const slotName = materials?.slots.find((s) => s.id === file.slotId)?.name ?? '';
      const at = new Date(nowMs()).toISOString();
      // Logged first: no link is handed out without its record.
      await logOpen({
        caseNo,
        at,
        by: who.sub,
        byName: who.name,
        ...(who.dept ? { dept: who.dept } : {}),
        fileId: file.fileId,
        fileName: file.name,
        slotName,
      });
      const url = await getSignedUrl(
        s3,
        new GetObjectCommand({
          Bucket: env('MATERIALS_BUCKET'),
          Key: file.key,
          ResponseContentType: file.contentType,
          ResponseContentDisposition: `inline; filename*=UTF-8''${encodeURIComponent(file.name)}`,
          ResponseCacheControl: 'private, no-store',
        }),
        { expiresIn: OPEN_SECONDS },
      );
      const body: OpenedFileView = {
        url,
        expiresAt: beijingIso(new Date(Date.now() + OPEN_SECONDS * 1000).toISOString())!,
        contentType: file.contentType,
        name: file.name,
        format: file.format,
      };
      return { body };
    },
  ),
});

let dispatch: ReturnType<typeof routes> | undefined;

export const handler: ReturnType<typeof routes> = (event, context) => {
  dispatch ??= routes(hallRoutes(`/api/halls/${env('HALL_ID')}`));
  return dispatch(event, context);
};
