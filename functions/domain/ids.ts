/**
 * Identity numbers and names as the national standards define them, plus the masks used wherever
 * they are shown or logged. Pure: no AWS, no I/O; "today" (for birth dates) comes from the clock seam.
 *
 * - Resident ID (居民身份证号码), GB 11643-1999: 6-digit division code, 8-digit birth date,
 *   3-digit sequence, ISO 7064 MOD 11-2 check character.
 * - Unified Social Credit Code (统一社会信用代码), GB 32100-2015: 18 chars over 31 symbols with a
 *   MOD 31 check; chars 9–17 are the organisation code (GB 11714) with its own MOD 11 check.
 * - Mainland mobile numbers; person names (real-name verification input).
 *
 * Every validator returns `{ ok: true, value }` (value normalised) or `{ ok: false, code, message }`
 * with a stable code and a Chinese message for the user (functions/identity/model.ts wraps them in
 * zod schemas with the same messages). No zod here: the portal's forms import this file.
 */
import { nowMs } from './clock.ts';
import { beijingDate } from './time.ts';

export type IdResult = { ok: true; value: string } | { ok: false; code: IdErrorCode; message: string };

export type IdErrorCode =
  | 'ID_FORMAT'
  | 'ID_REGION'
  | 'ID_BIRTHDATE'
  | 'ID_CHECKSUM'
  | 'USCC_FORMAT'
  | 'USCC_CHECKSUM'
  | 'AGENCY_CODE_FORMAT'
  | 'AGENCY_CODE_CHECKSUM'
  | 'MOBILE_FORMAT'
  | 'NAME_FORMAT';

const fail = (code: IdErrorCode, message: string): IdResult => ({ ok: false, code, message });

// ---------------------------------------------------------------------------------------------
// Resident ID (GB 11643-1999)

const RESIDENT_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const RESIDENT_CHECK = '10X98765432';

/**
 * First two digits of the division code (GB/T 2260 provinces), plus 81/82/83: the residence permits
 * for Hong Kong, Macao and Taiwan residents (港澳台居民居住证) use 810000/820000/830000 with the same
 * 18-char format and check, and the hall must accept them for real-name filing.
 */
const PROVINCE_CODES = new Set([
  11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61,
  62, 63, 64, 65, 71, 81, 82, 83,
]);

/** The 18th character for 17 leading digits (for tests and data generators). */
export function residentIdCheckChar(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new TypeError('residentIdCheckChar expects 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * RESIDENT_WEIGHTS[i];
  return RESIDENT_CHECK[sum % 11];
}

/** Today's date in Beijing as YYYYMMDD (birth dates are civil dates in China, whatever the server TZ). */
function beijingToday(nowMillis: number): string {
  return beijingDate(nowMillis).replaceAll('-', '');
}

function isRealDate(y: number, m: number, d: number): boolean {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

export function validateResidentId(input: string, opts: { nowMs?: number } = {}): IdResult {
  if (typeof input !== 'string') return fail('ID_FORMAT', '请输入身份证号码');
  const value = input.trim().toUpperCase();
  if (!/^\d{17}[\dX]$/.test(value)) {
    return fail('ID_FORMAT', '身份证号码应为 18 位，前 17 位为数字，最后一位为数字或 X');
  }
  const province = Number(value.slice(0, 2));
  // A bare province code (xx0000) is never issued to a person, except the residence permits' 81/82/83.
  if (!PROVINCE_CODES.has(province) || (province < 81 && value.slice(2, 6) === '0000')) {
    return fail('ID_REGION', '身份证号码前 6 位不是有效的行政区划代码，请核对');
  }
  const birth = value.slice(6, 14);
  const y = Number(birth.slice(0, 4));
  const m = Number(birth.slice(4, 6));
  const d = Number(birth.slice(6, 8));
  if (y < 1800 || !isRealDate(y, m, d) || birth > beijingToday(opts.nowMs ?? nowMs())) {
    return fail('ID_BIRTHDATE', '身份证号码中的出生日期（第 7–14 位）无效，请核对');
  }
  if (residentIdCheckChar(value.slice(0, 17)) !== value[17]) {
    return fail('ID_CHECKSUM', '身份证号码校验位不正确，请核对是否输错');
  }
  return { ok: true, value };
}

/** Birth date (YYYY-MM-DD) of a valid resident ID; undefined if the ID is not valid. */
export function residentIdBirthDate(input: string): string | undefined {
  const r = validateResidentId(input);
  if (!r.ok) return undefined;
  return `${r.value.slice(6, 10)}-${r.value.slice(10, 12)}-${r.value.slice(12, 14)}`;
}

// ---------------------------------------------------------------------------------------------
// Unified Social Credit Code (GB 32100-2015) and the organisation code inside it (GB 11714-1997)

const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const USCC_PATTERN = /^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/;

/** The 18th character for 17 leading USCC characters (for tests and data generators). */
export function usccCheckChar(first17: string): string {
  if (!/^[0-9A-HJ-NPQRTUWXY]{17}$/.test(first17)) {
    throw new TypeError('usccCheckChar expects 17 characters from the USCC alphabet');
  }
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_ALPHABET.indexOf(first17[i]) * USCC_WEIGHTS[i];
  return USCC_ALPHABET[(31 - (sum % 31)) % 31];
}

const AGENCY_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

/** GB 11714 value of a body character: digits as themselves, letters A=10 … Z=35. */
const agencyValue = (c: string) => (c <= '9' ? c.charCodeAt(0) - 48 : c.charCodeAt(0) - 55);

/** The 9th character of an organisation code (GB 11714) from its 8-character body. */
export function agencyCodeCheckChar(first8: string): string {
  if (!/^[0-9A-Z]{8}$/.test(first8)) throw new TypeError('agencyCodeCheckChar expects 8 digits or letters');
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += agencyValue(first8[i]) * AGENCY_WEIGHTS[i];
  const c = 11 - (sum % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}

/** A 9-character organisation code (组织机构代码), with or without the customary hyphen before the check. */
export function validateAgencyCode(input: string): IdResult {
  if (typeof input !== 'string') return fail('AGENCY_CODE_FORMAT', '请输入组织机构代码');
  const value = input
    .trim()
    .toUpperCase()
    .replace(/^([0-9A-Z]{8})-([0-9X])$/, '$1$2');
  if (!/^[0-9A-Z]{8}[0-9X]$/.test(value)) {
    return fail('AGENCY_CODE_FORMAT', '组织机构代码应为 9 位数字或大写字母');
  }
  if (agencyCodeCheckChar(value.slice(0, 8)) !== value[8]) {
    return fail('AGENCY_CODE_CHECKSUM', '组织机构代码校验位不正确，请核对是否输错');
  }
  return { ok: true, value };
}

/**
 * `strictAgencyCode` also checks the organisation code inside (chars 9–17). Off by default: the
 * USCC's own MOD 31 check already catches typing errors, and codes issued in the transition years
 * are not all guaranteed to embed a checkable GB 11714 code, so refusing them would lock real
 * enterprises out. Turn it on where only newly issued codes are expected.
 */
export function validateUscc(input: string, opts: { strictAgencyCode?: boolean } = {}): IdResult {
  if (typeof input !== 'string') return fail('USCC_FORMAT', '请输入统一社会信用代码');
  const value = input.trim().toUpperCase();
  if (!USCC_PATTERN.test(value)) {
    return fail(
      'USCC_FORMAT',
      '统一社会信用代码应为 18 位数字或大写字母（不含 I、O、S、V、Z），第 3–8 位为行政区划代码',
    );
  }
  if (usccCheckChar(value.slice(0, 17)) !== value[17]) {
    return fail('USCC_CHECKSUM', '统一社会信用代码校验位不正确，请核对是否输错');
  }
  if (opts.strictAgencyCode) {
    const agency = validateAgencyCode(value.slice(8, 17));
    if (!agency.ok) {
      return fail('AGENCY_CODE_CHECKSUM', '统一社会信用代码中的组织机构代码（第 9–17 位）校验不通过，请核对');
    }
  }
  return { ok: true, value };
}

// ---------------------------------------------------------------------------------------------
// Mobile numbers

/** Mainland mobile: 11 digits 1[3-9]…; spaces, hyphens and a +86 / 0086 / 86 prefix are normalised away. */
export function validateMobile(input: string): IdResult {
  if (typeof input !== 'string') return fail('MOBILE_FORMAT', '请输入手机号码');
  let value = input.trim().replace(/[\s-]/g, '');
  const prefixed = /^(?:\+86|0086|86)(1\d{10})$/.exec(value);
  if (prefixed) value = prefixed[1];
  if (!/^1[3-9]\d{9}$/.test(value)) return fail('MOBILE_FORMAT', '请输入正确的 11 位手机号码');
  return { ok: true, value };
}

/** E.164 form for SMS (SNS wants `+8613800000000`). Throws on an invalid number: callers validate first. */
export function mobileToE164(input: string): string {
  const r = validateMobile(input);
  if (!r.ok) throw new TypeError(r.message);
  return `+86${r.value}`;
}

// ---------------------------------------------------------------------------------------------
// Person names

/**
 * 2–30 characters (code points) of letters — Chinese or any other script, with combining marks —
 * joined by the middle dot of minority and foreign names (张·三, 阿依古丽·买买提) or, for names in Latin
 * script, a single space, hyphen or apostrophe. Look-alike dots (•, ・, ．, ‧, ･) are normalised to ·.
 * No digits, no control characters, no separator at either end or two in a row.
 */
export function validatePersonName(input: string): IdResult {
  if (typeof input !== 'string') return fail('NAME_FORMAT', '请输入姓名');
  const value = input
    .normalize('NFC')
    .trim()
    .replace(/[•・．‧･]/g, '·');
  const length = [...value].length;
  if (length < 2 || length > 30) return fail('NAME_FORMAT', '姓名应为 2–30 个字');
  if (!/^\p{L}\p{M}*(?:[· '-]?\p{L}\p{M}*)*$/u.test(value)) {
    return fail('NAME_FORMAT', '姓名只能包含汉字或字母，少数民族姓名可使用间隔号“·”，不能包含数字或符号');
  }
  return { ok: true, value };
}

// ---------------------------------------------------------------------------------------------
// Masks (for display, logs and SMS texts)

const stars = (n: number) => '*'.repeat(Math.max(0, n));

function keepEnds(value: string, head: number, tail: number): string {
  const chars = [...value];
  if (chars.length <= head + tail) return stars(chars.length);
  return chars.slice(0, head).join('') + stars(chars.length - head - tail) + chars.slice(-tail).join('');
}

/** `341602199001011234` → `3416**********1234` (region prefix and last four kept, birth date hidden). */
export const maskResidentId = (id: string) => keepEnds(id.trim().toUpperCase(), 4, 4);

/** `13855556789` → `138****6789`. A +86 prefix is dropped first. */
export function maskPhone(phone: string): string {
  const r = validateMobile(phone);
  return keepEnds(r.ok ? r.value : phone.trim(), 3, 4);
}

/** `张三丰` → `张**`: the first character (the surname, usually) is kept. */
export function maskName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length === 0) return '';
  return chars[0] + stars(chars.length - 1);
}

/** `91350100M000100Y43` → `913501**********43`: registration and region kept, the body hidden. */
export const maskUscc = (code: string) => keepEnds(code.trim().toUpperCase(), 6, 2);
