import { describe, expect, it } from 'vitest';
import { csvItems, parseCsv, prepareImport, removalUnconfirmed } from '#functions/catalogue/csv.ts';
import {
  type Catalogue,
  checkItemRules,
  effectiveSteps,
  type Item,
  isValidOrgCode,
  isValidUscc,
  orgCodeCheck,
  validateCatalogue,
} from '#functions/catalogue/model.ts';
import { loadSeedCatalogue } from '#functions/catalogue/store.ts';
import { generate } from '#infra/seed/catalogue/generate.ts';

const seed = loadSeedCatalogue();
const byName = (name: string) => seed.items.find((i) => i.name === name) as Item;
const clone = <T>(v: T): T => structuredClone(v);

describe('agency code checksums', () => {
  it('GB 11714 organisation codes', () => {
    // Published example: 国家质量技术监督局 D2143569-X → body D2143569.
    expect(orgCodeCheck('D2143569')).toBe('X');
    expect(isValidOrgCode('D2143569-X')).toBe(true);
    expect(isValidOrgCode('D2143569X')).toBe(true);
    expect(isValidOrgCode('D2143569-1')).toBe(false);
    expect(isValidOrgCode('D214356-X')).toBe(false);
  });
  it('GB 32100 credit codes, including the embedded organisation code', () => {
    expect(isValidUscc('91350100M000100Y43')).toBe(true);
    expect(isValidUscc('91110108551385082Q')).toBe(true);
    expect(isValidUscc('91110108551385082R')).toBe(false);
    expect(isValidUscc('91350100M000100Y4')).toBe(false);
  });
  it('every seed department carries valid codes', () => {
    for (const d of seed.departments) {
      expect(isValidUscc(d.uscc as string), d.name).toBe(true);
      expect(isValidOrgCode(d.orgCode as string), d.name).toBe(true);
    }
  });
});

describe('seed catalogue', () => {
  it('is valid, large enough and spans the four levels', () => {
    expect(validateCatalogue(seed)).toEqual([]);
    expect(seed.departments.length).toBeGreaterThanOrEqual(40);
    expect(seed.items.length).toBeGreaterThanOrEqual(600);
    const levels = new Set(seed.items.map((i) => i.level));
    expect([...levels].sort()).toEqual(['city', 'county', 'town', 'village']);
    for (const h of seed.halls)
      expect(
        seed.items.some((i) => i.hallId === h.id),
        h.id,
      ).toBe(true);
    expect(Object.keys(seed.synonyms).length).toBeGreaterThanOrEqual(40);
  });

  it('contains every item the issue lists', () => {
    const required =
      '居民身份证补领 居民身份证换领 出生登记 户口迁移 居住证申领 结婚登记 离婚登记 生育登记 城乡居民基本养老保险参保登记 职工基本养老保险待遇申领 失业保险金申领 就业创业证申领 住房公积金提取 住房公积金贷款 最低生活保障申请 特困人员救助供养 残疾人证申领 高龄津贴申领 城乡居民基本医疗保险参保登记 异地就医备案 医疗费用零星报销 机动车驾驶证换证 机动车注册登记 农村宅基地和建房（规划许可）审批 不动产登记（首次 不动产登记（转移 户口注销（死亡） 丧葬补助金领取 教师资格认定 义务教育新生入学登记 护士执业注册 医师执业注册 法律援助申请 普通护照签发 往来港澳通行证签发 企业设立登记 个体工商户设立登记 企业变更登记 企业注销登记 食品经营许可 药品零售企业经营许可 医疗器械经营备案 烟草专卖零售许可 公共场所卫生许可 旅馆业特种行业许可 建设工程规划许可 建筑工程施工许可 建设工程消防验收 公众聚集场所投入使用营业前消防安全检查 排污许可 建设项目环境影响评价审批 企业投资项目备案 道路货物运输经营许可 网络文化经营许可（互联网上网服务营业场所） 娱乐场所经营许可 出版物零售业务许可 人力资源服务许可 劳务派遣经营许可 民办学校办学许可 危险化学品经营许可 特种设备使用登记 取水许可 林木采伐许可 户外广告设施设置审批 城市道路挖掘占用审批 发票领用 社会保险单位参保登记'.split(
        ' ',
      );
    const missing = required.filter((r) => !seed.items.some((i) => i.name.includes(r)));
    expect(missing).toEqual([]);
  });

  it('county halls carry their own implementation (own codes and 实施机关)', () => {
    const food = seed.items.filter((i) => i.name === '食品经营许可');
    expect(new Set(food.map((i) => i.hallId)).size).toBeGreaterThanOrEqual(5);
    expect(new Set(food.map((i) => i.code)).size).toBe(food.length);
    expect(new Set(food.map((i) => i.deptCode)).size).toBe(food.length);
  });

  it('the committed JSON is what the generator makes (deterministic)', () => {
    const a = generate();
    const b = generate();
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(a.items.map((i) => i.code)).toEqual(seed.items.map((i) => i.code));
  });
});

describe('provincial checker rules', () => {
  const base = byName('食品经营许可');
  const rules = (patch: (i: Item) => void) => {
    const i = clone(base);
    patch(i);
    return checkItemRules(i).map((e) => e.field);
  };
  it('a valid item passes', () => expect(checkItemRules(base)).toEqual([]));
  it('depth IV needs 0 visits', () => expect(rules((i) => (i.visits = 1))).toContain('visits'));
  it('a fee needs a basis, a standard and online payment', () => {
    const f = rules((i) => (i.fees = { charged: true, standard: '', basis: '', onlinePayment: false }));
    expect(f).toEqual(expect.arrayContaining(['fees.standard', 'fees.basis', 'fees.onlinePayment']));
  });
  it('0 visits without full online handling needs postal application', () => {
    expect(
      rules((i) => {
        i.onlineDepth = 3;
        i.postalApplication = false;
      }),
    ).toContain('postalApplication');
  });
  it('promised ≤ legal, and 即办件 means 0 days', () => {
    expect(rules((i) => (i.promisedDays = i.legalDays + 1))).toContain('promisedDays');
    expect(rules((i) => (i.caseKind = '即办件'))).toContain('promisedDays');
  });
  it('themes must belong to the audience', () => {
    expect(
      rules((i) => {
        i.themes = ['婚姻登记']; // person theme, person audience
      }),
    ).not.toContain('themes');
    expect(
      rules((i) => {
        i.audience = ['enterprise'];
        i.themes = ['婚姻登记'];
      }),
    ).toContain('themes');
  });

  it('reports references with row, code and a Chinese message', () => {
    const cat = clone(seed) as Catalogue;
    cat.items[3].deptCode = 'nope';
    cat.items[7].processTemplate = 'nope';
    cat.items[9].hallId = 'mars';
    const errs = validateCatalogue(cat);
    expect(errs).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          row: 4,
          ref: cat.items[3].code,
          field: 'deptCode',
          message: expect.stringContaining('不存在'),
        }),
        expect.objectContaining({ row: 8, field: 'processTemplate' }),
        expect.objectContaining({ row: 10, field: 'hallId' }),
      ]),
    );
  });
  it('catches bad agency codes and templates that climb down', () => {
    const cat = clone(seed) as Catalogue;
    cat.departments[0].orgCode = 'MB123456-1';
    const t = cat.templates.find((x) => x.id === 'multilevel');
    if (t) t.steps[2].level = 'village';
    const fields = validateCatalogue(cat).map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['orgCode', 'steps[3].level']));
  });
});

describe('process steps', () => {
  it('scales template limits into the promised days and resolves departments', () => {
    const it0 = seed.items.find((i) => i.processTemplate === 'joint') as Item;
    const tpl = seed.templates.find((t) => t.id === 'joint');
    if (!tpl) throw new Error('no joint template');
    const steps = effectiveSteps(it0, tpl);
    expect(steps.reduce((s, x) => s + x.limitDays, 0)).toBeLessThanOrEqual(it0.promisedDays);
    expect(steps[1].depts).toEqual([it0.deptCode, ...it0.jointDepts]);
    const village = seed.items.find((i) => i.level === 'village') as Item;
    const ml = seed.templates.find((t) => t.id === 'multilevel');
    if (!ml) throw new Error('no multilevel template');
    const vs = effectiveSteps(village, ml);
    expect(vs.map((s) => s.level)).toEqual(['village', 'town', 'county']);
    expect(vs[0].depts[0]).not.toBe(village.deptCode); // the town accepts, the county department decides
    expect(vs[2].depts).toEqual([village.deptCode]);
  });
});

describe('CSV', () => {
  it('parses quotes, doubled quotes, CRLF, BOM and newlines inside cells', () => {
    expect(parseCsv('\ufeffa,b\r\n"x, y","say ""hi"""\n"multi\nline",z')).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"'],
      ['multi\nline', 'z'],
    ]);
    expect(() => parseCsv('"open')).toThrow('未闭合');
  });

  const header =
    '实施编码,事项名称,事项类型,所属厅,实施机关编码,办理层级,服务对象,主题,法定办结时限,承诺办结时限,办件类型,受理条件,设定依据,申请材料,是否收费,到现场次数,网上办理深度,送达方式,办理地点,办理时间,咨询电话,投诉电话,流程模板';
  const row = (code: string, over: Partial<Record<string, string>> = {}) => {
    const v: Record<string, string> = {
      code,
      name: '小餐饮登记',
      type: '行政许可',
      hall: 'guoyang',
      dept: '341621-scjgj',
      level: '县级',
      aud: '自然人、法人',
      themes: '准营准办',
      legal: '20',
      promised: '5',
      kind: '承诺件',
      cond: '符合条件的小餐饮经营者',
      basis: '《安徽省食品安全条例》',
      mats: '经营者身份证明|是|电子|0|政府部门核发；登记申请表|是|电子|0|申请人自备',
      fee: '否',
      visits: '0',
      depth: '四级',
      delivery: '电子、邮寄',
      place: '涡阳县政务服务中心',
      hours: '工作日',
      consult: '0558-12315',
      complain: '0558-12345',
      tpl: 'simple',
      ...over,
    };
    return Object.values(v)
      .map((c) => (/[,"\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c))
      .join(',');
  };

  it('turns rows into items (Chinese words for levels, audiences, depth, materials)', () => {
    const { items, errors } = csvItems([header, row('AB12345678')].join('\n'));
    expect(errors).toEqual([]);
    expect(items[0].row).toBe(2);
    expect(items[0].input).toMatchObject({
      level: 'county',
      audience: ['person', 'enterprise'],
      onlineDepth: 4,
      legalDays: 20,
      fees: { charged: false },
      materials: [
        { name: '经营者身份证明', required: true, form: '电子', copies: 0, source: '政府部门核发' },
        expect.anything(),
      ],
    });
  });

  it('an import with any bad row loads nothing and reports every error with its row', () => {
    const csv = [
      header,
      row('AB12345678'),
      row('AB12345679', { depth: '四级', visits: '1' }),
      row('AB12345670', { dept: '341621-nope', fee: '是' }),
      row('AB12345671', { level: '火星' }),
    ].join('\n');
    const r = prepareImport(seed, { kind: 'csv', text: csv });
    expect(r.catalogue).toBeUndefined();
    const rows = r.errors.map((e) => `${e.row}:${e.field}`);
    expect(rows).toEqual(expect.arrayContaining(['5:level']));
    for (const e of r.errors) expect(e.message).toMatch(/[\u4e00-\u9fa5]/);
  });

  it('rule and reference errors come with the CSV line', () => {
    const csv = [
      header,
      row('AB12345678'),
      row('AB12345679', { visits: '1' }),
      row('AB12345670', { dept: '341621-nope' }),
    ].join('\n');
    const r = prepareImport(seed, { kind: 'csv', text: csv });
    expect(r.catalogue).toBeUndefined();
    expect(r.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ row: 3, field: 'visits' }),
        expect.objectContaining({ row: 4, field: 'deptCode' }),
      ]),
    );
  });

  it('a clean CSV adds and updates items on top of the current catalogue', () => {
    const existing = seed.items.find((i) => i.hallId === 'guoyang' && i.name === '食品经营许可') as Item;
    const csv = [header, row('AB12345678'), row(existing.code, { name: '食品经营许可', promised: '3' })].join(
      '\n',
    );
    const r = prepareImport(seed, { kind: 'csv', text: csv });
    expect(r.errors).toEqual([]);
    expect(r.summary).toMatchObject({ added: 1, updated: 1, items: seed.items.length + 1 });
    expect(r.catalogue?.items.find((i) => i.code === existing.code)?.promisedDays).toBe(3);
  });

  it('rejects unknown and missing columns', () => {
    const r = csvItems('事项名称,颜色\n居民身份证补领,红');
    expect(r.errors.map((e) => e.field)).toEqual(expect.arrayContaining(['颜色', '实施编码', '流程模板']));
  });
});

describe('JSON import', () => {
  it('the seed itself imports cleanly', () => {
    const r = prepareImport(seed, { kind: 'json', data: JSON.parse(JSON.stringify(seed)) });
    expect(r.errors).toEqual([]);
    expect(r.summary?.items).toBe(seed.items.length);
  });
  it('reports schema errors of every row, with the list and code', () => {
    const data = JSON.parse(JSON.stringify(seed));
    data.items[0].onlineDepth = 7;
    delete data.items[5].name;
    data.departments[2].level = 'planet';
    const r = prepareImport(seed, { kind: 'json', data });
    expect(r.catalogue).toBeUndefined();
    expect(r.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ row: 1, field: 'onlineDepth' }),
        expect.objectContaining({ row: 6, field: 'name', message: '此项必填' }),
        expect.objectContaining({ row: 3, field: 'level' }),
      ]),
    );
  });
  it('refuses what is not a catalogue object', () => {
    expect(prepareImport(seed, { kind: 'json', data: [1, 2] }).errors[0].field).toBe('(文件)');
  });
});

describe('an import that removes much of the catalogue', () => {
  const summary = (removed: number) => ({
    items: 0,
    added: 0,
    updated: 0,
    removed,
    departments: 0,
    templates: 0,
  });
  it('goes ahead when it removes a tenth or less, and otherwise only with the exact number confirmed', () => {
    expect(removalUnconfirmed(summary(0), 1219, undefined)).toBeUndefined();
    expect(removalUnconfirmed(summary(121), 1219, undefined)).toBeUndefined();
    expect(removalUnconfirmed(summary(1219), 1219, undefined)).toMatch(
      /将删除现有目录中的 1219 个事项（占 100%）/,
    );
    expect(removalUnconfirmed(summary(1219), 1219, 1000)).toBeDefined();
    expect(removalUnconfirmed(summary(1219), 1219, 1219)).toBeUndefined();
  });
});
