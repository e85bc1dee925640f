/**
 * The printable forms (web/lib/forms.ts) over the whole seed catalogue: every material that has a
 * form links to /forms/ with its item's code and its own index, and every one of them draws a form
 * with the right parties, a signature line and, on the sample, example values in every box.
 */
import { describe, expect, it } from 'vitest';
import type { Item } from '#functions/catalogue/model.ts';
import { loadSeedCatalogue } from '#functions/catalogue/store.ts';
import type { GuideAnswer } from '../../web/lib/catalogue.ts';
import { EXAMPLE, type FormSheet, formFor, formKind, parseMaterialIndex } from '../../web/lib/forms.ts';

const seed = loadSeedCatalogue();
const depts = new Map(seed.departments.map((d) => [d.code, d]));

function guide(item: Item): GuideAnswer {
  const d = depts.get(item.deptCode);
  return {
    item,
    department: d ? { code: d.code, name: d.name } : null,
    hall: null,
    jointDepartments: [],
    processTemplate: null,
    steps: [],
  } as unknown as GuideAnswer;
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
    const k = i.materials.findIndex((m) => m.blankForm && material.test(m.name));
    if (k >= 0 && item(i)) return [i, k];
  }
  throw new Error(`no material ${material}`);
}

describe('form links in the seed catalogue', () => {
  it('point at the printable form page with the item code and the material index', () => {
    let n = 0;
    for (const item of seed.items)
      item.materials.forEach((m, k) => {
        if (!m.blankForm) {
          expect(m.sample, `${item.code} #${k}`).toBeUndefined();
          return;
        }
        n++;
        const url = new URL(m.blankForm, 'https://portal.example');
        expect(url.pathname).toBe('/forms/');
        expect(url.searchParams.get('code')).toBe(item.code);
        expect(parseMaterialIndex(url.searchParams.get('m'))).toBe(k);
        expect(m.sample).toBe(`${m.blankForm}&sample=1`);
      });
    expect(n).toBeGreaterThan(500);
  });

  it('every form of the catalogue draws, titled by its material, with a signature and date line', () => {
    for (const item of seed.items)
      item.materials.forEach((m, k) => {
        if (!m.blankForm) return;
        const blank = sheetOf(item, k);
        expect(blank.title).toBe(m.name);
        expect(blank.itemName).toBe(item.name);
        expect(blank.department).not.toBe(item.deptCode);
        expect(blank.signers.length).toBeGreaterThan(0);
        expect(blank.otherHref).toBe(m.sample);
        const sample = sheetOf(item, k, true);
        expect(sample.otherHref).toBe(m.blankForm);
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
    expect(formKind(s.title)).toBe('apply');
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
    expect(table?.examples[0]).toContain(EXAMPLE.id);
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

  it('says in Chinese when the index is wrong or the material has no form', () => {
    const [item] = find(/申请/);
    const g = guide(item);
    const bad = formFor(g, parseMaterialIndex('x'), false);
    expect(bad).toMatchObject({ ok: false, problem: 'bad-index' });
    const past = formFor(g, item.materials.length, false);
    expect(past).toMatchObject({ ok: false, problem: 'no-material' });
    if (!past.ok) expect(past.message).toContain(`第 ${item.materials.length + 1} 项`);
    const plain = seed.items.find((i) => i.materials.some((m) => !m.blankForm)) as Item;
    const noForm = formFor(
      guide(plain),
      plain.materials.findIndex((m) => !m.blankForm),
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
