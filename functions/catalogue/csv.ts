/**
 * Catalogue import, pure part: CSV parsing (RFC 4180), CSV rows → items, and preparing an import
 * (validate everything, report every error with row and field in Chinese, all or nothing).
 *
 * CSV: one item per row, header row with Chinese (or field) names, see COLUMNS. Lists are separated
 * by 、 , ; or ，. The 申请材料 cell is either a JSON array or `名称|必要|形式|份数|来源|表格模板` entries
 * separated by ；or ; (e.g. `居民身份证|是|原件|1|政府部门核发；申请表|是|原件|1|申请人自备|apply-person`).
 * A CSV import updates items of the same code and adds new ones; JSON replaces the lists it carries.
 *
 * Forms in CSV: a row names its application form by id in the 申请表 column (empty = the standard
 * form of its audience) and a material its printable template by id (the 6th part above). The
 * forms themselves — lists of fields, sections of paper — do not fit a cell: they come in a JSON
 * import (`applicationForms`, `formTemplates`), and every id a CSV row names must exist in the
 * catalogue it is imported into (else an error with the row and the field).
 */
import { z } from 'zod';
import catalogueConfig from '#infra/config/catalogue.json' with { type: 'json' };
import { applicationFormSchema, formTemplateSchema } from './forms.ts';
import {
  type Catalogue,
  type CatalogueError,
  catalogueSchema,
  departmentSchema,
  type ItemInput,
  issueToError,
  itemSchema,
  synonymsSchema,
  templateSchema,
  validateCatalogue,
} from './model.ts';

/** Parse CSV text into rows of cells. Handles BOM, quotes, doubled quotes, CRLF and newlines in quotes. */
export function parseCsv(text: string): string[][] {
  const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (quoted) {
      if (ch === '"') {
        if (s[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else cell += ch;
    } else if (ch === '"' && cell === '') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && s[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  if (quoted) throw new CsvError('CSV 文件中有未闭合的引号');
  if (cell !== '' || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

export class CsvError extends Error {}

/** Column header → item field. Field names themselves are accepted too. */
export const COLUMNS: Record<string, string> = {
  实施编码: 'code',
  事项名称: 'name',
  事项类型: 'type',
  所属厅: 'hallId',
  实施机关编码: 'deptCode',
  办理层级: 'level',
  服务对象: 'audience',
  主题: 'themes',
  法定办结时限: 'legalDays',
  承诺办结时限: 'promisedDays',
  办件类型: 'caseKind',
  联办部门: 'jointDepts',
  受理条件: 'conditions',
  设定依据: 'legalBasis',
  申请材料: 'materials',
  是否收费: 'fees.charged',
  收费标准: 'fees.standard',
  收费依据: 'fees.basis',
  网上缴费: 'fees.onlinePayment',
  到现场次数: 'visits',
  网上办理深度: 'onlineDepth',
  接受邮寄申请: 'postalApplication',
  送达方式: 'delivery',
  办理地点: 'place',
  办理时间: 'hours',
  咨询电话: 'consultPhone',
  投诉电话: 'complaintPhone',
  特别程序: 'specialProcedures',
  流程模板: 'processTemplate',
  申请表: 'applicationForm',
  关键词: 'keywords',
};
const FIELDS = new Set(Object.values(COLUMNS));
const REQUIRED = ['code', 'name', 'type', 'hallId', 'deptCode', 'level', 'processTemplate'];

const LEVEL_WORDS: Record<string, string> = {
  市级: 'city',
  县级: 'county',
  区级: 'county',
  乡镇级: 'town',
  乡镇: 'town',
  街道: 'town',
  村级: 'village',
  社区: 'village',
};
const AUDIENCE_WORDS: Record<string, string> = {
  自然人: 'person',
  个人: 'person',
  法人: 'enterprise',
  企业: 'enterprise',
};
const DEPTH_WORDS: Record<string, number> = {
  一级: 1,
  二级: 2,
  三级: 3,
  四级: 4,
  I: 1,
  II: 2,
  III: 3,
  IV: 4,
  Ⅰ: 1,
  Ⅱ: 2,
  Ⅲ: 3,
  Ⅳ: 4,
};

const list = (s: string) =>
  s
    .split(/[、,，;；]/)
    .map((x) => x.trim())
    .filter(Boolean);
const yes = (s: string) =>
  /^(是|y|yes|true|1|收费)$/i.test(s.trim())
    ? true
    : /^(否|n|no|false|0|不收费|)$/i.test(s.trim())
      ? false
      : s;
const num = (s: string) => (/^\d+$/.test(s.trim()) ? Number(s.trim()) : s.trim() === '' ? undefined : s);

function materialsCell(s: string): unknown {
  const t = s.trim();
  if (!t) return [];
  if (t.startsWith('[')) {
    try {
      return JSON.parse(t);
    } catch {
      return t;
    }
  }
  return t
    .split(/[；;]/)
    .map((x) => x.trim())
    .filter(Boolean)
    .map((entry) => {
      const [name, required = '是', form = '原件', copies = '1', source = '申请人自备', formTemplate = ''] =
        entry.split('|').map((x) => x.trim());
      return {
        name,
        required: yes(required),
        form,
        copies: num(copies),
        source,
        ...(formTemplate ? { formTemplate } : {}),
      };
    });
}

function cellValue(field: string, raw: string): unknown {
  const s = raw.trim();
  switch (field) {
    case 'level':
      return LEVEL_WORDS[s] ?? s;
    case 'audience':
      return list(s).map((a) => AUDIENCE_WORDS[a] ?? a);
    case 'themes':
    case 'jointDepts':
    case 'delivery':
    case 'specialProcedures':
    case 'keywords':
      return list(s);
    case 'legalDays':
    case 'promisedDays':
    case 'visits':
      return num(s);
    case 'onlineDepth':
      return DEPTH_WORDS[s] ?? num(s);
    case 'postalApplication':
    case 'fees.charged':
    case 'fees.onlinePayment':
      return yes(s);
    case 'materials':
      return materialsCell(s);
    default:
      return s === '' ? undefined : s;
  }
}

/** CSV text → item inputs with their line numbers, plus header errors. */
export function csvItems(text: string): {
  items: { row: number; input: Record<string, unknown> }[];
  errors: CatalogueError[];
} {
  let rows: string[][];
  try {
    rows = parseCsv(text);
  } catch (e) {
    return { items: [], errors: [{ field: '(文件)', message: (e as Error).message }] };
  }
  const nonEmpty = rows.map((r, i) => ({ r, line: i + 1 })).filter(({ r }) => r.some((c) => c.trim() !== ''));
  if (nonEmpty.length === 0) return { items: [], errors: [{ field: '(文件)', message: 'CSV 文件为空' }] };
  const header = nonEmpty[0].r.map((h) => h.trim());
  const fields = header.map((h) => COLUMNS[h] ?? (FIELDS.has(h) ? h : undefined));
  const errors: CatalogueError[] = [];
  header.forEach((h, i) => {
    if (!fields[i])
      errors.push({ row: nonEmpty[0].line, field: h || `第 ${i + 1} 列`, message: `不认识的列名“${h}”` });
  });
  for (const f of REQUIRED)
    if (!fields.includes(f)) {
      const name = Object.entries(COLUMNS).find(([, v]) => v === f)?.[0] ?? f;
      errors.push({ row: nonEmpty[0].line, field: name, message: `缺少必需的列“${name}”` });
    }
  const items: { row: number; input: Record<string, unknown> }[] = [];
  for (const { r, line } of nonEmpty.slice(1)) {
    if (r.length > header.length)
      errors.push({ row: line, field: '(整行)', message: `列数（${r.length}）多于表头（${header.length}）` });
    const input: Record<string, unknown> = { fees: {} };
    fields.forEach((f, i) => {
      if (!f) return;
      const v = cellValue(f, r[i] ?? '');
      if (v === undefined) return;
      if (f.startsWith('fees.')) (input.fees as Record<string, unknown>)[f.slice(5)] = v;
      else input[f] = v;
    });
    if ((input.fees as Record<string, unknown>).charged === undefined)
      (input.fees as Record<string, unknown>).charged = false;
    items.push({ row: line, input });
  }
  return { items, errors };
}

export interface ImportSummary {
  items: number;
  added: number;
  updated: number;
  /** Items of the current catalogue that the new one no longer has. */
  removed: number;
  departments: number;
  templates: number;
}

/**
 * An import that would remove more than this share of the current items (one empty list would
 * empty the whole catalogue) is refused unless the operator confirms the exact number removed
 * (infra/config/catalogue.json).
 */
export const REMOVAL_CONFIRM_SHARE: number = catalogueConfig.removalConfirmShare;

/** Why the import must be confirmed first, or undefined when it may go ahead. */
export function removalUnconfirmed(
  summary: ImportSummary,
  currentItems: number,
  confirmed: number | undefined,
): string | undefined {
  if (summary.removed === 0 || summary.removed <= currentItems * REMOVAL_CONFIRM_SHARE) return undefined;
  if (confirmed === summary.removed) return undefined;
  const share = Math.round((summary.removed / currentItems) * 100);
  return `本次导入将删除现有目录中的 ${summary.removed} 个事项（占 ${share}%）。如确需删除，请核对后以确认数 ${summary.removed} 重新提交。`;
}

export type ImportInput = { kind: 'json'; data: unknown } | { kind: 'csv'; text: string };

const partialSchema = z.object({
  halls: z.unknown().optional(),
  departments: z.unknown().optional(),
  templates: z.unknown().optional(),
  items: z.unknown().optional(),
  synonyms: z.unknown().optional(),
  applicationForms: z.unknown().optional(),
  formTemplates: z.unknown().optional(),
});

/**
 * Everything an import would load, validated against the rules and the references (halls,
 * departments, templates). `catalogue` is set only when there are no errors at all.
 */
export function prepareImport(
  current: Catalogue,
  input: ImportInput,
  onProgress?: (done: number, total: number) => void,
): { catalogue?: Catalogue; errors: CatalogueError[]; summary?: ImportSummary } {
  const errors: CatalogueError[] = [];
  const rowOf = new Map<string, number>();
  let next: {
    halls: unknown;
    departments: unknown;
    templates: unknown;
    items: unknown[];
    synonyms: unknown;
    applicationForms: unknown;
    formTemplates: unknown;
  };
  const existing = new Set(current.items.map((i) => i.code));

  if (input.kind === 'csv') {
    const parsed = csvItems(input.text);
    errors.push(...parsed.errors);
    const byCode = new Map(current.items.map((i) => [i.code, i as unknown]));
    const seen = new Map<string, number>();
    parsed.items.forEach(({ row, input: raw }, i) => {
      const r = itemSchema.safeParse(raw);
      if (!r.success)
        for (const issue of r.error.issues)
          errors.push({ ...issueToError(issue), row, ref: String(raw.code ?? '') || undefined });
      else {
        const prev = seen.get(r.data.code);
        if (prev)
          errors.push({ row, ref: r.data.code, field: 'code', message: `实施编码与第 ${prev} 行重复` });
        seen.set(r.data.code, row);
        byCode.set(r.data.code, r.data);
        rowOf.set(r.data.code, row);
      }
      if (onProgress && (i % 200 === 0 || i === parsed.items.length - 1))
        onProgress(i + 1, parsed.items.length);
    });
    next = { ...current, items: [...byCode.values()] };
  } else {
    const top = partialSchema.safeParse(input.data);
    if (!top.success || typeof input.data !== 'object' || input.data === null || Array.isArray(input.data))
      return {
        errors: [{ field: '(文件)', message: '目录文件应为包含 items、departments 等列表的 JSON 对象' }],
      };
    const d = top.data;
    next = {
      halls: d.halls ?? current.halls,
      departments: d.departments ?? current.departments,
      templates: d.templates ?? current.templates,
      items: (d.items as unknown[]) ?? current.items,
      synonyms: d.synonyms ?? current.synonyms,
      applicationForms: d.applicationForms ?? current.applicationForms,
      formTemplates: d.formTemplates ?? current.formTemplates,
    };
    // Per-record parse, so every bad row is reported with its row, not only the first.
    const lists: [string, unknown, z.ZodType][] = [
      ['departments', next.departments, departmentSchema],
      ['templates', next.templates, templateSchema],
      ['items', next.items, itemSchema],
      ['applicationForms', next.applicationForms, applicationFormSchema],
      ['formTemplates', next.formTemplates, formTemplateSchema],
    ];
    const label: Record<string, string> = {
      departments: '部门',
      templates: '流程模板',
      items: '事项',
      applicationForms: '申请表',
      formTemplates: '表格模板',
    };
    for (const [name, arr, schema] of lists) {
      // A catalogue stored before forms were data has no form lists.
      if (arr === undefined && (name === 'applicationForms' || name === 'formTemplates')) continue;
      if (!Array.isArray(arr)) {
        errors.push({ field: name, message: `${label[name]}列表应为数组` });
        continue;
      }
      arr.forEach((rec, i) => {
        const r = schema.safeParse(rec);
        if (!r.success) {
          const ref =
            (rec as { code?: string; id?: string } | null)?.code ?? (rec as { id?: string } | null)?.id;
          for (const issue of r.error.issues)
            errors.push({
              ...issueToError(issue),
              row: i + 1,
              ref: ref ? `${label[name]} ${ref}` : label[name],
            });
        }
        if (onProgress && name === 'items' && (i % 200 === 0 || i === arr.length - 1))
          onProgress(i + 1, arr.length);
      });
    }
    const syn = synonymsSchema.safeParse(next.synonyms);
    if (!syn.success)
      for (const issue of syn.error.issues)
        errors.push({ ...issueToError(issue), field: `synonyms.${issue.path.join('.')}` });
  }
  if (errors.length) return { errors };

  const whole = catalogueSchema.safeParse(next);
  if (!whole.success) return { errors: whole.error.issues.map((i) => issueToError(i)) };
  const cat = whole.data;
  const ruleErrors = validateCatalogue(cat, { items: rowOf });
  if (input.kind === 'csv') {
    // Only rows of this file are the importer's to fix; the rest was valid before.
    const mine = new Set(rowOf.keys());
    const own = ruleErrors.filter(
      (e) => !e.ref || mine.has(e.ref) || !cat.items.some((i) => i.code === e.ref),
    );
    if (own.length) return { errors: own };
  } else if (ruleErrors.length) return { errors: ruleErrors };

  const codes = input.kind === 'csv' ? [...rowOf.keys()] : cat.items.map((i) => i.code);
  const added = codes.filter((c) => !existing.has(c)).length;
  const kept = new Set(cat.items.map((i) => i.code));
  const removed = [...existing].filter((c) => !kept.has(c)).length;
  return {
    catalogue: cat,
    errors: [],
    summary: {
      items: cat.items.length,
      added,
      updated: codes.length - added,
      removed,
      departments: cat.departments.length,
      templates: cat.templates.length,
    },
  };
}

export type { ItemInput };
