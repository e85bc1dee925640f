/**
 * The query code (查询码) that, with the case number, opens the public progress query. Pure;
 * shared by the server (generation, check) and the portal (what a person may type, how it is shown).
 *
 * 8 characters of Crockford's base32 (digits and capitals without I, L, O, U): 32^8 ≈ 1.1 × 10^12
 * codes instead of 10^6. People read it from an SMS or a receipt and type it on a phone, so the
 * reading is forgiving: case does not matter, spaces and dashes are ignored, full-width characters
 * count as their ASCII twins, and the letters that look like digits are those digits (O → 0,
 * I and L → 1). It is shown in two groups of four (`K7QM 3XHP`).
 *
 * Cases filed before the change keep their 6-digit code: it still opens them.
 */
export const QUERY_CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const QUERY_CODE_LENGTH = 8;

const CODE = /^[0-9A-HJKMNP-TV-Z]{8}$/;
const LEGACY_CODE = /^\d{6}$/;

/** What a person typed, in the stored form: `k7qm-3xhp`, `Ｋ７ＱＭ ３ＸＨＰ` → `K7QM3XHP`. */
export function normaliseQueryCode(input: string): string {
  return input
    .normalize('NFKC')
    .replace(/[\s\-‐-―−_.·]/g, '')
    .toUpperCase()
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
}

/** A normalised code of either form (8 characters, or a 6-digit code of an older case). */
export function isQueryCode(normalised: string): boolean {
  return CODE.test(normalised) || LEGACY_CODE.test(normalised);
}

/** For reading aloud and copying: two groups of four; an older 6-digit code as it is. */
export function formatQueryCode(code: string): string {
  return code.length === QUERY_CODE_LENGTH ? `${code.slice(0, 4)} ${code.slice(4)}` : code;
}

export const QUERY_CODE_HINT = '8 位字母或数字，不分大小写（早先的办件为 6 位数字）';
export const QUERY_CODE_PROBLEM = '查询码是 8 位字母或数字（早先的办件为 6 位数字），请核对短信或回执';
