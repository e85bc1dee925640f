/**
 * The service catalogue (实施清单): departments, items with their guide (办事指南) and the process
 * templates the case lifecycle runs. Pure: schemas, types and the provincial checker rules, no AWS.
 * Background: functions/domain/DOMAIN.md §1–§2.
 */
import { z } from 'zod';

import {
  FEE_TIMINGS,
  type FeeTerms,
  MAX_FEE_FEN,
  optionsFromStandard,
  timingFromStandard,
} from '#domain/fees.ts';
import { FILE_FORMATS, MATERIAL_LIMITS, MB } from '#domain/materials.ts';
import {
  AUDIENCES,
  ENTERPRISE_THEMES,
  ITEM_TYPES,
  LEVEL_NAMES,
  LEVELS,
  type Level,
  PERSON_THEMES,
} from '#domain/vocabulary.ts';
import {
  type ApplicationForm,
  applicationFormSchema,
  checkApplicationForm,
  checkFormTemplate,
  FORM_ID,
  type FormTemplate,
  formTemplateSchema,
} from './forms.ts';

export const CASE_KINDS = ['即办件', '承诺件'] as const;
export const MATERIAL_FORMS = ['原件', '复印件', '电子'] as const;
export const DELIVERY = ['自取', '邮寄', '电子'] as const;
export const POSTS = ['受理', '审查', '决定', '窗口'] as const;
export type Post = (typeof POSTS)[number];
export const TEMPLATE_KINDS = ['instant', 'standard', 'joint', 'multilevel'] as const;
export const SPECIAL_PROCEDURES = [
  '听证',
  '招标',
  '拍卖',
  '检验',
  '检测',
  '检疫',
  '鉴定',
  '专家评审',
] as const;

const text = (max = 2000) => z.string().trim().min(1).max(max);

export const hallSchema = z.object({
  id: z.string().regex(/^[a-z][a-z0-9-]{1,30}$/),
  code: z.string().regex(/^\d{6}$/),
  name: text(40),
  fullName: text(80),
  level: z.enum(['city', 'county']),
});
export type CatalogueHall = z.infer<typeof hallSchema>;

export const departmentSchema = z.object({
  /** Department code used in item rows and staff accounts, e.g. `341600-gaj`. */
  code: z.string().regex(/^[0-9a-z-]{3,40}$/),
  name: text(60),
  shortName: text(30).optional(),
  hallId: z.string(),
  level: z.enum(LEVELS),
  /** 统一社会信用代码 (GB 32100) of the agency, when known. */
  uscc: z.string().optional(),
  /** 组织机构代码 (GB 11714), 9 characters, an optional hyphen before the check character. */
  orgCode: z.string().optional(),
  phone: z.string().max(40).optional(),
  address: z.string().max(120).optional(),
});
export type Department = z.infer<typeof departmentSchema>;

export const stepSchema = z.object({
  id: z.string().regex(/^[a-z][a-zA-Z0-9]{0,30}$/),
  name: text(30),
  post: z.enum(POSTS),
  /** The level that works this step; absent = the item's own level. */
  level: z.enum(LEVELS).optional(),
  /** Step limit in working days (0 = on the spot). Scaled to the item's promised days, see effectiveSteps. */
  limitDays: z.number().int().min(0).max(120),
  /** 联办: the step runs in parallel in every joint department of the item ('jointDepts') or in the listed ones. */
  parallelDepts: z.union([z.literal('jointDepts'), z.array(z.string()).min(1)]).optional(),
});
export type ProcessStep = z.infer<typeof stepSchema>;

export const templateSchema = z.object({
  id: z.string().regex(/^[a-z][a-z0-9-]{1,40}$/),
  name: text(40),
  kind: z.enum(TEMPLATE_KINDS),
  steps: z.array(stepSchema).min(1).max(12),
});
export type ProcessTemplate = z.infer<typeof templateSchema>;

export const materialSchema = z.object({
  name: text(120),
  required: z.boolean(),
  form: z.enum(MATERIAL_FORMS),
  copies: z.number().int().min(0).max(20),
  /** A printable blank form and sample drawn by the portal (/forms/) from `formTemplates` of the catalogue. */
  formTemplate: z.string().regex(FORM_ID).optional(),
  /** Links to a blank form and a sample published elsewhere (a file), when there is no template. */
  blankForm: z.string().max(300).optional(),
  sample: z.string().max(300).optional(),
  /** Where it comes from, e.g. 申请人自备, 政府部门核发 (then the e-licence library can supply it). */
  source: text(60),
  note: z.string().max(300).optional(),
  /**
   * The upload slot (#domain/materials.ts): accepted formats, per-file size and number of files.
   * Absent = the defaults of the material's kind (`materialDefaults`: photo, electronic or paper).
   */
  formats: z.array(z.enum(FILE_FORMATS)).min(1).max(FILE_FORMATS.length).optional(),
  maxSizeMb: z
    .number()
    .int()
    .min(1)
    .max(MATERIAL_LIMITS.maxFileBytes / MB)
    .optional(),
  maxFiles: z.number().int().min(1).max(20).optional(),
  /** 容缺受理: the case may be accepted while this material is still owed (it is recorded on the case). */
  deferrable: z.boolean().optional(),
  /** An e-licence of this type (电子证照库) may stand in for an upload. */
  licenceType: z.string().trim().min(1).max(40).optional(),
});
export type Material = z.infer<typeof materialSchema>;

export const feesSchema = z.object({
  charged: z.boolean(),
  standard: z.string().max(300).default(''),
  basis: z.string().max(300).default(''),
  onlinePayment: z.boolean().default(false),
  /**
   * 网上缴费 terms (#domain/fees.ts); each is derived from `standard` when absent (`feeTermsOf`):
   * when it is due, the amounts (fen) the standard allows, the collecting department (default the
   * item's), the 减免 conditions, and the outcomes after which a paid fee is refunded.
   */
  timing: z.enum(FEE_TIMINGS).optional(),
  options: z
    .array(
      z.object({
        id: z.string().regex(/^[a-z]$/),
        label: text(60),
        fen: z.number().int().min(1).max(MAX_FEE_FEN),
      }),
    )
    .max(10)
    .optional(),
  payeeDept: z.string().optional(),
  reductions: z.array(text(200)).max(10).optional(),
  refundOn: z.array(z.enum(['approved', 'denied', 'refused', 'withdrawn', 'unpaid'])).optional(),
});
export type Fees = z.infer<typeof feesSchema>;

/**
 * The fee terms a case of this item carries, or undefined when it charges nothing online (free, or
 * paid at the window only). What the catalogue leaves out is derived from the published standard:
 * 工本费 before acceptance, other fees after 准予; a 工本费 is refunded if the application is
 * refused, denied or withdrawn (nothing was made), a fee after 准予 is not refunded.
 */
export function feeTermsOf(
  item: Pick<Item, 'fees' | 'deptCode'>,
  deptName: (code: string) => string,
): FeeTerms | undefined {
  const f = item.fees;
  if (!f.charged || !f.onlinePayment) return undefined;
  const timing = f.timing ?? timingFromStandard(f.standard);
  const payee = f.payeeDept ?? item.deptCode;
  return {
    timing,
    options: f.options ?? optionsFromStandard(f.standard),
    standard: f.standard,
    basis: f.basis,
    payee: { deptCode: payee, name: deptName(payee) },
    reductions: f.reductions ?? [],
    refundOn: f.refundOn ?? (timing === 'before-acceptance' ? ['refused', 'denied', 'withdrawn'] : []),
  };
}

export const itemSchema = z.object({
  /** 实施编码 */
  code: z.string().regex(/^[0-9A-Z-]{8,48}$/),
  name: text(80),
  type: z.enum(ITEM_TYPES),
  hallId: z.string(),
  deptCode: z.string(),
  /** The level where the applicant files (村级代办, 乡镇受理, …); later steps may climb levels. */
  level: z.enum(LEVELS),
  audience: z.array(z.enum(AUDIENCES)).min(1),
  themes: z.array(z.string()).min(1),
  legalDays: z.number().int().min(0).max(365),
  promisedDays: z.number().int().min(0).max(365),
  caseKind: z.enum(CASE_KINDS),
  jointDepts: z.array(z.string()).default([]),
  conditions: text(3000),
  legalBasis: text(3000),
  materials: z.array(materialSchema).max(60),
  fees: feesSchema,
  visits: z.number().int().min(0).max(5),
  onlineDepth: z.number().int().min(1).max(4),
  /** 接受邮寄申请 */
  postalApplication: z.boolean().default(false),
  delivery: z.array(z.enum(DELIVERY)).min(1),
  place: text(200),
  hours: text(200),
  consultPhone: text(40),
  complaintPhone: text(40),
  specialProcedures: z.array(z.enum(SPECIAL_PROCEDURES)).default([]),
  processTemplate: z.string(),
  /**
   * The application form (申请表) the applicant fills in online: an id in `applicationForms` of the
   * catalogue. Absent = the standard form of the item's audience (functions/catalogue/forms.ts).
   */
  applicationForm: z.string().regex(FORM_ID).optional(),
  /** Optional per-step limits (step id → working days) overriding the scaled template limits. */
  stepLimits: z.record(z.string(), z.number().int().min(0).max(120)).optional(),
  /** Optional step id → department working that step (e.g. the town government accepts, the county decides). */
  stepDepts: z.record(z.string(), z.string()).optional(),
  /** Extra words people use for this item (besides the shared synonym table). */
  keywords: z.array(z.string().max(40)).default([]),
});
export type Item = z.infer<typeof itemSchema>;
export type ItemInput = z.input<typeof itemSchema>;

/** Colloquial word or old name → official words it means. */
export const synonymsSchema = z.record(
  z.string().trim().min(1).max(40),
  z.array(z.string().trim().min(1).max(80)).min(1),
);
export type Synonyms = z.infer<typeof synonymsSchema>;

export const catalogueSchema = z.object({
  halls: z.array(hallSchema).min(1),
  departments: z.array(departmentSchema),
  templates: z.array(templateSchema),
  items: z.array(itemSchema),
  synonyms: synonymsSchema.default({}),
  /** 申请表 definitions items name (functions/catalogue/forms.ts). */
  applicationForms: z.array(applicationFormSchema).default([]),
  /** Printable templates (空白表格/填写示例) materials name. */
  formTemplates: z.array(formTemplateSchema).default([]),
});
export type Catalogue = z.infer<typeof catalogueSchema>;

// ---------------------------------------------------------------------------------------------
// Checksums of agency codes

const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];
const ORG_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** GB 11714 check character of the 8-character body of an organisation code. */
export function orgCodeCheck(body: string): string | undefined {
  if (!/^[0-9A-Z]{8}$/.test(body)) return undefined;
  let s = 0;
  for (let i = 0; i < 8; i++) s += ORG_ALPHABET.indexOf(body[i]) * ORG_WEIGHTS[i];
  const c = 11 - (s % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}

export function isValidOrgCode(code: string): boolean {
  const m = /^([0-9A-Z]{8})-?([0-9X])$/.exec(code);
  return !!m && orgCodeCheck(m[1]) === m[2];
}

const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** GB 32100 check character of the 17-character body of a unified social credit code. */
export function usccCheck(body: string): string | undefined {
  if (body.length !== 17) return undefined;
  let s = 0;
  for (let i = 0; i < 17; i++) {
    const v = USCC_ALPHABET.indexOf(body[i]);
    if (v < 0) return undefined;
    s += v * USCC_WEIGHTS[i];
  }
  const c = 31 - (s % 31);
  return USCC_ALPHABET[c === 31 ? 0 : c];
}

/** A USCC is valid when its own check holds and its embedded organisation code (chars 9–17) is valid too. */
export function isValidUscc(code: string): boolean {
  if (!/^[0-9A-HJ-NPQRTUWXY]{18}$/.test(code)) return false;
  if (usccCheck(code.slice(0, 17)) !== code[17]) return false;
  return isValidOrgCode(code.slice(8, 17));
}

// ---------------------------------------------------------------------------------------------
// Process steps of one item

/**
 * The steps an item runs: the template's steps with limits fitted to the item's promised days
 * (explicit stepLimits win). Parallel (联办) steps resolve to department codes.
 * Template limits are proportions as much as days: a 20-day template on a 10-day item halves each step.
 */
export function effectiveSteps(
  item: Pick<Item, 'promisedDays' | 'stepLimits' | 'stepDepts' | 'jointDepts' | 'deptCode' | 'level'>,
  template: ProcessTemplate,
): (Omit<ProcessStep, 'parallelDepts' | 'level'> & { level: Level; depts: string[] })[] {
  const total = template.steps.reduce((s, st) => s + st.limitDays, 0);
  const scale = total > item.promisedDays && total > 0 ? item.promisedDays / total : 1;
  return template.steps.map((st) => {
    const explicit = item.stepLimits?.[st.id];
    // Scaled down, but a step that takes time in the template never becomes "on the spot".
    const limitDays = explicit ?? Math.max(st.limitDays > 0 ? 1 : 0, Math.floor(st.limitDays * scale));
    const depts =
      st.parallelDepts === 'jointDepts'
        ? [item.deptCode, ...item.jointDepts]
        : st.parallelDepts
          ? st.parallelDepts
          : [item.stepDepts?.[st.id] ?? item.deptCode];
    return { id: st.id, name: st.name, post: st.post, level: st.level ?? item.level, limitDays, depts };
  });
}

// ---------------------------------------------------------------------------------------------
// Provincial checker rules

export interface CatalogueError {
  /** 1-based row of the item/department in the source (CSV line or array position), when known. */
  row?: number;
  /** Item code, department code or template id the error is about. */
  ref?: string;
  field: string;
  message: string;
}

const LEVEL_RANK: Record<Level, number> = { village: 0, town: 1, county: 2, city: 3 };
const PERSON = new Set<string>(PERSON_THEMES);
const ENTERPRISE = new Set<string>(ENTERPRISE_THEMES);

/** Rules of one item that need nothing else (the checkers run these per row). */
export function checkItemRules(item: Item): { field: string; message: string }[] {
  const errs: { field: string; message: string }[] = [];
  const add = (field: string, message: string) => errs.push({ field, message });
  if (item.onlineDepth === 4 && item.visits !== 0)
    add('visits', '网上办理深度为四级（全程网办）的事项，到现场次数必须为 0');
  if (item.onlineDepth === 4 && !item.delivery.some((d) => d !== '自取'))
    add('delivery', '全程网办事项必须提供邮寄或电子送达方式');
  if (item.visits === 0 && item.onlineDepth < 4 && !item.postalApplication)
    add('postalApplication', '到现场次数为 0 且非全程网办的事项，必须接受邮寄申请');
  if (item.visits === 0 && !item.delivery.some((d) => d !== '自取'))
    add('delivery', '到现场次数为 0 的事项不能只支持窗口自取');
  if (item.fees.charged) {
    if (!item.fees.standard.trim()) add('fees.standard', '收费事项必须填写收费标准');
    if (!item.fees.basis.trim()) add('fees.basis', '收费事项必须填写收费依据');
    if (!item.fees.onlinePayment) add('fees.onlinePayment', '收费事项必须支持网上缴费');
    const terms = feeTermsOf(item, () => '');
    if (terms?.timing === 'before-acceptance' && terms.options.length !== 1)
      add('fees.options', '受理前缴纳的费用须有唯一确定的金额（如“每证20元”）');
  } else if (item.fees.standard.trim() && !/不收费|免费|无/.test(item.fees.standard)) {
    add('fees.standard', '不收费事项不应填写收费标准');
  }
  if (item.promisedDays > item.legalDays) add('promisedDays', '承诺办结时限不得超过法定办结时限');
  if (item.caseKind === '即办件' && item.promisedDays !== 0)
    add('promisedDays', '即办件的承诺办结时限应为 0（当场办结）');
  if (item.caseKind === '承诺件' && item.promisedDays < 1)
    add('promisedDays', '承诺件的承诺办结时限至少为 1 个工作日');
  if (item.jointDepts.includes(item.deptCode)) add('jointDepts', '联办部门不能包含实施机关本身');
  if (new Set(item.jointDepts).size !== item.jointDepts.length) add('jointDepts', '联办部门重复');
  for (const t of item.themes) {
    const ok =
      (item.audience.includes('person') && PERSON.has(t)) ||
      (item.audience.includes('enterprise') && ENTERPRISE.has(t));
    if (!ok) add('themes', `主题“${t}”不在服务对象对应的主题目录中`);
  }
  if (new Set(item.audience).size !== item.audience.length) add('audience', '服务对象重复');
  const names = new Set<string>();
  item.materials.forEach((m, i) => {
    if (names.has(m.name)) add(`materials[${i + 1}].name`, `申请材料“${m.name}”重复`);
    names.add(m.name);
    if (m.form !== '电子' && m.copies < 1)
      add(`materials[${i + 1}].copies`, `纸质材料“${m.name}”份数至少为 1`);
    if (m.formTemplate && (m.blankForm || m.sample))
      add(`materials[${i + 1}].formTemplate`, `材料“${m.name}”已有表格模板，不应再填写空白表格或示例链接`);
  });
  if (
    item.onlineDepth === 4 &&
    item.materials.some((m) => m.required && m.form === '原件' && m.source !== '政府部门核发')
  )
    add('materials', '全程网办事项不应要求提交纸质原件（政府部门核发的证照除外，可由电子证照库调取）');
  return errs;
}

/**
 * Every error of a catalogue, with row (1-based position in its list unless `rows` maps codes to
 * source rows), the item/department code and the field, in Chinese. Empty = valid.
 */
export function validateCatalogue(
  cat: Catalogue,
  rows?: { items?: Map<string, number>; departments?: Map<string, number> },
): CatalogueError[] {
  const errors: CatalogueError[] = [];
  const halls = new Map(cat.halls.map((h) => [h.id, h]));
  const hallIds = new Set<string>();
  for (const h of cat.halls) {
    if (hallIds.has(h.id)) errors.push({ ref: h.id, field: 'id', message: `厅编号 ${h.id} 重复` });
    hallIds.add(h.id);
  }

  const depts = new Map<string, Department>();
  cat.departments.forEach((d, i) => {
    const row = rows?.departments?.get(d.code) ?? i + 1;
    const add = (field: string, message: string) => errors.push({ row, ref: d.code, field, message });
    if (depts.has(d.code)) add('code', `部门编码 ${d.code} 重复`);
    depts.set(d.code, d);
    const hall = halls.get(d.hallId);
    if (!hall) add('hallId', `部门所属的厅 ${d.hallId} 不存在`);
    else if (LEVEL_RANK[d.level] > LEVEL_RANK[hall.level]) add('level', `部门层级高于所属厅（${hall.name}）`);
    if (d.orgCode !== undefined && !isValidOrgCode(d.orgCode))
      add('orgCode', `组织机构代码 ${d.orgCode} 校验位不正确（GB 11714）`);
    if (d.uscc !== undefined && !isValidUscc(d.uscc))
      add('uscc', `统一社会信用代码 ${d.uscc} 校验位不正确（GB 32100）`);
    if (d.uscc && d.orgCode && d.uscc.slice(8, 17) !== d.orgCode.replace('-', ''))
      add('orgCode', '组织机构代码与统一社会信用代码第 9–17 位不一致');
  });

  const templates = new Map<string, ProcessTemplate>();
  cat.templates.forEach((t, i) => {
    const add = (field: string, message: string) => errors.push({ row: i + 1, ref: t.id, field, message });
    if (templates.has(t.id)) add('id', `流程模板 ${t.id} 重复`);
    templates.set(t.id, t);
    const ids = new Set<string>();
    t.steps.forEach((s, j) => {
      if (ids.has(s.id)) add(`steps[${j + 1}].id`, `环节编号 ${s.id} 重复`);
      ids.add(s.id);
      if (Array.isArray(s.parallelDepts))
        for (const dc of s.parallelDepts)
          if (!depts.has(dc)) add(`steps[${j + 1}].parallelDepts`, `联办部门 ${dc} 不存在`);
    });
    if (t.kind === 'instant' && t.steps.some((s) => s.limitDays !== 0))
      add('steps', '即办流程的环节时限应为 0');
    if (t.kind === 'joint' && !t.steps.some((s) => s.parallelDepts))
      add('steps', '联办流程至少需要一个并联审查环节');
    if (t.steps[0].post !== '受理') add('steps[1].post', '流程的第一个环节必须是受理');
    for (let j = 1; j < t.steps.length; j++) {
      const a = t.steps[j - 1].level;
      const b = t.steps[j].level;
      if (a && b && LEVEL_RANK[b] < LEVEL_RANK[a]) add(`steps[${j + 1}].level`, '流程只能逐级向上流转');
    }
  });

  const appForms = new Map<string, ApplicationForm>();
  cat.applicationForms.forEach((f, i) => {
    const add = (field: string, message: string) =>
      errors.push({ row: i + 1, ref: `申请表 ${f.id}`, field, message });
    if (appForms.has(f.id)) add('id', `申请表 ${f.id} 重复`);
    appForms.set(f.id, f);
    for (const e of checkApplicationForm(f)) add(e.field, e.message);
  });
  const formTemplates = new Map<string, FormTemplate>();
  cat.formTemplates.forEach((t, i) => {
    const add = (field: string, message: string) =>
      errors.push({ row: i + 1, ref: `表格模板 ${t.id}`, field, message });
    if (formTemplates.has(t.id)) add('id', `表格模板 ${t.id} 重复`);
    formTemplates.set(t.id, t);
    for (const e of checkFormTemplate(t)) add(e.field, e.message);
  });

  const codes = new Set<string>();
  cat.items.forEach((item, i) => {
    const row = rows?.items?.get(item.code) ?? i + 1;
    const add = (field: string, message: string) => errors.push({ row, ref: item.code, field, message });
    if (codes.has(item.code)) add('code', `实施编码 ${item.code} 重复`);
    codes.add(item.code);
    for (const e of checkItemRules(item)) add(e.field, e.message);
    const hall = halls.get(item.hallId);
    if (!hall) add('hallId', `所属的厅 ${item.hallId} 不存在`);
    const dept = depts.get(item.deptCode);
    if (!dept) add('deptCode', `实施机关 ${item.deptCode} 不存在`);
    else {
      if (dept.hallId !== item.hallId) add('deptCode', `实施机关 ${dept.name} 不属于该厅`);
      if (LEVEL_RANK[item.level] > LEVEL_RANK[dept.level])
        add('level', `办理层级高于实施机关（${dept.name}）的层级`);
    }
    if (hall && LEVEL_RANK[item.level] > LEVEL_RANK[hall.level])
      add('level', `办理层级高于所属厅（${hall.name}）`);
    for (const jd of item.jointDepts) if (!depts.has(jd)) add('jointDepts', `联办部门 ${jd} 不存在`);
    if (item.applicationForm && !appForms.has(item.applicationForm))
      add('applicationForm', `申请表 ${item.applicationForm} 不存在（应为目录 applicationForms 中的编号）`);
    item.materials.forEach((m, k) => {
      if (m.formTemplate && !formTemplates.has(m.formTemplate))
        add(
          `materials[${k + 1}].formTemplate`,
          `表格模板 ${m.formTemplate} 不存在（应为目录 formTemplates 中的编号）`,
        );
    });
    const tpl = templates.get(item.processTemplate);
    if (!tpl) {
      add('processTemplate', `流程模板 ${item.processTemplate} 不存在`);
      return;
    }
    if (item.caseKind === '即办件' && tpl.kind !== 'instant')
      add('processTemplate', '即办件应使用即办流程模板');
    if (item.caseKind === '承诺件' && tpl.kind === 'instant')
      add('processTemplate', '承诺件不能使用即办流程模板');
    if (tpl.steps.some((s) => s.parallelDepts === 'jointDepts') && item.jointDepts.length === 0)
      add('jointDepts', '联办流程的事项必须填写联办部门');
    if (item.jointDepts.length > 0 && tpl.kind !== 'joint')
      add('processTemplate', '有联办部门的事项应使用联办流程模板');
    const first = tpl.steps[0].level;
    if (first && first !== item.level)
      add('level', `办理层级应与流程首个环节的层级（${LEVEL_NAMES[first]}）一致`);
    for (const s of tpl.steps)
      if (s.level && hall && LEVEL_RANK[s.level] > LEVEL_RANK[hall.level])
        add('processTemplate', `流程环节“${s.name}”的层级高于所属厅`);
    if (item.stepLimits) {
      const ids = new Set(tpl.steps.map((s) => s.id));
      for (const k of Object.keys(item.stepLimits))
        if (!ids.has(k)) add('stepLimits', `流程模板中没有环节 ${k}`);
      const sum = effectiveSteps(item, tpl).reduce((s, st) => s + st.limitDays, 0);
      if (sum > item.promisedDays) add('stepLimits', '各环节时限之和超过承诺办结时限');
    }
    if (item.stepDepts) {
      const ids = new Set(tpl.steps.map((s) => s.id));
      for (const [k, dc] of Object.entries(item.stepDepts)) {
        if (!ids.has(k)) add('stepDepts', `流程模板中没有环节 ${k}`);
        const d = depts.get(dc);
        if (!d) add('stepDepts', `环节 ${k} 的办理部门 ${dc} 不存在`);
        else if (d.hallId !== item.hallId) add('stepDepts', `环节 ${k} 的办理部门 ${d.name} 不属于该厅`);
      }
    }
  });

  for (const [k, v] of Object.entries(cat.synonyms)) {
    if (v.includes(k)) errors.push({ ref: k, field: 'synonyms', message: `同义词“${k}”不能指向自身` });
  }
  return errors;
}

/** Parse an unknown document into a catalogue, mapping zod issues to row/field errors in Chinese. */
export function parseCatalogue(input: unknown): { catalogue?: Catalogue; errors: CatalogueError[] } {
  const r = catalogueSchema.safeParse(input);
  if (r.success) return { catalogue: r.data, errors: [] };
  return { errors: r.error.issues.map(issueToError) };
}

const CATALOGUE_LISTS = new Set([
  'halls',
  'departments',
  'templates',
  'items',
  'applicationForms',
  'formTemplates',
]);

export function issueToError(issue: z.core.$ZodIssue, rowOffset = 0): CatalogueError {
  const path = [...issue.path];
  let row: number | undefined;
  // A path into the whole catalogue (items.12.fee…) names a row; a path inside one record (materials.0.name,
  // fields.2.type) does not.
  if (typeof path[1] === 'number' && typeof path[0] === 'string' && CATALOGUE_LISTS.has(path[0])) {
    row = path[1] + 1 + rowOffset;
    path.splice(0, 2);
  }
  const field = path
    .map((p) => (typeof p === 'number' ? `[${p + 1}]` : String(p)))
    .join('.')
    .replace(/\.\[/g, '[');
  return { row, field: field || '(整行)', message: zodMessage(issue) };
}

function zodMessage(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? '此项必填' : '格式不正确';
    case 'too_small':
      return issue.origin === 'array' ? '至少需要填写一项' : '内容过短或数值过小';
    case 'too_big':
      return '内容过长或数值过大';
    case 'invalid_format':
      return '格式不正确';
    case 'invalid_value':
      return `取值不在允许范围内（可选：${issue.values.map(String).join('、')}）`;
    case 'unrecognized_keys':
      return `包含不认识的字段：${issue.keys.join('、')}`;
    default:
      return '内容不符合要求';
  }
}

/** One line per error, e.g. `第 12 行 [3416000101] fees.basis：收费事项必须填写收费依据`. */
export function formatError(e: CatalogueError): string {
  const where = [e.row !== undefined ? `第 ${e.row} 行` : '', e.ref ? `[${e.ref}]` : '']
    .filter(Boolean)
    .join(' ');
  return `${where ? `${where} ` : ''}${e.field}：${e.message}`;
}
