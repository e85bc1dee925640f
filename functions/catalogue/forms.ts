/**
 * Forms in the catalogue, server side: the schemas of the two form libraries a catalogue carries,
 * their checker rules (Chinese, per field, like the provincial rules in model.ts), and the standard
 * application forms.
 *
 * - `applicationForms`: what the applicant fills in online (申请表). An item names one by id
 *   (`item.applicationForm`); the portal renders it and the server validates a filing against it
 *   with the one validator of functions/domain/forms.ts.
 * - `formTemplates`: printable paper (空白表格 and 填写示例) of a material. A material names one by id
 *   (`material.formTemplate`); the portal draws it at /forms/. `{事项名称}` in a template stands for
 *   the item's name, so one 委托书 serves every item.
 *
 * Libraries rather than a copy inside every item: the 1,219 seed items share 20-odd application
 * forms and 14 templates; copied, the templates alone would be 1.4 MB of the catalogue.
 */
import { z } from 'zod';
import {
  checkDefinition,
  FIELD_TYPES,
  type FormDefinition,
  type FormField,
  PREFILLS,
} from '#domain/forms.ts';

export const FORM_ID = /^[a-z][a-z0-9-]{1,40}$/;
/** The one placeholder a template may use. */
export const ITEM_NAME_PLACEHOLDER = '{事项名称}';

const text = (max: number) => z.string().trim().min(1).max(max);

// ---------------------------------------------------------------------------------------------
// Application forms

export const formFieldSchema = z.strictObject({
  key: z.string().max(40),
  label: z.string().max(40),
  type: z.enum(FIELD_TYPES),
  required: z.boolean().optional(),
  maxLength: z.number().int().optional(),
  help: z.string().max(200).optional(),
  section: z.string().max(20).optional(),
  options: z.array(z.string().max(40)).max(30).optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  integer: z.boolean().optional(),
  when: z.strictObject({ key: z.string().max(40), equals: z.string().max(40) }).optional(),
  prefill: z.enum(PREFILLS).optional(),
});

export const applicationFormSchema = z.object({
  id: z.string().regex(FORM_ID),
  /** For operators, e.g. 个人申请表（含发放账户）. */
  name: text(60),
  fields: z.array(formFieldSchema).min(1).max(40),
});
export type ApplicationForm = z.infer<typeof applicationFormSchema>;

// ---------------------------------------------------------------------------------------------
// Printable templates

export const templateFieldSchema = z.strictObject({
  label: text(40),
  /** What the 填写示例 shows in the box. */
  example: z.string().max(200).default(''),
  /** Printed on the blank form too (e.g. the item's name as 申请事项). */
  preset: z.string().max(200).optional(),
  /** 2 = the whole row; absent = half a row on paper and desktop. */
  span: z.literal(2).optional(),
  /** Lines of handwriting room; absent = 1. */
  lines: z.number().int().min(2).max(10).optional(),
});

export const templateSectionSchema = z.strictObject({
  title: text(40),
  fields: z.array(templateFieldSchema).max(30).optional(),
  table: z
    .strictObject({
      columns: z.array(text(20)).min(1).max(8),
      /** Blank rows on paper. */
      rows: z.number().int().min(1).max(20),
      examples: z
        .array(z.array(z.string().max(100)))
        .max(20)
        .default([]),
    })
    .optional(),
  /** Printed text the signer agrees to (a declaration, an authorisation). */
  text: z.string().max(1000).optional(),
  /** Filled in by the window: blank on the sample too. */
  office: z.boolean().optional(),
});

export const formTemplateSchema = z.object({
  id: z.string().regex(FORM_ID),
  name: text(60),
  sections: z.array(templateSectionSchema).min(1).max(12),
  signers: z
    .array(z.strictObject({ label: text(30), example: z.string().max(60) }))
    .min(1)
    .max(4),
  /** Printed after the standard 填写说明. */
  notes: z.array(text(200)).max(10).optional(),
});
export type FormTemplate = z.infer<typeof formTemplateSchema>;
export type TemplateSection = z.infer<typeof templateSectionSchema>;

// ---------------------------------------------------------------------------------------------
// Checker rules

export interface FormRuleError {
  field: string;
  message: string;
}

export function checkApplicationForm(form: ApplicationForm): FormRuleError[] {
  return checkDefinition(form).map((p) => ({ field: p.path, message: p.message }));
}

/** Text a template prints: no control characters, and `{…}` only as the item-name placeholder. */
function printable(s: string | undefined): string | undefined {
  if (s === undefined) return undefined;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for them is the point
  if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/.test(s)) return '不能含控制字符';
  for (const m of s.matchAll(/\{[^{}]*\}/g))
    if (m[0] !== ITEM_NAME_PLACEHOLDER) return `占位符 ${m[0]} 不可用（只能用 ${ITEM_NAME_PLACEHOLDER}）`;
  return undefined;
}

export function checkFormTemplate(t: FormTemplate): FormRuleError[] {
  const out: FormRuleError[] = [];
  const add = (field: string, message: string) => out.push({ field, message });
  const titles = new Set<string>();
  t.sections.forEach((s, i) => {
    const at = `sections[${i + 1}]`;
    if (titles.has(s.title)) add(`${at}.title`, `分组“${s.title}”重复`);
    titles.add(s.title);
    if (!s.fields?.length && !s.table && !s.text) add(at, '分组至少要有填写项、表格或文字之一');
    const labels = new Set<string>();
    s.fields?.forEach((f, j) => {
      if (labels.has(f.label)) add(`${at}.fields[${j + 1}].label`, `填写项“${f.label}”重复`);
      labels.add(f.label);
      for (const k of ['label', 'example', 'preset'] as const) {
        const p = printable(f[k]);
        if (p) add(`${at}.fields[${j + 1}].${k}`, p);
      }
      if (s.office && (f.example || f.preset))
        add(`${at}.fields[${j + 1}]`, '窗口填写的分组不能有示例或预填内容');
    });
    if (s.table) {
      const { columns, rows, examples } = s.table;
      if (new Set(columns).size !== columns.length) add(`${at}.table.columns`, '表格列名重复');
      if (examples.length > rows) add(`${at}.table.examples`, `示例行数不能多于表格行数（${rows}）`);
      examples.forEach((r, j) => {
        if (r.length > columns.length)
          add(`${at}.table.examples[${j + 1}]`, `示例有 ${r.length} 格，多于表格的 ${columns.length} 列`);
      });
    }
    const p = printable(s.text);
    if (p) add(`${at}.text`, p);
  });
  const signers = new Set<string>();
  t.signers.forEach((s, i) => {
    if (signers.has(s.label)) add(`signers[${i + 1}].label`, `签字人“${s.label}”重复`);
    signers.add(s.label);
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Standard application forms (the seed generator builds its forms with these too)

export type FormAudience = 'person' | 'enterprise' | 'either';

export interface FormSpec {
  audience: FormAudience;
  /** 结婚/离婚: both parties. */
  couple?: boolean;
  /** Means-tested help: the household, its size and income. */
  household?: boolean;
  /** Money is paid out: the account to pay into. */
  paysOut?: boolean;
}

const PERSON_WHEN = { key: 'applicantType', equals: '个人' };
const UNIT_WHEN = { key: 'applicantType', equals: '单位' };

/** Id of the form a spec gives, e.g. `person-household-payout`. */
export function formIdOf(spec: FormSpec): string {
  return [
    spec.audience,
    spec.couple ? 'couple' : '',
    spec.household ? 'household' : '',
    spec.paysOut ? 'payout' : '',
  ]
    .filter(Boolean)
    .join('-');
}

export function buildApplicationForm(spec: FormSpec): ApplicationForm {
  const { audience } = spec;
  const fields: FormField[] = [];
  const who = audience === 'enterprise' ? '申请单位' : '申请人';
  const person = (when?: typeof PERSON_WHEN): FormField[] => [
    {
      key: 'name',
      label: '申请人姓名',
      type: 'person-name',
      section: who,
      prefill: 'name',
      ...(when ? { when } : {}),
    },
    {
      key: 'idNumber',
      label: '公民身份号码',
      type: 'id-number',
      section: who,
      prefill: 'idNumber',
      help: '18 位居民身份证号码，最后一位可能是 X',
      ...(when ? { when } : {}),
    },
  ];
  const unit = (when?: typeof UNIT_WHEN): FormField[] =>
    (
      [
        { key: 'companyName', label: '单位名称', type: 'text', maxLength: 100, prefill: 'enterpriseName' },
        { key: 'uscc', label: '统一社会信用代码', type: 'uscc', prefill: 'uscc', help: '18 位，见营业执照' },
        { key: 'legalRep', label: '法定代表人（负责人）', type: 'person-name', prefill: 'legalRepName' },
        { key: 'contactName', label: '联系人', type: 'person-name', prefill: 'name' },
      ] as FormField[]
    ).map((f) => ({ ...f, section: who, ...(when ? { when } : {}) }));
  const contact: FormField[] = [
    {
      key: 'phone',
      label: '联系电话',
      type: 'phone',
      section: who,
      prefill: 'phone',
      help: '办理中需要联系时拨打这个号码',
    },
    {
      key: 'address',
      label: audience === 'enterprise' ? '单位地址' : '联系地址',
      type: 'address',
      section: who,
      help: '邮寄送达也用这个地址',
    },
  ];

  if (audience === 'person') fields.push(...person(), ...contact);
  else if (audience === 'enterprise') fields.push(...unit(), ...contact);
  else
    fields.push(
      {
        key: 'applicantType',
        label: '申请人类型',
        type: 'choice',
        options: ['个人', '单位'],
        section: who,
      },
      ...person(PERSON_WHEN),
      ...unit(UNIT_WHEN),
      ...contact,
    );

  if (spec.couple)
    fields.push(
      { key: 'spouseName', label: '另一方姓名', type: 'person-name', section: '婚姻另一方' },
      {
        key: 'spouseIdNumber',
        label: '另一方公民身份号码',
        type: 'id-number',
        section: '婚姻另一方',
        help: '双方须共同到场，另一方也需携带身份证件',
      },
    );
  if (spec.household)
    fields.push(
      {
        key: 'householdSize',
        label: '共同生活的家庭人口（人）',
        type: 'number',
        integer: true,
        min: 1,
        max: 20,
        section: '家庭情况',
      },
      {
        key: 'monthlyIncome',
        label: '家庭月总收入（元）',
        type: 'number',
        min: 0,
        max: 1_000_000,
        section: '家庭情况',
        help: '全部家庭成员近 12 个月的平均月收入之和',
      },
      {
        key: 'householdMembers',
        label: '共同生活的家庭成员',
        type: 'textarea',
        maxLength: 1000,
        section: '家庭情况',
        help: '每行一人：姓名、与申请人关系、公民身份号码、就业或收入情况',
      },
    );
  if (spec.paysOut)
    fields.push(
      { key: 'bankName', label: '开户银行', type: 'text', maxLength: 60, section: '发放账户' },
      {
        key: 'accountName',
        label: '户名',
        type: 'text',
        maxLength: 100,
        section: '发放账户',
        help: audience === 'enterprise' ? '应与单位名称一致' : '应为申请人本人',
      },
      { key: 'accountNumber', label: '银行账号', type: 'bank-account', section: '发放账户' },
    );
  fields.push(
    {
      key: 'note',
      label: '申请说明',
      type: 'textarea',
      required: false,
      maxLength: 1000,
      section: '申请内容',
      help: '需要向办理部门说明的情况',
    },
    {
      key: 'declaration',
      label: '本人承诺所填内容和所交材料真实、有效',
      type: 'checkbox',
      section: '申请内容',
      help: '如有虚假，愿意承担相应的法律责任',
    },
  );

  const base = { person: '个人申请表', enterprise: '单位申请表', either: '申请表（个人或单位）' }[audience];
  const extras = [
    spec.couple ? '婚姻双方' : '',
    spec.household ? '家庭情况' : '',
    spec.paysOut ? '发放账户' : '',
  ].filter(Boolean);
  return {
    id: formIdOf(spec),
    name: extras.length ? `${base}（含${extras.join('、')}）` : base,
    fields,
  };
}

/** The standard form of an item's audience: what an item without `applicationForm` asks. */
export function standardFormSpec(audience: readonly string[]): FormSpec {
  const p = audience.includes('person');
  const e = audience.includes('enterprise');
  return { audience: p && e ? 'either' : e ? 'enterprise' : 'person' };
}

/**
 * The form an item asks: the library form it names, or the standard form of its audience when it
 * names none (items imported before forms were data, CSV rows without a 申请表 column).
 */
export function applicationFormOf(
  item: { applicationForm?: string; audience: readonly string[] },
  library: ReadonlyMap<string, ApplicationForm> | readonly ApplicationForm[] | undefined,
): ApplicationForm {
  if (item.applicationForm) {
    const found = Array.isArray(library)
      ? library.find((f) => f.id === item.applicationForm)
      : (library as ReadonlyMap<string, ApplicationForm> | undefined)?.get(item.applicationForm);
    if (found) return found;
  }
  return buildApplicationForm(standardFormSpec(item.audience));
}

export type { FormDefinition };
