/**
 * Forms as catalogue data, over the whole seed: every item names an application form the catalogue
 * carries, every one of those is a valid definition whose example passes the filing validator; every
 * material with a form names a template, and the portal draws each (web/lib/forms.ts) with the right
 * parties, a signature line and, on the sample, example values in every box — what the regex rules
 * of the portal drew before, now from data. Bad form definitions are import errors with row and field.
 */
import { describe, expect, it } from 'vitest';
import { checkDefinition, exampleForm, validateForm } from '#domain/forms.ts';
import { prepareImport } from '#functions/catalogue/csv.ts';
import { applicationFormOf, type FormTemplate } from '#functions/catalogue/forms.ts';
import { type Catalogue, formatError, type Item, validateCatalogue } from '#functions/catalogue/model.ts';
import { loadSeedCatalogue } from '#functions/catalogue/store.ts';
import { generate } from '../../infra/seed/catalogue/generate.ts';
import {
  type FormSheet,
  formFor,
  formHref,
  formRows,
  type GuideWithForms,
  initialValues,
  inputAttrs,
  materialFormLinks,
  parseMaterialIndex,
} from '../../web/lib/forms.ts';

const seed = loadSeedCatalogue();
const depts = new Map(seed.departments.map((d) => [d.code, d]));
const templates = new Map(seed.formTemplates.map((t) => [t.id, t]));
const clone = <T>(v: T): T => structuredClone(v);

function guide(item: Item): GuideWithForms {
  const d = depts.get(item.deptCode);
  const formTemplates: Record<string, FormTemplate> = {};
  for (const m of item.materials)
    if (m.formTemplate) formTemplates[m.formTemplate] = templates.get(m.formTemplate)!;
  return {
    item,
    department: d ? { code: d.code, name: d.name } : null,
    hall: null,
    jointDepartments: [],
    processTemplate: null,
    steps: [],
    applicationForm: applicationFormOf(item, seed.applicationForms),
    formTemplates,
  } as unknown as GuideWithForms;
}

function sheetOf(item: Item, index: number, sample = false): FormSheet {
  const r = formFor(guide(item), index, sample);
  if (!r.ok) throw new Error(`${item.name} #${index}: ${r.message}`);
  return r.sheet;
}

const labels = (s: FormSheet) => s.sections.flatMap((x) => x.fields ?? []).map((f) => f.label);
const titles = (s: FormSheet) => s.sections.map((x) => x.title);

/** The first item (optionally matching) with a form material whose name matches. */
function find(material: RegExp, item: (i: Item) => boolean = () => true): [Item, number] {
  for (const i of seed.items) {
    const k = i.materials.findIndex((m) => m.formTemplate && material.test(m.name));
    if (k >= 0 && item(i)) return [i, k];
  }
  throw new Error(`no material ${material}`);
}

describe('application forms of the seed catalogue', () => {
  it('every item names a form of the catalogue, a valid definition its example passes', () => {
    const ids = new Set(seed.applicationForms.map((f) => f.id));
    for (const f of seed.applicationForms) expect(checkDefinition(f), f.id).toEqual([]);
    for (const item of seed.items) {
      expect(ids.has(item.applicationForm ?? ''), item.code).toBe(true);
      const def = applicationFormOf(item, seed.applicationForms);
      expect(def.id).toBe(item.applicationForm);
      expect(validateForm(def, exampleForm(def)), item.code).toMatchObject({ ok: true });
    }
    expect(seed.items.length).toBe(1219);
  });

  it('a person item asks name, ID, phone and address; an enterprise item the unit, its USCC and legal representative', () => {
    const keys = (i: Item) => applicationFormOf(i, seed.applicationForms).fields.map((f) => f.key);
    const personal = seed.items.find((i) => i.name === '居民身份证申领') as Item;
    expect(keys(personal)).toEqual(
      expect.arrayContaining(['name', 'idNumber', 'phone', 'address', 'note', 'declaration']),
    );
    expect(keys(personal)).not.toContain('uscc');
    const business = seed.items.find((i) => i.audience.join() === 'enterprise') as Item;
    expect(keys(business)).toEqual(
      expect.arrayContaining(['companyName', 'uscc', 'legalRep', 'contactName', 'phone', 'address']),
    );
    expect(keys(business)).not.toContain('idNumber');
    const both = seed.items.find((i) => i.audience.length === 2) as Item;
    const form = applicationFormOf(both, seed.applicationForms);
    expect(form.fields[0]).toMatchObject({ key: 'applicantType', type: 'choice', options: ['个人', '单位'] });
    expect(form.fields.find((f) => f.key === 'uscc')?.when).toEqual({ key: 'applicantType', equals: '单位' });
  });

  it('item-specific fields where the rules know them: both parties, the household, the account', () => {
    const keysOf = (name: string) =>
      applicationFormOf(seed.items.find((i) => i.name === name) as Item, seed.applicationForms).fields.map(
        (f) => f.key,
      );
    expect(keysOf('结婚登记')).toEqual(expect.arrayContaining(['spouseName', 'spouseIdNumber']));
    expect(keysOf('最低生活保障申请受理')).toEqual(
      expect.arrayContaining(['householdSize', 'monthlyIncome', 'householdMembers', 'accountNumber']),
    );
    expect(keysOf('高龄津贴申领')).toContain('accountNumber');
    expect(keysOf('失业保险金申领')).toContain('accountNumber');
    expect(keysOf('居民身份证申领')).not.toContain('accountNumber');
  });

  it('an item without a form asks the standard form of its audience', () => {
    const { applicationForm: _, ...bare } = seed.items.find(
      (i) => i.audience.join() === 'enterprise',
    ) as Item;
    expect(applicationFormOf(bare, seed.applicationForms).fields.map((f) => f.key)).toContain('uscc');
    expect(applicationFormOf({ audience: ['person'] }, []).id).toBe('person');
  });

  it('the generator is deterministic', () => {
    expect(JSON.stringify(generate())).toBe(JSON.stringify(generate()));
  });
});

describe('the apply page reads a definition', () => {
  const def = applicationFormOf({ audience: ['person', 'enterprise'] }, []);
  it('fills in from the account and chooses the kind of applicant', () => {
    const v = initialValues(
      def,
      { name: '张三', phone: '13800000001', idNumber: '341602199001011234' },
      false,
    );
    expect(v).toMatchObject({
      applicantType: '个人',
      name: '张三',
      idNumber: '341602199001011234',
      declaration: false,
    });
    expect(initialValues(def, { uscc: '91341602MA2N00000Q' }, true)).toMatchObject({
      applicantType: '单位',
      uscc: '91341602MA2N00000Q',
    });
  });

  it('shows a filed form as labelled rows in the order of its definition', () => {
    const rows = formRows(def, {
      note: '无',
      phone: '13800000001',
      applicantType: '个人',
      declaration: true,
      联系地址: '旧',
    });
    expect(rows).toEqual([
      { key: 'applicantType', label: '申请人类型', value: '个人' },
      { key: 'phone', label: '联系电话', value: '13800000001' },
      { key: 'note', label: '申请说明', value: '无' },
      { key: 'declaration', label: '本人承诺所填内容和所交材料真实、有效', value: '已勾选' },
      { key: '联系地址', label: '联系地址', value: '旧' },
    ]);
  });

  it('gives phones and IDs the right keyboard and autofill', () => {
    const field = (k: string) => def.fields.find((f) => f.key === k)!;
    expect(inputAttrs(field('phone'))).toMatchObject({ type: 'tel', inputMode: 'tel', autoComplete: 'tel' });
    expect(inputAttrs(field('idNumber'))).toMatchObject({ inputMode: 'text', autoCapitalize: 'characters' });
    expect(inputAttrs(field('address'))).toMatchObject({ autoComplete: 'street-address' });
    expect(inputAttrs(field('name'))).toMatchObject({ autoComplete: 'name' });
  });
});

describe('form templates of the seed catalogue', () => {
  it('every material with a form names a template the catalogue carries, and links to the form page', () => {
    let n = 0;
    for (const item of seed.items)
      item.materials.forEach((m, k) => {
        if (!m.formTemplate) return;
        n++;
        expect(templates.has(m.formTemplate), `${item.code} #${k}`).toBe(true);
        expect(m.blankForm).toBeUndefined();
        const links = materialFormLinks(item.code, m, k);
        const url = new URL(links.blank as string, 'https://portal.example');
        expect(url.pathname).toBe('/forms/');
        expect(url.searchParams.get('code')).toBe(item.code);
        expect(parseMaterialIndex(url.searchParams.get('m'))).toBe(k);
        expect(links.sample).toBe(`${links.blank}&sample=1`);
      });
    expect(n).toBeGreaterThan(500);
    expect(seed.formTemplates.length).toBeLessThan(30);
  });

  it('every form of the catalogue draws, titled by its material, with a signature and date line', () => {
    for (const item of seed.items)
      item.materials.forEach((m, k) => {
        if (!m.formTemplate) return;
        const blank = sheetOf(item, k);
        expect(blank.title).toBe(m.name);
        expect(blank.itemName).toBe(item.name);
        expect(blank.department).not.toBe(item.deptCode);
        expect(blank.signers.length).toBeGreaterThan(0);
        expect(blank.otherHref).toBe(formHref(item.code, k, true));
        expect(JSON.stringify(blank)).not.toContain('{事项名称}');
        const sample = sheetOf(item, k, true);
        expect(sample.otherHref).toBe(formHref(item.code, k));
        // The sample fills every box but the window's own.
        for (const s of sample.sections.filter((x) => !x.office))
          for (const f of s.fields ?? []) expect(f.example || f.preset, `${m.name}: ${f.label}`).toBeTruthy();
      });
  });
});

describe('formFor', () => {
  it('an application by a person asks for the person and the reason, signed 申请人', () => {
    const [item, k] = find(/^居民身份证申领登记表$/);
    const s = sheetOf(item, k);
    expect(labels(s)).toEqual(expect.arrayContaining(['申请人姓名', '公民身份号码', '联系电话', '联系地址']));
    expect(labels(s)).toContain('申请理由');
    const matter = s.sections.flatMap((x) => x.fields ?? []).find((f) => f.label === '申请事项');
    expect(matter?.preset).toBe(item.name);
    expect(s.signers.map((x) => x.label)).toEqual(['申请人（签字）']);
    expect(titles(s)).toContain('以下由受理窗口填写');
  });

  it('a 委托书 has 委托人, 受托人, 委托事项 and 委托期限, signed by both', () => {
    const [item, k] = find(/代办委托书/);
    const s = sheetOf(item, k);
    expect(titles(s)).toEqual(['委托人', '受托人', '委托内容']);
    expect(labels(s)).toEqual(expect.arrayContaining(['委托事项', '委托期限', '委托权限', '与委托人关系']));
    expect(s.signers.map((x) => x.label)).toEqual(['委托人（签字）', '受托人（签字）']);
    expect(s.sections.flatMap((x) => x.fields ?? []).find((f) => f.label === '委托事项')?.preset).toContain(
      item.name,
    );
  });

  it('an enterprise item asks for the unit and its credit code, signed and sealed', () => {
    const [item, k] = find(/申请/, (i) => i.audience.join() === 'enterprise');
    const s = sheetOf(item, k);
    expect(labels(s)).toEqual(
      expect.arrayContaining(['单位名称', '统一社会信用代码', '法定代表人（负责人）']),
    );
    expect(labels(s)).not.toContain('申请人姓名');
    expect(s.signers.map((x) => x.label)).toEqual(['法定代表人（签字）', '单位（盖章）']);
  });

  it('assistance items list the household and the account to pay into', () => {
    const [item, k] = find(/最低生活保障申请书/);
    const s = sheetOf(item, k, true);
    expect(titles(s)).toEqual(
      expect.arrayContaining(['申请人', '共同生活的家庭成员', '申请内容', '发放账户']),
    );
    const table = s.sections.find((x) => x.table)?.table;
    expect(table?.columns).toContain('公民身份号码');
    expect(table?.examples[0]).toContain('341602199001011234');
  });

  it('marriage papers are filed by both parties', () => {
    const [item, k] = find(/离婚协议书/);
    const s = sheetOf(item, k);
    expect(titles(s).slice(0, 2)).toEqual(['男方', '女方']);
    expect(s.signers.map((x) => x.label)).toEqual(['男方（签字）', '女方（签字）']);
  });

  it('法定代表人身份证明 and 授权书 have their own shapes', () => {
    const [i1, k1] = find(/法定代表人身份证明/);
    const legal = sheetOf(i1, k1);
    expect(labels(legal)).toEqual(expect.arrayContaining(['单位名称', '职务', '公民身份号码']));
    expect(legal.signers.map((x) => x.label)).toEqual(['单位（盖章）']);
    const [i2, k2] = find(/授权书/);
    const auth = sheetOf(i2, k2);
    expect(auth.sections.find((x) => x.table)?.table?.columns).toContain('本人签字');
    expect(auth.signers.map((x) => x.label)).toEqual(['授权人（签字）']);
  });

  it('draws what the template says: a changed template changes the paper', () => {
    const [item, k] = find(/代办委托书/);
    const g = guide(item);
    const id = item.materials[k].formTemplate as string;
    const changed = clone(g.formTemplates?.[id]) as FormTemplate;
    changed.sections[0].title = '委托人（本人）';
    changed.notes = ['受托人须为村（社区）代办员。'];
    const r = formFor({ ...g, formTemplates: { [id]: changed } }, k, false);
    expect(r.ok && r.sheet.sections[0].title).toBe('委托人（本人）');
    expect(r.ok && r.sheet.notes).toContain('受托人须为村（社区）代办员。');
  });

  it('says in Chinese when the index is wrong or the material has no form', () => {
    const [item] = find(/申请/);
    const g = guide(item);
    const bad = formFor(g, parseMaterialIndex('x'), false);
    expect(bad).toMatchObject({ ok: false, problem: 'bad-index' });
    const past = formFor(g, item.materials.length, false);
    expect(past).toMatchObject({ ok: false, problem: 'no-material' });
    if (!past.ok) expect(past.message).toContain(`第 ${item.materials.length + 1} 项`);
    const plain = seed.items.find((i) => i.materials.some((m) => !m.formTemplate)) as Item;
    const noForm = formFor(
      guide(plain),
      plain.materials.findIndex((m) => !m.formTemplate),
      false,
    );
    expect(noForm).toMatchObject({ ok: false, problem: 'no-form' });
    if (!noForm.ok) expect(noForm.message).toContain('没有统一的空白表格');
  });

  it('reads the material index strictly', () => {
    expect(parseMaterialIndex('0')).toBe(0);
    expect(parseMaterialIndex('12')).toBe(12);
    for (const raw of [null, undefined, '', '-1', '1.5', '1e2', ' 1', '9999'])
      expect(parseMaterialIndex(raw)).toBeUndefined();
  });
});

describe('bad form definitions are import errors, with row and field in Chinese', () => {
  const messages = (errors: { row?: number; ref?: string; field: string; message: string }[]) =>
    errors.map(formatError);

  it('a JSON import with a broken application form and template names each fault', () => {
    const data = {
      applicationForms: [
        ...clone(seed.applicationForms),
        {
          id: 'broken',
          name: '有问题的申请表',
          fields: [
            { key: 'a', label: '甲', type: 'choice', options: ['只有一个'] },
            { key: 'a', label: '乙', type: 'text' },
            { key: 'c', label: '丙', type: 'text', when: { key: 'zz', equals: '是' } },
          ],
        },
        { id: 'bad-type', name: '类型不对', fields: [{ key: 'x', label: '金额', type: 'money' }] },
      ],
      formTemplates: [
        ...clone(seed.formTemplates),
        {
          id: 'bad-paper',
          name: '有问题的模板',
          sections: [{ title: '空的' }, { title: '占位', text: '办理{申请人}的事项' }],
          signers: [{ label: '申请人（签字）', example: '张三' }],
        },
      ],
    };
    const r = prepareImport(seed, { kind: 'json', data });
    expect(r.catalogue).toBeUndefined();
    const lines = messages(r.errors);
    // Shape errors come first (the whole import stops there): the unknown field type.
    expect(lines.some((l) => l.includes('[申请表 bad-type]') && l.includes('fields[1].type'))).toBe(true);

    data.applicationForms.pop();
    const r2 = prepareImport(seed, { kind: 'json', data });
    const lines2 = messages(r2.errors);
    const n = seed.applicationForms.length + 1;
    for (const expected of [
      `第 ${n} 行 [申请表 broken] fields[1].options：选择题需要 2–30 个选项`,
      `第 ${n} 行 [申请表 broken] fields[2].key：字段名 a 重复`,
      `第 ${n} 行 [申请表 broken] fields[3].when.key：显示条件只能引用排在前面的选择题字段`,
      '[表格模板 bad-paper] sections[1]：分组至少要有填写项、表格或文字之一',
      '[表格模板 bad-paper] sections[2].text：占位符 {申请人} 不可用（只能用 {事项名称}）',
    ])
      expect(
        lines2.some((l) => l.endsWith(expected)),
        `${expected}\n${lines2.join('\n')}`,
      ).toBe(true);
  });

  it('items naming forms the catalogue does not carry are refused, in JSON and in CSV', () => {
    const cat = clone(seed) as Catalogue;
    const i = cat.items.findIndex((x) => x.materials.some((m) => m.formTemplate));
    cat.items[i].applicationForm = 'no-such-form';
    cat.items[i].materials.find((m) => m.formTemplate)!.formTemplate = 'no-such-template';
    const errs = validateCatalogue(cat).map(formatError);
    expect(errs).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/applicationForm：申请表 no-such-form 不存在/),
        expect.stringMatching(/materials\[\d+\]\.formTemplate：表格模板 no-such-template 不存在/),
      ]),
    );

    const item = seed.items.find((x) => x.hallId === 'city') as Item;
    const header =
      '实施编码,事项名称,事项类型,所属厅,实施机关编码,办理层级,服务对象,主题,法定办结时限,承诺办结时限,办件类型,受理条件,设定依据,申请材料,到现场次数,网上办理深度,送达方式,办理地点,办理时间,咨询电话,投诉电话,流程模板,申请表';
    const row = (form: string, tpl: string) =>
      [
        item.code,
        item.name,
        item.type,
        item.hallId,
        item.deptCode,
        '市级',
        item.audience.map((a) => (a === 'person' ? '自然人' : '法人')).join('、'),
        item.themes.join('、'),
        item.legalDays,
        item.promisedDays,
        item.caseKind,
        item.conditions,
        item.legalBasis,
        `申请表|是|原件|1|申请人自备|${tpl}`,
        item.visits,
        item.onlineDepth,
        item.delivery.join('、'),
        item.place,
        item.hours,
        item.consultPhone,
        item.complaintPhone,
        item.processTemplate,
        form,
      ]
        .map((c) => `"${String(c).replaceAll('"', '""')}"`)
        .join(',');
    const bad = prepareImport(seed, { kind: 'csv', text: `${header}\n${row('no-such-form', 'nope')}\n` });
    expect(messages(bad.errors)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^第 2 行 .*applicationForm：申请表 no-such-form 不存在/),
        expect.stringMatching(/^第 2 行 .*materials\[1\]\.formTemplate：表格模板 nope 不存在/),
      ]),
    );
    const good = prepareImport(seed, { kind: 'csv', text: `${header}\n${row('either', 'apply-either')}\n` });
    expect(good.errors).toEqual([]);
    const imported = good.catalogue?.items.find((x) => x.code === item.code);
    expect(imported?.applicationForm).toBe('either');
    expect(imported?.materials[0].formTemplate).toBe('apply-either');
    // An empty 申请表 cell: the standard form of the audience.
    const plain = prepareImport(seed, { kind: 'csv', text: `${header}\n${row('', '')}\n` });
    expect(plain.errors).toEqual([]);
    expect(plain.catalogue?.items.find((x) => x.code === item.code)?.applicationForm).toBeUndefined();
  });
});
