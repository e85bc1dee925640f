/**
 * E-licences over HTTP (one hall): GET /licences (the caller's library here: 我的证照),
 * GET /licences/{licenceNo}/pdf (the holder downloads it: a presigned GET, two minutes),
 * POST /licences/{licenceNo}/revoke (注销 by staff of the issuing department, with a reason), and,
 * public, GET /licences/{licenceNo}/verify?s=&d= (the QR code's link: valid / revoked / expired /
 * forged, with the masked key fields) and GET /licences/public-key (to check a PDF offline).
 */
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { z } from 'zod';
import { nowMs } from '#domain/clock.ts';
import {
  canonicalLicence,
  isLicenceNo,
  type LicenceData,
  type LicenceRecord,
  type LicenceVerifyView,
  type LicenceView,
  publicView,
  statusOf,
  VERIFY_MESSAGES,
  verifyPath,
} from '#domain/licences.ts';
import { cleanTextProblem } from '#domain/text.ts';
import { beijingDate, beijingIso } from '#domain/time.ts';
import { routes } from '#functions/identity/runtime.ts';
import { dynamo, env } from '#lib/aws.ts';
import { api, HttpError, httpErrors } from '#lib/http.ts';
import { publicKey, signatureHolds } from './keys.ts';
import { usesOf } from './library.ts';
import { getLicence, holderLicences } from './store.ts';

const s3 = new S3Client({ forcePathStyle: true });
const DOWNLOAD_SECONDS = 120;
const today = () => beijingDate(new Date(nowMs()));

const notFound = () => new HttpError(404, 'LICENCE_NOT_FOUND', '没有找到这个电子证照');

async function viewOf(r: LicenceRecord): Promise<LicenceView> {
  const uses = await usesOf(r.data.licenceNo);
  return {
    uses: uses.map((u) => ({
      caseNo: u.caseNo,
      itemName: u.itemName,
      slotName: u.slotName,
      at: beijingIso(u.at) ?? u.at,
    })),
    ...publicView(r.data),
    // The holder sees their own number whole.
    holderName: r.data.holderName,
    holderId: r.data.holderId,
    status: statusOf(r, today()),
    caseNo: r.data.caseNo,
    itemName: r.data.itemName,
    verifyPath: verifyPath(env('HALL_ID'), r.data.licenceNo, r.signature),
  };
}

const verifyQuery = z.object({
  /**
   * The signature the document carries (the QR code's `s`): required, so that licence numbers
   * (case numbers, guessable) tell nobody anything without the document in hand.
   */
  s: z.string({ error: '请扫描证照上的二维码核验' }).min(1, '请扫描证照上的二维码核验').max(200),
  /** The fields the document claims, base64url of their canonical JSON: checked against the signature. */
  d: z.string().max(8000).optional(),
});

function verdict(record: LicenceRecord | undefined, s: string, d?: string): LicenceVerifyView {
  const forged = (): LicenceVerifyView => ({ result: 'forged', message: VERIFY_MESSAGES.forged });
  if (!record || !signatureHolds(canonicalLicence(record.data), record.signature)) return forged();
  if (s !== record.signature) return forged();
  if (d !== undefined) {
    let claimed: string;
    try {
      claimed = Buffer.from(d, 'base64url').toString('utf8');
      canonicalLicence(JSON.parse(claimed) as LicenceData);
    } catch {
      return forged();
    }
    // Any changed field breaks the signature; the record's own fields must be the ones signed.
    if (!signatureHolds(claimed, s) || claimed !== canonicalLicence(record.data)) return forged();
  }
  const result = statusOf(record, today());
  return {
    result,
    message: VERIFY_MESSAGES[result],
    licence: publicView(record.data),
    ...(record.revoked
      ? { revoked: { at: beijingIso(record.revoked.at) ?? record.revoked.at, reason: record.revoked.reason } }
      : {}),
    keyId: record.keyId,
  };
}

const revokeBody = z.object({
  reason: z
    .string()
    .trim()
    .min(2, '请填写注销原因')
    .max(200, '注销原因不能超过 200 个字')
    .refine((v) => !cleanTextProblem(v), '注销原因含有不能识别的字符'),
});

const hallRoutes = (prefix: string) => ({
  [`GET ${prefix}/licences`]: api({ auth: 'user' }, async ({ principal }) => {
    const nos = await holderLicences(principal!.sub);
    const records = (await Promise.all(nos.map(getLicence))).filter((r): r is LicenceRecord => !!r);
    return { body: { licences: await Promise.all(records.map(viewOf)) } };
  }),

  [`GET ${prefix}/licences/public-key`]: api({ auth: 'public' }, async () => ({ body: publicKey() })),

  [`GET ${prefix}/licences/{licenceNo}/verify`]: api(
    { auth: 'public', query: verifyQuery },
    async ({ params, query }) => {
      const no = params.licenceNo ?? '';
      const record = isLicenceNo(no) ? await getLicence(no) : undefined;
      return { body: verdict(record, query.s, query.d) };
    },
  ),

  [`GET ${prefix}/licences/{licenceNo}/pdf`]: api({ auth: 'user' }, async ({ params, principal }) => {
    const no = params.licenceNo ?? '';
    const record = isLicenceNo(no) ? await getLicence(no) : undefined;
    // Someone else's licence looks like a missing one.
    if (!record?.pdfKey || record.data.holderSub !== principal!.sub) throw notFound();
    const url = await getSignedUrl(
      s3,
      new GetObjectCommand({
        Bucket: env('MATERIALS_BUCKET'),
        Key: record.pdfKey,
        ResponseContentType: 'application/pdf',
        ResponseContentDisposition: `attachment; filename*=UTF-8''${encodeURIComponent(`${record.data.type}-${no}.pdf`)}`,
        ResponseCacheControl: 'private, no-store',
      }),
      { expiresIn: DOWNLOAD_SECONDS },
    );
    return {
      body: { url, expiresAt: beijingIso(new Date(Date.now() + DOWNLOAD_SECONDS * 1000).toISOString()) },
    };
  }),

  [`POST ${prefix}/licences/{licenceNo}/revoke`]: api(
    { auth: 'user', body: revokeBody },
    async ({ params, principal, body }) => {
      const who = principal!;
      const no = params.licenceNo ?? '';
      const record = isLicenceNo(no) ? await getLicence(no) : undefined;
      if (!record) throw notFound();
      const issuing =
        who.roles.includes('staff') && who.hall === env('HALL_ID') && who.dept === record.data.issuerCode;
      if (!issuing) throw httpErrors.forbidden('只有发证部门的工作人员可以注销证照');
      try {
        await dynamo.send(
          new UpdateCommand({
            TableName: env('MATERIALS_TABLE'),
            Key: { pk: `LICENCE#${no}`, sk: 'LICENCE' },
            UpdateExpression: 'SET revoked = :r',
            ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(revoked)',
            ExpressionAttributeValues: {
              ':r': { at: new Date(nowMs()).toISOString(), reason: body.reason, by: who.name },
            },
          }),
        );
      } catch (err) {
        if ((err as Error).name !== 'ConditionalCheckFailedException') throw err;
        throw new HttpError(409, 'LICENCE_REVOKED', '该证照已经注销');
      }
      const after = await getLicence(no);
      return { body: verdict(after, after?.signature ?? '') };
    },
  ),
});

let dispatch: ReturnType<typeof routes> | undefined;

export const handler: ReturnType<typeof routes> = (event, context) => {
  dispatch ??= routes(hallRoutes(`/api/halls/${env('HALL_ID')}`));
  return dispatch(event, context);
};
