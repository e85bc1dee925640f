import { describe, expect, it } from 'vitest';
import {
  agencyCodeCheckChar,
  maskName,
  maskPhone,
  maskResidentId,
  maskUscc,
  mobileToE164,
  residentIdBirthDate,
  residentIdCheckChar,
  usccCheckChar,
  validateAgencyCode,
  validateMobile,
  validatePersonName,
  validateResidentId,
  validateUscc,
} from '#domain/ids.ts';
import { mobileSchema, personNameSchema, residentIdSchema, usccSchema } from '#functions/identity/model.ts';

const VALID_IDS = ['11010519491231002X', '440524188001010014', '341602199001011234'];
const VALID_USCC = ['91350100M000100Y43', '91110108551385082Q'];
const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/** Every string that differs from `value` in exactly one position, over `alphabet`. */
function singleChanges(value: string, alphabet: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < value.length; i++) {
    for (const c of alphabet) if (c !== value[i]) out.push(value.slice(0, i) + c + value.slice(i + 1));
  }
  return out;
}

function adjacentSwaps(value: string, upTo: number): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < upTo; i++) {
    if (value[i] === value[i + 1]) continue;
    out.push(value.slice(0, i) + value[i + 1] + value[i] + value.slice(i + 2));
  }
  return out;
}

/** A small deterministic generator, so the property checks below are reproducible. */
function lcg(seed: number) {
  let x = seed;
  return (k: number) => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x % k;
  };
}

describe('resident ID (GB 11643-1999)', () => {
  it.each(VALID_IDS)('accepts %s', (id) => {
    expect(validateResidentId(id)).toEqual({ ok: true, value: id });
  });

  it('computes the check character of the standard vectors', () => {
    for (const id of VALID_IDS) expect(residentIdCheckChar(id.slice(0, 17))).toBe(id[17]);
  });

  it('satisfies the ISO 7064 MOD 11-2 check equation Σ a·2^(18−i) + check ≡ 1 (mod 11) for every remainder', () => {
    // An independent formulation of the standard (weights as powers of 2, X = 10), so a wrong table fails.
    const rand = lcg(11643);
    const seen = new Set<string>();
    for (let n = 0; n < 2000; n++) {
      const body = Array.from({ length: 17 }, () => rand(10)).join('');
      const check = residentIdCheckChar(body);
      seen.add(check);
      let sum = check === 'X' ? 10 : Number(check);
      for (let i = 0; i < 17; i++) sum += Number(body[i]) * 2 ** (17 - i);
      expect(sum % 11, body).toBe(1);
    }
    expect(seen.size).toBe(11);
  });

  it('accepts a lower-case x and normalises it', () => {
    expect(validateResidentId(' 11010519491231002x ')).toEqual({ ok: true, value: '11010519491231002X' });
  });

  it('rejects every single-character change of every valid vector', () => {
    let count = 0;
    for (const id of VALID_IDS) {
      for (const changed of singleChanges(id, '0123456789X')) {
        const r = validateResidentId(changed);
        expect(r.ok, changed).toBe(false);
        count++;
      }
    }
    expect(count).toBe(3 * 18 * 10);
  });

  it('rejects every adjacent transposition in the first 17 digits', () => {
    for (const id of VALID_IDS) {
      for (const swapped of adjacentSwaps(id, 17))
        expect(validateResidentId(swapped).ok, swapped).toBe(false);
    }
  });

  it('reports a checksum error with its code and a Chinese message', () => {
    const r = validateResidentId('341602199001011235');
    expect(r).toMatchObject({ ok: false, code: 'ID_CHECKSUM' });
    if (!r.ok) expect(r.message).toMatch(/校验位/);
  });

  it.each([
    ['', 'ID_FORMAT'],
    ['34160219900101123', 'ID_FORMAT'],
    ['3416021990010112345', 'ID_FORMAT'],
    ['34160219900101123Y', 'ID_FORMAT'],
    ['X41602199001011234', 'ID_FORMAT'],
    ['３41602199001011234', 'ID_FORMAT'],
  ])('rejects the malformed %j as %s', (id, code) => {
    expect(validateResidentId(id)).toMatchObject({ ok: false, code });
  });

  const withCheck = (first17: string) => first17 + residentIdCheckChar(first17);

  it('rejects unknown province codes and bare province codes even with a right checksum', () => {
    expect(validateResidentId(withCheck('00010519491231002'))).toMatchObject({ code: 'ID_REGION' });
    expect(validateResidentId(withCheck('90010519491231002'))).toMatchObject({ code: 'ID_REGION' });
    expect(validateResidentId(withCheck('19010519491231002'))).toMatchObject({ code: 'ID_REGION' });
    expect(validateResidentId(withCheck('34000019900101123'))).toMatchObject({ code: 'ID_REGION' });
  });

  it('accepts residence permits of Hong Kong, Macao and Taiwan residents (810000/820000/830000)', () => {
    for (const p of ['81', '82', '83'])
      expect(validateResidentId(withCheck(`${p}000019900101123`)).ok).toBe(true);
  });

  it('rejects impossible or future birth dates even with a right checksum', () => {
    const today = Date.UTC(2026, 5, 1, 0, 0, 0) - 8 * 3600_000; // 2026-06-01 00:00 Beijing
    const check = (birth: string) => validateResidentId(withCheck(`341602${birth}123`), { nowMs: today });
    expect(check('19900230')).toMatchObject({ code: 'ID_BIRTHDATE' });
    expect(check('19901301')).toMatchObject({ code: 'ID_BIRTHDATE' });
    expect(check('19900100')).toMatchObject({ code: 'ID_BIRTHDATE' });
    expect(check('17991231')).toMatchObject({ code: 'ID_BIRTHDATE' });
    expect(check('19000229')).toMatchObject({ code: 'ID_BIRTHDATE' }); // 1900 is not a leap year
    expect(check('20000229').ok).toBe(true);
    expect(check('20260601').ok).toBe(true); // born today (Beijing)
    expect(check('20260602')).toMatchObject({ code: 'ID_BIRTHDATE' });
  });

  it('judges "today" in Beijing: 2026-06-01 16:30 UTC is already 06-02 in Beijing', () => {
    const id = withCheck('34160220260602123');
    expect(validateResidentId(id, { nowMs: Date.UTC(2026, 5, 1, 15, 59) }).ok).toBe(false);
    expect(validateResidentId(id, { nowMs: Date.UTC(2026, 5, 1, 16, 0) }).ok).toBe(true);
  });

  it('extracts the birth date', () => {
    expect(residentIdBirthDate('11010519491231002X')).toBe('1949-12-31');
    expect(residentIdBirthDate('11010519491231002Y')).toBeUndefined();
  });

  it('refuses to compute a check character from a bad body', () => {
    expect(() => residentIdCheckChar('1234')).toThrow(TypeError);
  });
});

describe('unified social credit code (GB 32100-2015)', () => {
  it.each(VALID_USCC)('accepts %s', (code) => {
    expect(validateUscc(code)).toEqual({ ok: true, value: code });
    expect(usccCheckChar(code.slice(0, 17))).toBe(code[17]);
  });

  it('satisfies the MOD 31 check equation Σ a·3^(i−1) + check ≡ 0 (mod 31) for every check value', () => {
    const rand = lcg(32100);
    const seen = new Set<string>();
    for (let n = 0; n < 3000; n++) {
      const body = Array.from({ length: 17 }, () => USCC_ALPHABET[rand(31)]).join('');
      const check = usccCheckChar(body);
      seen.add(check);
      let sum = USCC_ALPHABET.indexOf(check);
      for (let i = 0; i < 17; i++) sum += USCC_ALPHABET.indexOf(body[i]) * (3 ** i % 31);
      expect(sum % 31, body).toBe(0);
    }
    expect(seen.size).toBe(31);
  });

  it('normalises lower case and surrounding spaces', () => {
    expect(validateUscc(' 91350100m000100y43 ')).toEqual({ ok: true, value: '91350100M000100Y43' });
  });

  it('rejects every single-character change (including I O S V Z) of every valid vector', () => {
    let count = 0;
    for (const code of VALID_USCC) {
      for (const changed of singleChanges(code, `${USCC_ALPHABET}IOSVZ`)) {
        expect(validateUscc(changed).ok, changed).toBe(false);
        count++;
      }
    }
    expect(count).toBe(2 * 18 * 35);
  });

  it('rejects every adjacent transposition in the first 17 characters', () => {
    for (const code of VALID_USCC) {
      for (const swapped of adjacentSwaps(code, 17)) expect(validateUscc(swapped).ok, swapped).toBe(false);
    }
  });

  it('maps a check value of 31 to 0', () => {
    // Find a body whose weighted sum is ≡ 0 (mod 31): its check character must be '0'.
    let body = '';
    for (let n = 0; ; n++) {
      body = `9134160${String(n).padStart(10, '0')}`;
      if (usccCheckChar(body) === '0') break;
    }
    expect(validateUscc(`${body}0`).ok).toBe(true);
  });

  it('uses distinct codes for format and checksum errors', () => {
    expect(validateUscc('91350100M000100Y4')).toMatchObject({ code: 'USCC_FORMAT' });
    expect(validateUscc('91350100M000100I43')).toMatchObject({ code: 'USCC_FORMAT' });
    expect(validateUscc('9135A100M000100Y43')).toMatchObject({ code: 'USCC_FORMAT' }); // region must be digits
    const r = validateUscc('91350100M000100Y44');
    expect(r).toMatchObject({ ok: false, code: 'USCC_CHECKSUM' });
    if (!r.ok) expect(r.message).toMatch(/统一社会信用代码/);
  });

  it('checks the embedded organisation code (GB 11714) when asked', () => {
    expect(validateAgencyCode('M000100Y4')).toEqual({ ok: true, value: 'M000100Y4' });
    expect(validateAgencyCode('55138508-2')).toEqual({ ok: true, value: '551385082' });
    expect(agencyCodeCheckChar('M000100Y')).toBe('4');
    expect(validateAgencyCode('M000100Y5')).toMatchObject({ code: 'AGENCY_CODE_CHECKSUM' });
    expect(validateAgencyCode('M000100')).toMatchObject({ code: 'AGENCY_CODE_FORMAT' });
    for (const code of VALID_USCC) expect(validateUscc(code, { strictAgencyCode: true }).ok).toBe(true);
    // Right USCC check, wrong embedded organisation check: only strict mode refuses it.
    const body = '91350100M000100Y5';
    const code = body + usccCheckChar(body);
    expect(validateUscc(code).ok).toBe(true);
    expect(validateUscc(code, { strictAgencyCode: true })).toMatchObject({ code: 'AGENCY_CODE_CHECKSUM' });
  });

  it('satisfies the GB 11714 check equation Σ a·2^(9−i) + check ≡ 0 (mod 11)', () => {
    const rand = lcg(11714);
    const chars = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
    for (let n = 0; n < 2000; n++) {
      const body = Array.from({ length: 8 }, () => chars[rand(36)]).join('');
      const check = agencyCodeCheckChar(body);
      let sum = check === 'X' ? 10 : Number(check);
      for (let i = 0; i < 8; i++) sum += chars.indexOf(body[i]) * (2 ** (8 - i) % 11);
      expect(sum % 11, body).toBe(0);
    }
  });

  it('maps organisation check values 10 → X and 11 → 0', () => {
    const seen = new Set<string>();
    for (let n = 0; n < 200 && seen.size < 11; n++) {
      const body = String(10_000_000 + n);
      const check = agencyCodeCheckChar(body);
      seen.add(check);
      expect(validateAgencyCode(body + check).ok).toBe(true);
    }
    expect([...seen].sort()).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'X']);
  });
});

describe('mobile numbers', () => {
  it.each([
    ['13855556789', '13855556789'],
    ['+8613855556789', '13855556789'],
    ['8613855556789', '13855556789'],
    ['008613855556789', '13855556789'],
    ['+86 138-5555-6789', '13855556789'],
    ['19912345678', '19912345678'],
  ])('accepts %s as %s', (input, value) => {
    expect(validateMobile(input)).toEqual({ ok: true, value });
  });

  it.each(['12855556789', '1385555678', '138555567890', '+85213855556789', '1385555678a', '', '+86'])(
    'rejects %j',
    (input) => {
      expect(validateMobile(input)).toMatchObject({ ok: false, code: 'MOBILE_FORMAT' });
    },
  );

  it('formats E.164 for SMS', () => {
    expect(mobileToE164('138 5555 6789')).toBe('+8613855556789');
    expect(() => mobileToE164('123')).toThrow();
  });
});

describe('person names', () => {
  it.each([
    '张三',
    '张三丰',
    '阿依古丽·买买提',
    '爱新觉罗·溥仪',
    'John Smith',
    "Mary-Jane O'Brien",
    'José',
    '𠮷野家', // a CJK Extension B character counts as one character
  ])('accepts %s', (name) => {
    expect(validatePersonName(name)).toEqual({ ok: true, value: name });
  });

  it('normalises look-alike middle dots and trims', () => {
    expect(validatePersonName(' 阿依古丽•买买提 ')).toEqual({ ok: true, value: '阿依古丽·买买提' });
    expect(validatePersonName('阿依古丽・买买提')).toEqual({ ok: true, value: '阿依古丽·买买提' });
  });

  it.each([
    '张',
    '张3',
    '张三\u0000',
    '张\t三',
    '·张三',
    '张三·',
    '张··三',
    '张三!',
    '张  三',
    '一'.repeat(31),
  ])('rejects %j', (name) => {
    const r = validatePersonName(name);
    expect(r).toMatchObject({ ok: false, code: 'NAME_FORMAT' });
  });

  it('counts characters, not UTF-16 units, for the length limit', () => {
    expect(validatePersonName('𠮷'.repeat(30)).ok).toBe(true);
    expect(validatePersonName('𠮷'.repeat(31)).ok).toBe(false);
  });
});

describe('masks', () => {
  it('masks as the brief says', () => {
    expect(maskResidentId('341602199001011234')).toBe('3416**********1234');
    expect(maskPhone('13855556789')).toBe('138****6789');
    expect(maskPhone('+8613855556789')).toBe('138****6789');
    expect(maskName('张三丰')).toBe('张**');
    expect(maskName('张三')).toBe('张*');
    expect(maskName('𠮷野家')).toBe('𠮷**');
    expect(maskUscc('91350100M000100Y43')).toBe('913501**********43');
  });

  it('never leaks a short value', () => {
    expect(maskResidentId('1234567')).toBe('*******');
    expect(maskPhone('1234')).toBe('****');
    expect(maskName('')).toBe('');
  });
});

describe('zod schemas', () => {
  it('return the normalised value', () => {
    expect(residentIdSchema.parse('11010519491231002x')).toBe('11010519491231002X');
    expect(usccSchema.parse('91350100m000100y43')).toBe('91350100M000100Y43');
    expect(mobileSchema.parse('+8613855556789')).toBe('13855556789');
    expect(personNameSchema.parse('张三')).toBe('张三');
  });

  it('carry the Chinese message and the stable code', () => {
    const r = residentIdSchema.safeParse('341602199001011235');
    expect(r.success).toBe(false);
    if (r.success) return;
    expect(r.error.issues[0].message).toBe('身份证号码校验位不正确，请核对是否输错');
    expect((r.error.issues[0] as { params?: { code?: string } }).params?.code).toBe('ID_CHECKSUM');
    expect(usccSchema.safeParse('91350100M000100Y44').error?.issues[0].message).toMatch(/校验位/);
    expect(mobileSchema.safeParse('123').error?.issues[0].message).toBe('请输入正确的 11 位手机号码');
    expect(personNameSchema.safeParse('张3').error?.issues[0].message).toMatch(/姓名/);
  });

  it('give a Chinese message for a missing or non-string value', () => {
    expect(residentIdSchema.safeParse(undefined).error?.issues[0].message).toBe('请输入身份证号码');
    expect(mobileSchema.safeParse(13855556789).error?.issues[0].message).toBe('请输入手机号码');
  });

  it('compose inside an object schema with field paths', async () => {
    const { z } = await import('zod');
    const form = z.object({ idNumber: residentIdSchema, phone: mobileSchema, name: personNameSchema });
    const r = form.safeParse({ idNumber: '341602199001011234', phone: '1385555678', name: '张三' });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join('.'))).toEqual(['phone']);
  });
});
