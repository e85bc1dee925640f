/**
 * Application forms (申请表) as data, and the one validator of a filled form. The catalogue gives
 * each item a form definition (a list of fields: key, label, type, required, …); the portal renders
 * it and checks it as the person types, and the server checks it again when the case is filed —
 * with this same function, so both say the same thing in the same words.
 *
 * Pure and small (no zod, no AWS): the portal bundles it. ID, mobile, USCC and name checks are
 * those of ./ids.ts (GB 11643, GB 32100, …).
 *
 * A filled form is a flat JSON object: field key → string (booleans for checkboxes). Whatever else
 * comes (numbers, null, nested objects, empty or unknown keys, control characters, lone surrogates,
 * over-long text) is refused with a Chinese message per field; a valid form comes back normalised
 * (trimmed, single-line fields on one line, full-width digits made ASCII, IDs upper-cased, phones
 * without spaces, empty optional fields left out).
 */

import {
  type IdErrorCode,
  validateMobile,
  validatePersonName,
  validateResidentId,
  validateUscc,
} from './ids.ts';
import { cleanTextProblem } from './text.ts';

// ---------------------------------------------------------------------------------------------
// Definitions

export const FIELD_TYPES = [
  'text',
  'textarea',
  'person-name',
  'id-number',
  'phone',
  'mobile',
  'uscc',
  'address',
  'email',
  'date',
  'number',
  'bank-account',
  'choice',
  'checkbox',
] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/**
 * What the portal may fill in from the signed-in account (the person can still change it):
 * legalRepName is the person's own name when they are the legal representative of the enterprise
 * they act for.
 */
export const PREFILLS = ['name', 'idNumber', 'phone', 'enterpriseName', 'uscc', 'legalRepName'] as const;
export type Prefill = (typeof PREFILLS)[number];

export interface FormField {
  /** Stable machine name, e.g. `idNumber`: what a filled form is keyed by. */
  key: string;
  /** What the person reads, e.g. 公民身份号码. */
  label: string;
  type: FieldType;
  /** Absent = required. A required checkbox must be ticked. */
  required?: boolean;
  /** In characters (code points); only text, textarea, address and email take one. */
  maxLength?: number;
  /** A hint shown under the label. */
  help?: string;
  /** Fields with the same section, one after another, are shown (and printed) as one group. */
  section?: string;
  /** choice: the values one may pick (the value is the option itself). */
  options?: string[];
  /** number: bounds and whether decimals are allowed. */
  min?: number;
  max?: number;
  integer?: boolean;
  /** Asked only when an earlier choice field has this value (e.g. 申请人类型 = 单位). */
  when?: { key: string; equals: string };
  prefill?: Prefill;
}

export interface FormDefinition {
  fields: FormField[];
}

export type FormValue = Record<string, string | boolean>;

export type FormErrorCode =
  | 'FORM_NOT_OBJECT'
  | 'TOO_MANY_FIELDS'
  | 'EMPTY_KEY'
  | 'UNKNOWN_FIELD'
  | 'REQUIRED'
  | 'NOT_TEXT'
  | 'NOT_BOOLEAN'
  | 'CONTROL_CHARS'
  | 'LONE_SURROGATE'
  | 'TOO_LONG'
  | 'TOO_SHORT'
  | 'INVALID_CHOICE'
  | 'INVALID_DATE'
  | 'INVALID_NUMBER'
  | 'OUT_OF_RANGE'
  | 'INVALID_EMAIL'
  | 'INVALID_PHONE'
  | 'INVALID_BANK_ACCOUNT'
  /** ID_FORMAT, ID_CHECKSUM, USCC_CHECKSUM, MOBILE_FORMAT, NAME_FORMAT, … of ./ids.ts */
  | IdErrorCode;

/** `field` is the key the error is about ('(表单)' for the form as a whole). */
export interface FormError {
  field: string;
  code: FormErrorCode;
  message: string;
}

export type FormResult = { ok: true; value: FormValue } | { ok: false; errors: FormError[] };

/** Field for errors about the whole form. */
export const WHOLE_FORM = '(表单)';
/** More keys than this in a filled form is refused outright. */
export const MAX_KEYS = 100;
export const MAX_FIELDS = 40;
export const KEY_PATTERN = /^[a-z][a-zA-Z0-9]{0,39}$/;

/** Default and largest maxLength of the types that take one. */
export const LENGTHS: Partial<Record<FieldType, { default: number; max: number }>> = {
  text: { default: 100, max: 500 },
  textarea: { default: 1000, max: 2000 },
  address: { default: 200, max: 300 },
  email: { default: 100, max: 254 },
};
/** Raw length past which a value of a checked type is not even looked at. */
const RAW_LIMIT = 64;
const ADDRESS_MIN = 4;
const NUMBER_LIMIT = 1e15;

/** Absent `required` means required. */
export const isRequired = (f: Pick<FormField, 'required'>) => f.required !== false;

export function maxLengthOf(f: Pick<FormField, 'type' | 'maxLength'>): number | undefined {
  const l = LENGTHS[f.type];
  return l ? (f.maxLength ?? l.default) : undefined;
}

// ---------------------------------------------------------------------------------------------
// Characters

const codePoints = (s: string) => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

const oneLine = (s: string) => s.replace(/[\t\r\n\u2028\u2029]+/g, ' ').trim();
const multiLine = (s: string) => s.replace(/\r\n?|[\u2028\u2029]/g, '\n').trim();
/** Full-width digits, letters and punctuation (what Chinese input methods give) → ASCII. */
const ascii = (s: string) => s.normalize('NFKC').trim();

// ---------------------------------------------------------------------------------------------
// One value

type Check = { ok: true; value: string } | { ok: false; code: FormErrorCode; message: string };
const bad = (code: FormErrorCode, message: string): Check => ({ ok: false, code, message });

function isRealDate(y: number, m: number, d: number): boolean {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

const fmt = (n: number) => String(n);

/** A non-empty, already-trimmed string of a field's type → its normal form, or what is wrong. */
function checkText(f: FormField, raw: string): Check {
  const label = f.label;
  switch (f.type) {
    case 'text':
    case 'address':
    case 'email':
    case 'textarea': {
      const value =
        f.type === 'textarea' ? multiLine(raw) : f.type === 'email' ? ascii(oneLine(raw)) : oneLine(raw);
      const max = maxLengthOf(f) ?? 100;
      const n = codePoints(value);
      if (n > max) return bad('TOO_LONG', `${label}最多 ${max} 个字，现有 ${n} 个`);
      if (f.type === 'address' && n < ADDRESS_MIN)
        return bad('TOO_SHORT', `${label}过短，请填写详细地址（如 xx 区 xx 街道 xx 号）`);
      if (f.type === 'email' && !/^[^\s@]{1,64}@[^\s@.]+(\.[^\s@.]+)+$/.test(value))
        return bad('INVALID_EMAIL', `${label}格式不正确，应如 zhangsan@example.com`);
      return { ok: true, value };
    }
    case 'person-name': {
      const r = validatePersonName(oneLine(raw));
      return r.ok ? r : bad(r.code, r.message);
    }
    case 'id-number': {
      if (raw.length > RAW_LIMIT) return bad('ID_FORMAT', '身份证号码应为 18 位');
      const r = validateResidentId(ascii(raw).replace(/\s/g, ''));
      return r.ok ? r : bad(r.code, r.message);
    }
    case 'uscc': {
      if (raw.length > RAW_LIMIT) return bad('USCC_FORMAT', '统一社会信用代码应为 18 位');
      const r = validateUscc(ascii(raw).replace(/\s/g, ''));
      return r.ok ? r : bad(r.code, r.message);
    }
    case 'mobile': {
      if (raw.length > RAW_LIMIT) return bad('MOBILE_FORMAT', '请输入正确的 11 位手机号码');
      const r = validateMobile(ascii(raw));
      return r.ok ? r : bad(r.code, r.message);
    }
    case 'phone': {
      if (raw.length > RAW_LIMIT) return bad('INVALID_PHONE', `${label}过长`);
      const s = ascii(raw);
      const mobile = validateMobile(s);
      if (mobile.ok) return mobile;
      const fixed = s.replace(/[\s()（）]/g, '').replace(/[—–]/g, '-');
      if (/^0\d{2,3}-?\d{7,8}$/.test(fixed)) return { ok: true, value: fixed };
      return bad('INVALID_PHONE', '请填写 11 位手机号码，或带区号的固定电话（如 0558-5512345）');
    }
    case 'bank-account': {
      if (raw.length > RAW_LIMIT) return bad('INVALID_BANK_ACCOUNT', `${label}过长`);
      const s = ascii(raw).replace(/[\s-]/g, '');
      if (!/^\d{8,30}$/.test(s)) return bad('INVALID_BANK_ACCOUNT', `${label}应为 8–30 位数字`);
      return { ok: true, value: s };
    }
    case 'date': {
      if (raw.length > RAW_LIMIT) return bad('INVALID_DATE', `${label}应为日期，如 2026-03-02`);
      const m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(ascii(raw));
      const [y, mo, d] = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [0, 0, 0];
      if (!m || y < 1900 || y > 2100 || !isRealDate(y, mo, d))
        return bad('INVALID_DATE', `${label}应为有效日期，如 2026-03-02`);
      return { ok: true, value: `${m[1]}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}` };
    }
    case 'number': {
      if (raw.length > RAW_LIMIT) return bad('INVALID_NUMBER', `${label}应为数字`);
      const m = /^([+-]?)0*(\d+?)(?:\.(\d+))?$/.exec(ascii(raw));
      if (!m || (m[3] !== undefined && m[3].length > 6))
        return bad('INVALID_NUMBER', `${label}应为数字（最多 6 位小数），如 800 或 12.5`);
      if (f.integer && m[3] !== undefined && /[1-9]/.test(m[3]))
        return bad('INVALID_NUMBER', `${label}应为整数`);
      const frac = m[3] && !f.integer ? m[3] : '';
      const body = frac ? `${m[2]}.${frac}` : m[2];
      const n = Number(`${m[1]}${body}`);
      const value = n === 0 ? (frac ? `0.${frac}` : '0') : `${m[1] === '-' ? '-' : ''}${body}`;
      if (!Number.isFinite(n) || Math.abs(n) >= NUMBER_LIMIT) return bad('OUT_OF_RANGE', `${label}数值过大`);
      const lo = f.min ?? Number.NEGATIVE_INFINITY;
      const hi = f.max ?? Number.POSITIVE_INFINITY;
      if (n < lo || n > hi) {
        const range =
          f.min !== undefined && f.max !== undefined
            ? `应在 ${fmt(f.min)}–${fmt(f.max)} 之间`
            : f.min !== undefined
              ? `不能小于 ${fmt(f.min)}`
              : `不能大于 ${fmt(f.max as number)}`;
        return bad('OUT_OF_RANGE', `${label}${range}`);
      }
      return { ok: true, value };
    }
    case 'choice': {
      const value = oneLine(raw);
      if (!(f.options ?? []).includes(value))
        return bad('INVALID_CHOICE', `${label}只能选择：${(f.options ?? []).join('、')}`);
      return { ok: true, value };
    }
    case 'checkbox':
      return bad('NOT_BOOLEAN', `${label}应为勾选项（true 或 false）`);
  }
}

const requiredMessage = (f: FormField) =>
  f.type === 'choice'
    ? `请选择${f.label}`
    : f.type === 'checkbox'
      ? `请勾选“${f.label}”`
      : `请填写${f.label}`;

/** The checks of one field's value; `undefined` = nothing given. */
export function validateField(
  f: FormField,
  input: unknown,
): { ok: true; value: string | boolean | undefined } | { ok: false; error: FormError } {
  const fail = (code: FormErrorCode, message: string) => ({
    ok: false as const,
    error: { field: f.key, code, message },
  });
  if (f.type === 'checkbox') {
    if (input === undefined)
      return isRequired(f) ? fail('REQUIRED', requiredMessage(f)) : { ok: true, value: undefined };
    if (typeof input !== 'boolean') return fail('NOT_BOOLEAN', `${f.label}应为勾选项（true 或 false）`);
    if (!input && isRequired(f)) return fail('REQUIRED', requiredMessage(f));
    return { ok: true, value: input };
  }
  if (input === undefined)
    return isRequired(f) ? fail('REQUIRED', requiredMessage(f)) : { ok: true, value: undefined };
  if (typeof input !== 'string') return fail('NOT_TEXT', `${f.label}应填写文字内容`);
  const chars = cleanTextProblem(input);
  if (chars === 'CONTROL_CHARACTER')
    return fail('CONTROL_CHARS', `${f.label}中含有不可见的控制字符，请删除后重新填写`);
  if (chars === 'LONE_SURROGATE') return fail('LONE_SURROGATE', `${f.label}中含有无法识别的字符，请重新输入`);
  if (input.trim() === '')
    return isRequired(f) ? fail('REQUIRED', requiredMessage(f)) : { ok: true, value: undefined };
  const r = checkText(f, input.trim());
  return r.ok ? { ok: true, value: r.value } : fail(r.code, r.message);
}

// ---------------------------------------------------------------------------------------------
// A whole form

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** A key as it may be shown back: no controls, at most 30 characters. */
function shownKey(key: string): string {
  const clean = [...key].map((c) => (cleanTextProblem(c) ? '�' : c)).join('');
  const cut = [...clean].slice(0, 30).join('');
  return cut.length < clean.length ? `${cut}…` : cut;
}

/** Whether a field is asked, given the values so far (undefined: its condition could not be decided). */
function applies(f: FormField, values: Map<string, string | boolean>): boolean | undefined {
  if (!f.when) return true;
  const v = values.get(f.when.key);
  return v === undefined ? undefined : v === f.when.equals;
}

/**
 * Check a filled form against its definition. Unknown keys, the empty key, non-string values,
 * control characters and lone surrogates are refused; required fields must be there; a field
 * whose `when` does not hold is not asked and whatever was sent for it is dropped.
 */
export function validateForm(definition: FormDefinition, input: unknown): FormResult {
  if (!isPlainObject(input))
    return {
      ok: false,
      errors: [{ field: WHOLE_FORM, code: 'FORM_NOT_OBJECT', message: '申请表应为“字段: 内容”形式的对象' }],
    };
  const keys = Object.keys(input);
  if (keys.length > MAX_KEYS)
    return {
      ok: false,
      errors: [{ field: WHOLE_FORM, code: 'TOO_MANY_FIELDS', message: `申请表最多 ${MAX_KEYS} 项` }],
    };
  const fields = Array.isArray(definition?.fields) ? definition.fields : [];
  const byKey = new Map(fields.map((f) => [f.key, f]));
  const given = new Map(keys.map((k) => [k, input[k]]));
  const errors: FormError[] = [];
  const values = new Map<string, string | boolean>();

  for (const f of fields) {
    const raw = given.get(f.key);
    const asked = applies(f, values);
    if (asked !== true) {
      // Not asked: drop what came, but a value must still be of the right kind.
      if (raw !== undefined && typeof raw !== 'string' && typeof raw !== 'boolean')
        errors.push({ field: f.key, code: 'NOT_TEXT', message: `${f.label}应填写文字内容` });
      continue;
    }
    const r = validateField(f, raw);
    if (!r.ok) errors.push(r.error);
    else if (r.value !== undefined) values.set(f.key, r.value);
  }
  for (const k of keys) {
    if (byKey.has(k)) continue;
    if (k === '') errors.push({ field: '', code: 'EMPTY_KEY', message: '申请表的字段名不能为空' });
    else
      errors.push({
        field: shownKey(k),
        code: 'UNKNOWN_FIELD',
        message: `本事项的申请表中没有“${shownKey(k)}”这一项`,
      });
  }
  if (errors.length) return { ok: false, errors };
  return { ok: true, value: Object.fromEntries(values) };
}

/** One sentence for a refused form (the details list each field). */
export function formErrorSummary(errors: readonly FormError[]): string {
  return errors.length === 1
    ? `申请表填写有误：${errors[0].message}`
    : `申请表有 ${errors.length} 处填写有误，请按提示修改`;
}

// ---------------------------------------------------------------------------------------------
// Checking a definition (the catalogue import runs this on every form)

export interface DefinitionProblem {
  /** e.g. `fields[3].options` (1-based, like the catalogue's other errors). */
  path: string;
  message: string;
}

const cleanText = (s: unknown, max: number) =>
  typeof s === 'string' && s.trim() !== '' && s.length <= max && !cleanTextProblem(s);

/**
 * Everything wrong with a form definition, in Chinese: keys, labels, types and the properties each
 * type takes, choices, bounds, conditions and prefills. Empty = usable.
 */
export function checkDefinition(def: FormDefinition): DefinitionProblem[] {
  const out: DefinitionProblem[] = [];
  const add = (path: string, message: string) => out.push({ path, message });
  const fields = Array.isArray(def?.fields) ? def.fields : undefined;
  if (!fields || fields.length === 0) {
    add('fields', '申请表至少需要一个字段');
    return out;
  }
  if (fields.length > MAX_FIELDS) add('fields', `申请表最多 ${MAX_FIELDS} 个字段`);
  const seen = new Map<string, FormField>();
  fields.forEach((f, i) => {
    const at = (p: string) => `fields[${i + 1}]${p ? `.${p}` : ''}`;
    if (typeof f?.key !== 'string' || !KEY_PATTERN.test(f.key))
      add(at('key'), '字段名应以小写字母开头，只含英文字母和数字，最长 40 位（如 idNumber）');
    else if (seen.has(f.key)) add(at('key'), `字段名 ${f.key} 重复`);
    if (!cleanText(f?.label, 40)) add(at('label'), '字段标签必填，最长 40 个字，不能含控制字符');
    if (!(FIELD_TYPES as readonly string[]).includes(f?.type)) {
      add(at('type'), `字段类型应为：${FIELD_TYPES.join('、')}`);
      return;
    }
    if (f.required !== undefined && typeof f.required !== 'boolean')
      add(at('required'), '是否必填应为 true 或 false');
    if (f.help !== undefined && !cleanText(f.help, 200))
      add(at('help'), '填写提示最长 200 个字，不能含控制字符');
    if (f.section !== undefined && !cleanText(f.section, 20)) add(at('section'), '分组标题最长 20 个字');
    const len = LENGTHS[f.type];
    if (f.maxLength !== undefined) {
      if (!len) add(at('maxLength'), '该类型的长度由其校验规则决定，不能设置最大长度');
      else if (!Number.isInteger(f.maxLength) || f.maxLength < 1 || f.maxLength > len.max)
        add(at('maxLength'), `最大长度应为 1–${len.max} 之间的整数`);
    }
    if (f.type === 'choice') {
      const o = f.options;
      if (!Array.isArray(o) || o.length < 2 || o.length > 30) add(at('options'), '选择题需要 2–30 个选项');
      else {
        if (o.some((x) => !cleanText(x, 40) || x !== x.trim()))
          add(at('options'), '选项不能为空，最长 40 个字，首尾不能有空格');
        if (new Set(o).size !== o.length) add(at('options'), '选项重复');
      }
    } else if (f.options !== undefined) add(at('options'), '只有选择题（choice）可以设置选项');
    if (f.type === 'number') {
      for (const k of ['min', 'max'] as const)
        if (
          f[k] !== undefined &&
          (typeof f[k] !== 'number' || !Number.isFinite(f[k]) || Math.abs(f[k]) >= NUMBER_LIMIT)
        )
          add(at(k), '数值范围应为有限的数字');
      if (typeof f.min === 'number' && typeof f.max === 'number' && f.min > f.max)
        add(at('min'), '最小值不能大于最大值');
      if (f.integer !== undefined && typeof f.integer !== 'boolean')
        add(at('integer'), '是否整数应为 true 或 false');
    } else
      for (const k of ['min', 'max', 'integer'] as const)
        if (f[k] !== undefined) add(at(k), '只有数字（number）字段可以设置数值范围');
    if (f.when !== undefined) {
      const ctl = typeof f.when?.key === 'string' ? seen.get(f.when.key) : undefined;
      if (ctl?.type !== 'choice') add(at('when.key'), '显示条件只能引用排在前面的选择题字段');
      else if (ctl.when) add(at('when.key'), '显示条件引用的字段本身不能再有显示条件');
      else if (!(ctl.options ?? []).includes(f.when.equals))
        add(at('when.equals'), `显示条件的取值应为“${ctl.label}”的选项之一`);
    }
    if (f.prefill !== undefined) {
      const fits: Record<Prefill, FieldType[]> = {
        name: ['person-name'],
        idNumber: ['id-number'],
        phone: ['phone', 'mobile'],
        enterpriseName: ['text'],
        uscc: ['uscc'],
        legalRepName: ['person-name'],
      };
      if (!(PREFILLS as readonly string[]).includes(f.prefill))
        add(at('prefill'), `自动填写来源应为：${PREFILLS.join('、')}`);
      else if (!fits[f.prefill].includes(f.type)) add(at('prefill'), '自动填写来源与字段类型不符');
    }
    if (typeof f.key === 'string' && !seen.has(f.key)) seen.set(f.key, f);
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Examples

/** Plainly made-up values that pass every check (张三, 138 0000 0001, …). */
export const EXAMPLE_VALUES: Record<Exclude<FieldType, 'choice' | 'checkbox'>, string> = {
  text: '示例',
  textarea: '示例说明',
  'person-name': '张三',
  'id-number': '341602199001011234',
  phone: '13800000001',
  mobile: '13800000001',
  uscc: '91341602MA2N00000Q',
  address: '亳州市谯城区示例路 1 号',
  email: 'zhangsan@example.com',
  date: '2026-03-02',
  number: '1',
  'bank-account': '6230000000000000001',
};

/**
 * A filled form that passes `validateForm`: every field asked gets an example of its type, choices
 * their first option, checkboxes are ticked; `answers` override (for tests and demos).
 */
export function exampleForm(definition: FormDefinition, answers: FormValue = {}): FormValue {
  const out: FormValue = {};
  for (const f of definition.fields) {
    if (f.when && (answers[f.when.key] ?? out[f.when.key]) !== f.when.equals) continue;
    if (f.key in answers) out[f.key] = answers[f.key];
    else if (f.type === 'choice') out[f.key] = f.options?.[0] ?? '';
    else if (f.type === 'checkbox') out[f.key] = true;
    else if (f.type === 'number') out[f.key] = String(Math.max(f.min ?? 1, Math.min(f.max ?? 1, 1)));
    else out[f.key] = EXAMPLE_VALUES[f.type];
  }
  return out;
}
