/**
 * Generates infra/seed/catalogue/catalogue.json from base.ts: the implementation lists of the six
 * Bozhou halls, their towns and villages, each with its own codes and 实施机关.
 * Deterministic (no clock, no randomness): the same base gives byte-identical output.
 *
 *   npx tsx infra/seed/catalogue/generate.ts          write catalogue.json
 *   npx tsx infra/seed/catalogue/generate.ts --check  fail if catalogue.json is stale or invalid
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pinyin } from 'pinyin-pro';
import {
  type Catalogue,
  type Department,
  type Item,
  type Material,
  orgCodeCheck,
  type ProcessTemplate,
  usccCheck,
  validateCatalogue,
} from '../../../functions/catalogue/model.ts';
import { optionsFromStandard, timingFromStandard } from '../../../functions/domain/fees.ts';
import type { Level } from '../../../functions/domain/vocabulary.ts';
import { halls } from '../../halls.ts';
import {
  counties,
  departments,
  type ItemBase,
  items,
  jingkaiDepartments,
  townItems,
  villageItems,
} from './base.ts';
import { type FormItem, FormLibrary } from './forms.ts';

const here = dirname(fileURLToPath(import.meta.url));
export const CATALOGUE_FILE = join(here, 'catalogue.json');

export const templates: ProcessTemplate[] = [
  {
    id: 'instant',
    name: '即办件（受理即办结）',
    kind: 'instant',
    steps: [{ id: 'accept', name: '受理并办结', post: '受理', limitDays: 0 }],
  },
  {
    id: 'simple',
    name: '承诺件（受理→决定）',
    kind: 'standard',
    steps: [
      { id: 'accept', name: '受理', post: '受理', limitDays: 1 },
      { id: 'decide', name: '决定', post: '决定', limitDays: 4 },
    ],
  },
  {
    id: 'standard',
    name: '承诺件（受理→审查→决定）',
    kind: 'standard',
    steps: [
      { id: 'accept', name: '受理', post: '受理', limitDays: 1 },
      { id: 'review', name: '审查', post: '审查', limitDays: 8 },
      { id: 'decide', name: '决定', post: '决定', limitDays: 5 },
    ],
  },
  {
    id: 'joint',
    name: '联办件（受理→多部门并联审查→决定）',
    kind: 'joint',
    steps: [
      { id: 'accept', name: '综合窗口受理', post: '受理', limitDays: 1 },
      { id: 'review', name: '并联审查', post: '审查', limitDays: 10, parallelDepts: 'jointDepts' },
      { id: 'decide', name: '决定', post: '决定', limitDays: 5 },
    ],
  },
  {
    id: 'multilevel',
    name: '四级联动（村受理→乡镇审查→县级决定）',
    kind: 'multilevel',
    steps: [
      { id: 'accept', name: '村（社区）代办受理', post: '受理', level: 'village', limitDays: 2 },
      { id: 'review', name: '乡镇（街道）审查', post: '审查', level: 'town', limitDays: 5 },
      { id: 'decide', name: '县级部门决定', post: '决定', level: 'county', limitDays: 8 },
    ],
  },
  {
    id: 'town-county',
    name: '乡镇受理审查→县级决定',
    kind: 'multilevel',
    steps: [
      { id: 'accept', name: '乡镇（街道）受理', post: '受理', level: 'town', limitDays: 2 },
      { id: 'review', name: '乡镇（街道）审查', post: '审查', level: 'town', limitDays: 5 },
      { id: 'decide', name: '县级部门决定', post: '决定', level: 'county', limitDays: 8 },
    ],
  },
];

/** 联办: departments that review in parallel with the implementing one. */
const JOINT: Record<string, string[]> = {
  旅馆业特种行业许可: ['xf'],
  娱乐场所经营许可: ['gaj', 'xf'],
  '网络文化经营许可（互联网上网服务营业场所）': ['gaj', 'xf'],
  危险化学品经营许可: ['xf'],
  '不动产登记（转移登记）': ['swj'],
  医疗机构执业登记: ['xf'],
  '民办学校办学许可（设立）': ['xf', 'mzj'],
};

const TYPE_CODE: Record<string, string> = {
  行政许可: '01',
  行政征收: '04',
  行政给付: '05',
  行政确认: '07',
  行政奖励: '08',
  行政裁决: '09',
  其他行政权力: '10',
  公共服务: '20',
};

const HOURS = '工作日8:30—12:00、14:30—17:30（夏季15:00—18:00）';

/** FNV-1a: a stable number from a string (codes must not change between runs). */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** A checksum-valid government USCC (登记管理部门 1 机构编制, 类别 1 机关) for a department. */
function usccFor(divisionCode: string, deptCode: string): { uscc: string; orgCode: string } {
  const body = `MB${String(hash(deptCode) % 1_000_000).padStart(6, '0')}`;
  const orgCode = body + orgCodeCheck(body);
  const b17 = `11${divisionCode}${orgCode}`;
  return { uscc: b17 + usccCheck(b17), orgCode: `${body}-${orgCodeCheck(body)}` };
}

function slug(name: string): string {
  return pinyin(name, { toneType: 'none', type: 'array' })
    .join('')
    .replace(/[^a-z]/g, '');
}

/**
 * One material from its spec (`name|flags`). Flag `f` marks a material with a standard blank form:
 * it names a printable template of the catalogue's library (forms.ts), which the portal draws at
 * /forms/ as the 空白表格 and the 填写示例. Flag `d` accepts the case while it is still owed (容缺受理).
 */
function parseMaterial(spec: string, fullyOnline: boolean, item: FormItem, forms: FormLibrary): Material {
  const [name, flags = ''] = spec.split('|');
  const gov = flags.includes('g');
  let form: Material['form'] = flags.includes('c') ? '复印件' : flags.includes('e') ? '电子' : '原件';
  // Fully online items take everything electronically; licences issued by government come from the library.
  if (fullyOnline) form = '电子';
  const digit = /\d/.exec(flags);
  const copies = form === '电子' ? 0 : digit ? Number(digit[0]) : 1;
  const m: Material = {
    name,
    required: !flags.includes('o'),
    form,
    copies,
    source: gov ? '政府部门核发' : '申请人自备',
  };
  if (flags.includes('f')) m.formTemplate = forms.templateFor(item, name);
  if (flags.includes('d')) m.deferrable = true;
  return m;
}

interface HallCtx {
  hallId: string;
  hallCode: string;
  level: 'city' | 'county';
  prefix: string;
  place: string;
  /** promise compression of this hall (承诺时限压缩). */
  factor: number;
}

function conditionsFor(base: ItemBase): string {
  const [, type, , aud] = base;
  const who =
    aud === 'e'
      ? '依法设立的企业和其他组织'
      : aud === 'p'
        ? '符合条件的自然人'
        : '符合条件的自然人、法人和其他组织';
  if (type === '行政许可') return `${who}，符合设定依据规定的许可条件，申请材料齐全、符合法定形式。`;
  if (type === '行政给付') return `${who}，符合设定依据规定的给付对象和标准，如实申报家庭或个人情况。`;
  return `${who}，提交的申请材料齐全、真实、符合法定形式。`;
}

export function generate(): Catalogue {
  const forms = new FormLibrary();
  const materialsFor = (item: FormItem, specs: readonly string[], fullyOnline: boolean): Material[] =>
    specs.map((spec) => parseMaterial(spec, fullyOnline, item, forms));
  const depts: Department[] = [];
  const out: Item[] = [];
  const deptIndex = new Map<string, Department>();
  const addDept = (d: Omit<Department, 'uscc' | 'orgCode'>, division: string) => {
    const codes = usccFor(division, d.code);
    const dept: Department = { ...d, ...codes };
    depts.push(dept);
    deptIndex.set(d.code, dept);
    return dept;
  };

  const hallCtx: HallCtx[] = [];
  const city = halls.find((h) => h.id === 'city');
  if (!city) throw new Error('infra/halls.ts has no city hall');
  hallCtx.push({
    hallId: 'city',
    hallCode: city.code,
    level: 'city',
    prefix: '亳州市',
    place: '亳州市政务服务中心',
    factor: 1,
  });
  for (const d of departments)
    if (d.city)
      addDept(
        {
          code: `${city.code}-${d.key}`,
          name: d.key === 'swj' ? '国家税务总局亳州市税务局' : `亳州市${d.city}`,
          shortName: d.city,
          hallId: 'city',
          level: 'city',
          phone: d.phone.length >= 7 ? `0558-${d.phone}` : d.phone,
          address: '亳州市政务服务中心',
        },
        city.code,
      );

  const factors = [0.8, 0.9, 0.7, 0.85];
  counties.forEach((c, i) => {
    const hall = halls.find((h) => h.id === c.hallId);
    if (!hall) throw new Error(`unknown hall ${c.hallId}`);
    hallCtx.push({
      hallId: c.hallId,
      hallCode: hall.code,
      level: 'county',
      prefix: c.name,
      place: `${c.name}政务服务中心`,
      factor: factors[i],
    });
    for (const d of departments) {
      if (!d.county) continue;
      const name =
        c.hallId === 'qiaocheng' && d.qiaocheng
          ? d.qiaocheng
          : d.key === 'swj'
            ? `国家税务总局${c.name}税务局`
            : d.key === 'gjj'
              ? `亳州市住房公积金管理中心${c.name.slice(0, 2)}管理部`
              : d.key === 'sthjj'
                ? `亳州市生态环境局${c.name}分局`
                : `${c.name}${d.county}`;
      addDept(
        {
          code: `${hall.code}-${d.key}`,
          name,
          shortName: d.county,
          hallId: c.hallId,
          level: 'county',
          phone: d.phone.length >= 7 ? `0558-${d.phone}` : d.phone,
          address: `${c.name}政务服务中心`,
        },
        hall.code,
      );
    }
    for (const t of c.towns)
      addDept(
        {
          code: `${hall.code}-${slug(t)}`,
          name: t.endsWith('街道') ? `${c.name}${t}办事处` : `${c.name}${t}人民政府`,
          shortName: t,
          hallId: c.hallId,
          level: 'town',
          address: `${c.name}${t}便民服务中心`,
        },
        hall.code,
      );
  });
  const jk = halls.find((h) => h.id === 'jingkai');
  if (!jk) throw new Error('infra/halls.ts has no jingkai hall');
  hallCtx.push({
    hallId: 'jingkai',
    hallCode: jk.code,
    level: 'county',
    prefix: '亳州经济开发区',
    place: '亳州经济开发区政务服务中心',
    factor: 0.8,
  });
  const jkServes = new Map<string, string>();
  for (const d of jingkaiDepartments) {
    addDept(
      {
        code: `${jk.code}-${d.key}`,
        name: d.name,
        hallId: 'jingkai',
        level: 'county',
        phone: d.phone.length >= 7 ? `0558-${d.phone}` : d.phone,
        address: '亳州经济开发区政务服务中心',
      },
      jk.code,
    );
    for (const s of d.serves) jkServes.set(s, `${jk.code}-${d.key}`);
  }

  /** 减免 conditions of the published standards (the basis documents and the national fee-relief rules). */
  const reductionsFor = (standard: string): string[] =>
    /不动产/.test(standard) || /住宅类/.test(standard)
      ? [
          '小微企业（含个体工商户）申请不动产登记的，免收不动产登记费（财税〔2019〕45号）',
          '单独申请宅基地使用权、农村集体土地承包经营权登记的，免收登记费',
        ]
      : /居民身份证/.test(standard)
        ? ['城乡居民最低生活保障对象、特困供养人员换领或补领居民身份证的，凭有效证明减免工本费']
        : /公证/.test(standard)
          ? ['法律援助对象申办公证的，免收公证费（《公证法》第三十四条）']
          : [];

  const deptFor = (ctx: HallCtx, key: string): Department | undefined =>
    ctx.hallId === 'jingkai'
      ? deptIndex.get(jkServes.get(key) ?? '')
      : deptIndex.get(`${ctx.hallCode}-${key}`);

  const itemFromBase = (base: ItemBase, baseIdx: number, ctx: HallCtx): Item | undefined => {
    const [
      name,
      type,
      deptKey,
      aud,
      themes,
      [legal, promised0],
      depth,
      visits0,
      scope,
      mats,
      basis,
      extra = {},
    ] = base;
    if (ctx.level === 'city' && !scope.includes('c')) return undefined;
    if (ctx.level === 'county' && !scope.includes('k')) return undefined;
    if (ctx.hallId === 'jingkai' && extra.noJingkai) return undefined;
    const dept = deptFor(ctx, deptKey);
    if (!dept) return undefined;
    const promised = promised0 <= 1 ? promised0 : Math.max(1, Math.round(promised0 * ctx.factor));
    const jointDepts = (JOINT[name] ?? [])
      .map((k) => deptFor(ctx, k)?.code)
      .filter((c): c is string => !!c && c !== dept.code);
    const visits = depth === 4 ? 0 : visits0;
    const fullyOnline = depth === 4;
    const fee = extra.fee;
    const tpl =
      promised === 0 ? 'instant' : jointDepts.length ? 'joint' : promised <= 5 ? 'simple' : 'standard';
    const code = `${dept.uscc}-${TYPE_CODE[type]}${String(baseIdx + 1).padStart(5, '0')}-000`;
    const audience: Item['audience'] =
      aud === 'p' ? ['person'] : aud === 'e' ? ['enterprise'] : ['person', 'enterprise'];
    return {
      code,
      name,
      type,
      hallId: ctx.hallId,
      deptCode: dept.code,
      level: ctx.level,
      audience,
      themes,
      legalDays: legal,
      promisedDays: promised,
      caseKind: promised === 0 ? '即办件' : '承诺件',
      jointDepts,
      conditions: extra.cond ?? conditionsFor(base),
      legalBasis: basis,
      materials: materialsFor({ name, audience }, mats, fullyOnline),
      fees: fee
        ? {
            charged: true,
            standard: fee[0],
            basis: fee[1],
            onlinePayment: true,
            // 网上缴费 terms, spelled out (functions/catalogue/model.ts feeTermsOf derives the same).
            timing: timingFromStandard(fee[0]),
            options: optionsFromStandard(fee[0]),
            reductions: reductionsFor(fee[0]),
          }
        : { charged: false, standard: '不收费', basis: '', onlinePayment: false },
      visits,
      onlineDepth: depth,
      postalApplication: depth >= 3,
      delivery: depth === 4 ? ['电子', '邮寄', '自取'] : depth === 3 ? ['自取', '邮寄'] : ['自取'],
      place: `${ctx.place}${dept.shortName ?? dept.name}窗口`,
      hours: HOURS,
      consultPhone: dept.phone ?? '0558-12345',
      complaintPhone: '0558-12345',
      specialProcedures: (extra.sp ?? []) as Item['specialProcedures'],
      processTemplate: tpl,
      applicationForm: forms.applicationFormFor({ name, audience, type }),
      keywords: extra.kw ?? [],
    };
  };

  for (const ctx of hallCtx)
    items.forEach((b, i) => {
      const it = itemFromBase(b, i, ctx);
      if (it) out.push(it);
    });

  // Towns and villages of the counties.
  for (const c of counties) {
    const ctx = hallCtx.find((h) => h.hallId === c.hallId) as HallCtx;
    c.towns.forEach((t, ti) => {
      const town = deptIndex.get(`${ctx.hallCode}-${slug(t)}`) as Department;
      const sub = String(ti + 1).padStart(3, '0');
      const townPlace = `${c.name}${t}便民服务中心`;
      townItems.forEach((ti2, k) => {
        if (ti2.rural && t.endsWith('街道')) return;
        const decider = ti2.decidedBy ? deptFor(ctx, ti2.decidedBy) : undefined;
        const [legal, promised] = ti2.limits;
        const tpl = decider
          ? 'town-county'
          : promised === 0
            ? 'instant'
            : promised <= 5
              ? 'simple'
              : 'standard';
        const code = `${town.uscc}-${TYPE_CODE[ti2.type]}${String(900 + k).padStart(5, '0')}-${sub}`;
        const audience: Item['audience'] =
          ti2.audience === 'p'
            ? ['person']
            : ti2.audience === 'e'
              ? ['enterprise']
              : ['person', 'enterprise'];
        out.push({
          code,
          name: ti2.name,
          type: ti2.type,
          hallId: c.hallId,
          deptCode: town.code,
          level: 'town',
          audience,
          themes: ti2.themes,
          legalDays: legal,
          promisedDays: promised,
          caseKind: promised === 0 ? '即办件' : '承诺件',
          jointDepts: [],
          conditions: `具有${t}户籍或在${t}居住的申请人，符合设定依据规定的条件。`,
          legalBasis: ti2.basis,
          materials: materialsFor({ name: ti2.name, audience }, ti2.materials, false),
          fees: { charged: false, standard: '不收费', basis: '', onlinePayment: false },
          visits: ti2.visits,
          onlineDepth: ti2.depth,
          postalApplication: false,
          delivery: ['自取', '邮寄'],
          place: townPlace,
          hours: HOURS,
          consultPhone: '0558-12345',
          complaintPhone: '0558-12345',
          specialProcedures: [],
          processTemplate: tpl,
          applicationForm: forms.applicationFormFor({ name: ti2.name, audience, type: ti2.type }),
          ...(decider ? { stepDepts: { decide: decider.code } } : {}),
          keywords: ti2.kw ?? [],
        });
      });
      villageItems.forEach((v, k) => {
        const dept = deptFor(ctx, v.dept);
        if (!dept) return;
        const code = `${dept.uscc}-20${String(950 + k).padStart(5, '0')}-${sub}`;
        out.push({
          code,
          name: v.name,
          type: '公共服务',
          hallId: c.hallId,
          deptCode: dept.code,
          level: 'village',
          audience: ['person'],
          themes: v.themes,
          legalDays: v.limits[0],
          promisedDays: v.limits[1],
          caseKind: '承诺件',
          jointDepts: [],
          conditions: `${t}辖区内行动不便或需要帮办的群众，可由村（社区）代办员持授权委托代为申请。`,
          legalBasis: v.basis,
          materials: materialsFor({ name: v.name, audience: ['person'] }, v.materials, false),
          fees: { charged: false, standard: '不收费', basis: '', onlinePayment: false },
          visits: 1,
          onlineDepth: 3,
          postalApplication: false,
          delivery: ['自取', '邮寄'],
          place: `${t}各村（社区）便民服务代办点`,
          hours: HOURS,
          consultPhone: '0558-12345',
          complaintPhone: '0558-12345',
          specialProcedures: [],
          processTemplate: 'multilevel',
          applicationForm: forms.applicationFormFor({ name: v.name, audience: ['person'], type: '公共服务' }),
          stepDepts: { accept: town.code, review: town.code },
          keywords: ['代办', '帮办'],
        });
      });
    });
  }

  return {
    halls: halls.map((h) => ({ ...h })),
    departments: depts,
    templates,
    items: out,
    synonyms: {},
    applicationForms: forms.applicationForms(),
    formTemplates: forms.formTemplates(),
  };
}

/** Leave out what the schema's defaults give back on parse, to keep the committed file small. */
function omitDefaults(key: string, value: unknown): unknown {
  if (
    (key === 'jointDepts' || key === 'specialProcedures' || key === 'keywords') &&
    Array.isArray(value) &&
    value.length === 0
  )
    return undefined;
  if (key === 'postalApplication' && value === false) return undefined;
  return value;
}

function levelCounts(items: { level: Level }[]): string {
  const c: Record<string, number> = {};
  for (const i of items) c[i.level] = (c[i.level] ?? 0) + 1;
  return JSON.stringify(c);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const cat = generate();
  const errors = validateCatalogue(cat);
  if (errors.length) {
    for (const e of errors.slice(0, 50)) console.error(JSON.stringify(e));
    console.error(`${errors.length} errors`);
    process.exit(1);
  }
  const { synonyms: _s, ...rest } = cat;
  const text = `${JSON.stringify(rest, omitDefaults)}\n`;
  if (process.argv.includes('--check')) {
    const current = readFileSync(CATALOGUE_FILE, 'utf8');
    if (current !== text) {
      console.error('catalogue.json is stale: run npx tsx infra/seed/catalogue/generate.ts');
      process.exit(1);
    }
    console.log('catalogue.json is up to date');
  } else {
    writeFileSync(CATALOGUE_FILE, text);
    console.log(
      `${cat.departments.length} departments, ${cat.items.length} items ${levelCounts(cat.items)}, ${(text.length / 1024).toFixed(0)} KiB (chars)`,
    );
  }
}
