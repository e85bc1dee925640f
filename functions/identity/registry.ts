/**
 * Real-name verification against the data center's registries (人口库, 法人库). The records are
 * read through AccountStore (seeded from infra/seed/registries.ts locally; in AWS the exchange
 * fills the same records or an adapter replaces the two reads). The comparisons are pure.
 */
export interface PopulationRecord {
  idNumber: string;
  name: string;
  /** The mobile number registered with the population database (实名手机号). */
  phone: string;
}

export interface LegalPersonRecord {
  uscc: string;
  name: string;
  legalRepId: string;
  legalRepName: string;
}

export type Verdict = { ok: true } | { ok: false; code: string; message: string };

/** Name + ID number + phone must all match one population record (三要素核验). */
export function checkPerson(
  record: PopulationRecord | undefined,
  input: { name: string; idNumber: string; phone: string },
): Verdict {
  if (!record || record.name !== input.name || record.phone !== input.phone) {
    // One message for every mismatch: which element was wrong would help someone guessing IDs.
    return {
      ok: false,
      code: 'REALNAME_FAILED',
      message:
        '实名核验未通过：姓名、身份证号码与手机号码不一致，请核对后重试（手机号码须为本人实名登记的号码）',
    };
  }
  return { ok: true };
}

/** The enterprise must exist under that name, and the caller must be its legal representative. */
export function checkEnterprise(
  record: LegalPersonRecord | undefined,
  input: { name: string },
  caller: { idNumber?: string; name: string },
): Verdict {
  if (!record || record.name !== input.name) {
    return {
      ok: false,
      code: 'ENTERPRISE_NOT_FOUND',
      message: '法人库中没有该统一社会信用代码与企业名称的登记记录，请核对营业执照',
    };
  }
  if (!caller.idNumber || record.legalRepId !== caller.idNumber || record.legalRepName !== caller.name) {
    return {
      ok: false,
      code: 'NOT_LEGAL_REPRESENTATIVE',
      message: '只有法定代表人本人可以登记企业账户，其他人员请由法定代表人授权',
    };
  }
  return { ok: true };
}
