/**
 * Forms in the portal, read from the catalogue's data (GET /api/items/{code}):
 *
 * - the printable blank form (空白表格) and filled sample (填写示例) of a material: the template the
 *   material names (`formTemplate`), with the item's name put in for `{事项名称}`;
 * - how the apply page shows the fields of an item's application form (申请表): input types,
 *   `autocomplete`/`inputmode`, what it fills in from the account, which fields are asked.
 *
 * The checks of a filled form are functions/domain/forms.ts, the same the server runs at filing.
 * Pure (no React, no fetch): pages and tests share one reading.
 */

import type { FormDefinition, FormField, FormValue } from '../../functions/domain/forms.ts';
import type { GuideAnswer, GuideItem, GuideMaterial } from './catalogue.ts';

// ---------------------------------------------------------------------------------------------
// What the item API gives besides web/lib/catalogue.ts's GuideAnswer

export interface TemplateField {
  label: string;
  example: string;
  preset?: string;
  span?: 2;
  lines?: number;
}

export interface TemplateSection {
  title: string;
  fields?: TemplateField[];
  table?: { columns: string[]; rows: number; examples: string[][] };
  text?: string;
  office?: boolean;
}

/** A printable form of the catalogue's library (functions/catalogue/forms.ts). */
export interface FormTemplate {
  id: string;
  name: string;
  sections: TemplateSection[];
  signers: { label: string; example: string }[];
  notes?: string[];
}

export type FormsMaterial = GuideMaterial & { formTemplate?: string };

export interface GuideWithForms extends GuideAnswer {
  item: GuideItem & { materials: FormsMaterial[]; applicationForm?: string };
  /** The item's application form, resolved (the standard form of its audience if it names none). */
  applicationForm?: FormDefinition & { id?: string; name?: string };
  /** The templates the item's materials name, by id. */
  formTemplates?: Record<string, FormTemplate>;
}

// ---------------------------------------------------------------------------------------------
// Printable sheets

/** One box to fill in. `example` is what the 填写示例 shows; `preset` is printed on blank forms too. */
export interface SheetField {
  label: string;
  example: string;
  preset?: string;
  /** 2 = the whole row; 1 = half a row on paper and desktop (always whole on a phone). */
  span: 1 | 2;
  /** Lines of handwriting room on the blank form. */
  lines: number;
}

export interface SheetSection {
  title: string;
  fields?: SheetField[];
  table?: { columns: string[]; rows: number; examples: string[][] };
  /** Printed text (a declaration, an authorisation) the signer agrees to. */
  text?: string;
  /** Filled in by the window staff: left blank on the sample too. */
  office?: boolean;
}

export interface FormSheet {
  /** The material's name, e.g. 居民身份证申领登记表. */
  title: string;
  itemName: string;
  itemCode: string;
  department: string;
  hallName?: string;
  sample: boolean;
  sections: SheetSection[];
  /** Who signs, each with a date line, e.g. 申请人（签字）. */
  signers: { label: string; example: string }[];
  notes: string[];
  /** The other variant of this form (blank ↔ sample). */
  otherHref?: string;
}

export type FormResult =
  | { ok: true; sheet: FormSheet; material: FormsMaterial }
  | { ok: false; problem: 'bad-index' | 'no-material' | 'no-form'; message: string };

/** The date a sample's signature lines show. */
export const SAMPLE_DATE = '2026 年 3 月 2 日';
/** Where a template prints the item's name. */
export const ITEM_NAME_PLACEHOLDER = '{事项名称}';

/** `m` from the URL: a plain small non-negative integer or nothing. */
export function parseMaterialIndex(raw: string | null | undefined): number | undefined {
  return raw != null && /^\d{1,3}$/.test(raw) ? Number(raw) : undefined;
}

/** The portal's printable page of material `index` of an item. */
export function formHref(code: string, index: number, sample = false): string {
  return `/forms/?code=${encodeURIComponent(code)}&m=${index}${sample ? '&sample=1' : ''}`;
}

/** Where a material's 空白表格 and 填写示例 are: the portal's page for a template, else links of the catalogue. */
export function materialFormLinks(
  code: string,
  material: FormsMaterial,
  index: number,
): { blank?: string; sample?: string } {
  if (material.formTemplate) return { blank: formHref(code, index), sample: formHref(code, index, true) };
  return { blank: material.blankForm, sample: material.sample };
}

/**
 * The form of material `index` of the guide's item, blank or as a sample, from the template the
 * material names. A material without one has no form to print here.
 */
export function formFor(guide: GuideWithForms, index: number | undefined, sample: boolean): FormResult {
  const { item } = guide;
  if (index === undefined) return { ok: false, problem: 'bad-index', message: '链接中的材料序号不正确。' };
  const material = item.materials[index];
  if (!material)
    return {
      ok: false,
      problem: 'no-material',
      message: `“${item.name}”没有第 ${index + 1} 项申请材料，材料清单可能已调整。`,
    };
  const template = material.formTemplate ? guide.formTemplates?.[material.formTemplate] : undefined;
  if (!template)
    return {
      ok: false,
      problem: 'no-form',
      message: `“${material.name}”没有统一的空白表格，请按办事指南中的说明准备。`,
    };
  const fill = (s: string) => s.replaceAll(ITEM_NAME_PLACEHOLDER, item.name);
  const fillOpt = (s: string | undefined) => (s === undefined ? undefined : fill(s));
  const sections: SheetSection[] = template.sections.map((s) => ({
    title: fill(s.title),
    ...(s.fields
      ? {
          fields: s.fields.map((f) => ({
            label: fill(f.label),
            example: fill(f.example ?? ''),
            ...(f.preset !== undefined ? { preset: fill(f.preset) } : {}),
            span: f.span === 2 ? 2 : 1,
            lines: f.lines ?? 1,
          })),
        }
      : {}),
    ...(s.table
      ? {
          table: {
            columns: s.table.columns.map(fill),
            rows: s.table.rows,
            examples: (s.table.examples ?? []).map((r) => r.map(fill)),
          },
        }
      : {}),
    ...(s.text !== undefined ? { text: fillOpt(s.text) } : {}),
    ...(s.office ? { office: true } : {}),
  }));
  const department = guide.department?.name ?? item.deptCode;
  return {
    ok: true,
    material,
    sheet: {
      title: material.name,
      itemName: item.name,
      itemCode: item.code,
      department,
      hallName: guide.hall?.name,
      sample,
      sections,
      signers: template.signers.map((s) => ({ label: fill(s.label), example: fill(s.example) })),
      notes: [
        '请用黑色或蓝黑色签字笔、钢笔填写，字迹清楚、工整，不得涂改。',
        '公民身份号码填写 18 位；没有的项目填“无”。',
        '本表可在网上办事大厅免费打印，也可到办理窗口或村（社区）代办点免费领取。',
        ...(template.notes ?? []).map(fill),
        `填写有疑问请咨询：${item.consultPhone}（${guide.department?.name ?? '办理部门'}），或拨打 12345。`,
      ],
      otherHref: formHref(item.code, index, !sample),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The apply page

/** What the signed-in account tells about the applicant, for fields marked `prefill`. */
export interface AccountFacts {
  name?: string;
  idNumber?: string;
  phone?: string;
  enterpriseName?: string;
  uscc?: string;
  /** Set when the person is the legal representative of the enterprise they act for. */
  legalRepName?: string;
}

/** Attributes of the input of a field: the right keyboard on a phone, the browser's autofill. */
export function inputAttrs(f: FormField): {
  type: 'text' | 'tel' | 'email' | 'date';
  inputMode?: 'text' | 'tel' | 'email' | 'numeric' | 'decimal';
  autoComplete: string;
  autoCapitalize?: 'characters' | 'off';
  spellCheck?: boolean;
  maxLength?: number;
} {
  switch (f.type) {
    case 'person-name':
      return { type: 'text', autoComplete: f.prefill === 'name' ? 'name' : 'off', maxLength: 30 };
    case 'id-number':
      // Not inputmode="numeric": 1 ID in 11 ends in X, which a number pad cannot type.
      return {
        type: 'text',
        inputMode: 'text',
        autoComplete: 'off',
        autoCapitalize: 'characters',
        spellCheck: false,
        maxLength: 22,
      };
    case 'uscc':
      return {
        type: 'text',
        inputMode: 'text',
        autoComplete: 'off',
        autoCapitalize: 'characters',
        spellCheck: false,
        maxLength: 22,
      };
    case 'phone':
    case 'mobile':
      return {
        type: 'tel',
        inputMode: 'tel',
        autoComplete: f.prefill === 'phone' ? 'tel' : 'off',
        maxLength: 20,
      };
    case 'email':
      return {
        type: 'email',
        inputMode: 'email',
        autoComplete: 'email',
        spellCheck: false,
        maxLength: f.maxLength ?? 100,
      };
    case 'address':
      return { type: 'text', autoComplete: 'street-address', maxLength: f.maxLength ?? 200 };
    case 'number':
      return {
        type: 'text',
        inputMode: f.integer ? 'numeric' : 'decimal',
        autoComplete: 'off',
        maxLength: 24,
      };
    case 'bank-account':
      return { type: 'text', inputMode: 'numeric', autoComplete: 'off', spellCheck: false, maxLength: 40 };
    case 'date':
      return { type: 'date', autoComplete: 'off' };
    case 'text':
      return {
        type: 'text',
        autoComplete: f.prefill === 'enterpriseName' ? 'organization' : 'off',
        maxLength: f.maxLength ?? 100,
      };
    default:
      return { type: 'text', autoComplete: 'off', maxLength: f.maxLength };
  }
}

/** The first values of a form: prefills from the account, the kind of applicant, the rest empty. */
export function initialValues(
  def: FormDefinition,
  facts: AccountFacts,
  actingForEnterprise: boolean,
): FormValue {
  const out: FormValue = {};
  for (const f of def.fields) {
    if (f.type === 'checkbox') out[f.key] = false;
    else if (f.prefill && facts[f.prefill]) out[f.key] = facts[f.prefill] as string;
    else if (f.type === 'choice' && f.options?.includes('个人') && f.options.includes('单位'))
      // The kind of applicant: whoever is signed in (acting for an enterprise or not).
      out[f.key] = actingForEnterprise ? '单位' : '个人';
    else out[f.key] = '';
  }
  return out;
}

/** Whether a field is asked with these values (its `when`, if any, holds). */
export function isAsked(f: FormField, values: FormValue): boolean {
  return !f.when || values[f.when.key] === f.when.equals;
}

/** Only what is asked (hidden fields' values stay in the page, not in the filing). */
export function askedValues(def: FormDefinition, values: FormValue): FormValue {
  const out: FormValue = {};
  for (const f of def.fields)
    if (isAsked(f, values) && values[f.key] !== undefined) out[f.key] = values[f.key];
  return out;
}

/** Consecutive fields of one section, for one fieldset each. */
export function sections(fields: readonly FormField[]): { title?: string; fields: FormField[] }[] {
  const out: { title?: string; fields: FormField[] }[] = [];
  for (const f of fields) {
    const last = out[out.length - 1];
    if (last && last.title === f.section) last.fields.push(f);
    else out.push({ title: f.section, fields: [f] });
  }
  return out;
}

/**
 * A filed form as rows of label and value, in the order of its definition; keys the definition
 * does not know (older filings) come last under their own names. For the staff console's
 * 申请人与申请表, which otherwise has only the keys.
 */
export function formRows(
  def: FormDefinition | undefined,
  form: Record<string, unknown> | undefined,
): { key: string; label: string; value: string }[] {
  const rest = new Map(Object.entries(form ?? {}));
  const rows: { key: string; label: string; value: string }[] = [];
  const show = (v: unknown) => (v === true ? '是' : v === false ? '否' : String(v ?? ''));
  for (const f of def?.fields ?? []) {
    if (!rest.has(f.key)) continue;
    const v = rest.get(f.key);
    rest.delete(f.key);
    rows.push({
      key: f.key,
      label: f.label,
      value: f.type === 'checkbox' ? (v === true ? '已勾选' : '未勾选') : show(v),
    });
  }
  for (const [k, v] of rest) rows.push({ key: k, label: k, value: show(v) });
  return rows;
}
