/**
 * Cases stream → e-licences: when a case of an item that produces a licence (#domain/licences.ts
 * `licenceTypeFor`) is decided 准予 (its 办结 event), the licence is made once: its fields, the
 * Ed25519 signature over their canonical JSON (keys.ts), the PDF with the QR code of the
 * verification link (pdf.ts) put into the hall's bucket, then the record and the holder's library
 * entry. Idempotent: a replayed event finds the licence and does nothing; the PDF key is the
 * licence's, so a retry after a failure overwrites the same object.
 */
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  canonicalLicence,
  DEFAULT_VALID_YEARS,
  type LicenceData,
  licenceNoFor,
  licenceTypeFor,
  validUntil,
  verifyPath,
} from '#domain/licences.ts';
import { beijingDate, beijingIso } from '#domain/time.ts';
import { getCase } from '#functions/cases/store.ts';
import { readItem } from '#functions/catalogue/store.ts';
import { AccountStore } from '#functions/identity/store.ts';
import { dynamo, env } from '#lib/aws.ts';
import { logger } from '#lib/logger.ts';
import { type Change, streamHandler } from '#lib/streams.ts';
import { signLicence } from './keys.ts';
import { licencePdf } from './pdf.ts';
import { getLicence, pdfKeyOf, putLicence } from './store.ts';

const s3 = new S3Client({ forcePathStyle: true });
let accounts: AccountStore | undefined;

export async function issueFor(caseNo: string, at: string): Promise<void> {
  const no = licenceNoFor(caseNo);
  if (await getLicence(no)) return;
  const c = await getCase(caseNo);
  if (c?.result?.outcome !== 'approved') return;
  const item = await readItem(dynamo, env('CATALOGUE_TABLE'), c.itemCode);
  const type = licenceTypeFor({ name: c.itemName, type: item?.type });
  if (!type) return;
  accounts ??= new AccountStore(dynamo, env('ACCOUNTS_TABLE'));
  const holderId = c.applicant.uscc ?? (await accounts.getAccount(c.applicant.sub))?.idNumber;
  if (!holderId) {
    logger.warn('licence without a holder id', { caseNo });
    return;
  }
  const validFrom = beijingDate(new Date(at));
  const data: LicenceData = {
    licenceNo: no,
    type,
    holderName: c.applicant.enterprise ?? c.applicant.name,
    holderId,
    holderSub: c.applicant.sub,
    issuer: c.deptName,
    issuerCode: c.deptCode,
    itemCode: c.itemCode,
    itemName: c.itemName,
    caseNo,
    ...(c.result.text ? { content: c.result.text } : {}),
    validFrom,
    validTo: validUntil(validFrom, DEFAULT_VALID_YEARS),
    issuedAt: beijingIso(at) ?? at,
  };
  const { signature, keyId } = signLicence(canonicalLicence(data));
  const url = new URL(verifyPath(env('HALL_ID'), no, signature), env('PORTAL_URL')).toString();
  const pdf = await licencePdf(data, signature, keyId, url);
  await s3.send(
    new PutObjectCommand({
      Bucket: env('MATERIALS_BUCKET'),
      Key: pdfKeyOf(no),
      Body: pdf.bytes,
      ContentType: 'application/pdf',
    }),
  );
  const created = await putLicence({
    data,
    signature,
    keyId,
    pdfKey: pdfKeyOf(no),
    pdfBytes: pdf.bytes.length,
  });
  if (created)
    logger.info('licence issued', { caseNo, licenceNo: no, type, bytes: pdf.bytes.length, cjk: pdf.cjk });
}

export const handler = streamHandler(async ({ eventName, newImage }: Change) => {
  if (eventName !== 'INSERT' || !newImage) return;
  if (!String(newImage.sk).startsWith('EVT#')) return;
  if (newImage.type !== '办结' || newImage.outcome !== '准予') return;
  await issueFor(String(newImage.caseNo), String(newImage.at));
});
