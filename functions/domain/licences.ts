/**
 * E-licences (电子证照) issued at 办结 (#10 §3): which items produce one, the licence's fields, the
 * canonical form that is signed, its number, and what the public verification page may show
 * (masked). Pure and shared: the issuing handler signs `canonicalLicence(data)`, the verifier checks
 * it, the portal shows the same fields.
 */
import { maskName } from './ids.ts';

/** What a licence says; every field is signed (canonicalLicence). */
export interface LicenceData {
  /** `DZ` + the case number (one licence per case): `DZ341602-20260302-000001`. */
  licenceNo: string;
  /** The kind of licence: 残疾人证, 食品经营许可证, or the item's 准予决定书. */
  type: string;
  holderName: string;
  /** Resident ID or USCC of the holder. */
  holderId: string;
  /** The account of the holder (the library is per account). */
  holderSub: string;
  issuer: string;
  issuerCode: string;
  itemCode: string;
  itemName: string;
  caseNo: string;
  /** 准予内容 as the deciding official wrote it. */
  content?: string;
  /** Beijing dates, YYYY-MM-DD. */
  validFrom: string;
  validTo: string;
  issuedAt: string;
}

export type LicenceStatus = 'valid' | 'revoked' | 'expired';
export type VerifyResult = LicenceStatus | 'forged';

export interface LicenceRecord {
  data: LicenceData;
  /** Ed25519 over canonicalLicence(data), base64url. */
  signature: string;
  /** Which key signed (the first 16 hex of the public key's SHA-256). */
  keyId: string;
  revoked?: { at: string; reason: string; by: string };
  /** Where the PDF is in the hall's materials bucket. */
  pdfKey?: string;
  pdfBytes?: number;
}

/** What anyone may see of a licence on the verification page. */
export interface LicencePublicView {
  licenceNo: string;
  type: string;
  holderName: string;
  holderId: string;
  issuer: string;
  validFrom: string;
  validTo: string;
  issuedAt: string;
}

export interface LicenceVerifyView {
  result: VerifyResult;
  /** In words, for the page. */
  message: string;
  licence?: LicencePublicView;
  revoked?: { at: string; reason: string };
  keyId?: string;
}

/** The holder's own list (我的证照). */
export interface LicenceView extends LicencePublicView {
  status: LicenceStatus;
  caseNo: string;
  itemName: string;
  /** The verification link the QR code carries. */
  verifyPath: string;
  /** The sharing log: filings that used it instead of a material (免提交), newest first. */
  uses: { caseNo: string; itemName: string; slotName: string; at: string }[];
}

const LICENCE_NO = /^DZ\d{6}-\d{8}-\d{6}$/;
export const isLicenceNo = (s: string) => LICENCE_NO.test(s);
export const licenceNoFor = (caseNo: string) => `DZ${caseNo}`;

/** Years a licence is valid when the catalogue does not say (残疾人证 and most permits: 5 years). */
export const DEFAULT_VALID_YEARS = 5;

/**
 * The licence an approved item produces, or undefined: certificates (…证 申领/换领/补领/核发),
 * permits (行政许可 → …许可证), registrations. Other results (benefits, reimbursements) are decisions
 * without a licence.
 */
export function licenceTypeFor(item: { name: string; type?: string }): string | undefined {
  const name = item.name.replace(/（.*?）|\(.*?\)/g, '');
  const cert = /^(.+证)(申领|换领|补领|核发|办理)$/.exec(name);
  if (cert) return cert[1];
  if (/许可$/.test(name)) return `${name}证`;
  if (/登记$|注册$/.test(name)) return `${name}证明`;
  if (item.type === '行政许可') return `${name}准予许可决定书`;
  return undefined;
}

/** JSON with sorted keys and no spaces: the bytes that are signed. */
export function canonicalLicence(data: LicenceData): string {
  const sorted = Object.fromEntries(
    Object.entries(data)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
  return JSON.stringify(sorted);
}

const keepEnds = (s: string, head: number, tail: number) =>
  s.length <= head + tail ? s : s.slice(0, head) + '*'.repeat(s.length - head - tail) + s.slice(-tail);

export function publicView(d: LicenceData): LicencePublicView {
  return {
    licenceNo: d.licenceNo,
    type: d.type,
    holderName: maskName(d.holderName),
    holderId: keepEnds(d.holderId, 4, 4),
    issuer: d.issuer,
    validFrom: d.validFrom,
    validTo: d.validTo,
    issuedAt: d.issuedAt,
  };
}

/** Valid, revoked or expired on `today` (a Beijing date), for a licence whose signature holds. */
export function statusOf(r: Pick<LicenceRecord, 'revoked' | 'data'>, today: string): LicenceStatus {
  if (r.revoked) return 'revoked';
  return today > r.data.validTo ? 'expired' : 'valid';
}

export const VERIFY_MESSAGES: Record<VerifyResult, string> = {
  valid: '证照真实有效：签名核验通过，未注销，在有效期内',
  revoked: '证照已被发证机关注销，不再有效',
  expired: '证照签名真实，但已超过有效期',
  forged: '核验不通过：证照内容被改动，或不是本平台签发的证照',
};

/** The path the QR code and the links carry: the hall, the number and the signature. */
export const verifyPath = (hallId: string, licenceNo: string, signature: string) =>
  `/verify/?h=${encodeURIComponent(hallId)}&no=${encodeURIComponent(licenceNo)}&s=${encodeURIComponent(signature)}`;

/** The date `years` later (Feb 29 → Feb 28), the day before, as licences run. */
export function validUntil(from: string, years: number): string {
  const [y, m, d] = from.split('-').map(Number);
  const end = new Date(Date.UTC(y + years, m - 1, d) - 86_400_000);
  return end.toISOString().slice(0, 10);
}
