/**
 * The one validator of a filled application form (functions/domain/forms.ts), shared by the portal
 * and the filing handler: every bad input the hardening issue lists is refused per field with a
 * Chinese message, and a good form comes back normalised.
 */
import { describe, expect, it } from 'vitest';
import {
  checkDefinition,
  EXAMPLE_VALUES,
  exampleForm,
  type FormDefinition,
  type FormField,
  formErrorSummary,
  validateForm,
  WHOLE_FORM,
} from '#domain/forms.ts';
import { buildApplicationForm } from '#functions/catalogue/forms.ts';

const person = buildApplicationForm({ audience: 'person' });
const either = buildApplicationForm({ audience: 'either' });
const household = buildApplicationForm({ audience: 'person', household: true, paysOut: true });

const good = () => exampleForm(person);

function errorsOf(def: FormDefinition, input: unknown) {
  const r = validateForm(def, input);
  if (r.ok) throw new Error(`expected errors, got ${JSON.stringify(r.value)}`);
  return r.errors;
}
const codeOf = (def: FormDefinition, input: unknown, field: string) =>
  errorsOf(def, input).find((e) => e.field === field)?.code;

const one = (field: Partial<FormField>): FormDefinition => ({
  fields: [{ key: 'v', label: '内容', type: 'text', ...field } as FormField],
});

describe('validateForm: a good form', () => {
  it('passes and comes back normalised', () => {
    const r = validateForm(person, {
      name: '  张三 ',
      idNumber: ' 11010519491231002x ',
      phone: '+86 138 0000 0001',
      address: '  亳州市谯城区\r\n魏武大道 100 号\t',
      note: ' 第一行\r\n第二行\t ',
      declaration: true,
    });
    expect(r).toEqual({
      ok: true,
      value: {
        name: '张三',
        idNumber: '11010519491231002X',
        phone: '13800000001',
        address: '亳州市谯城区 魏武大道 100 号',
        note: '第一行\n第二行',
        declaration: true,
      },
    });
  });

  it('leaves out empty optional fields and takes full-width digits', () => {
    const r = validateForm(person, {
      ...good(),
      note: '   ',
      idNumber: '３４１６０２１９９００１０１１２３４',
    });
    expect(r.ok && r.value).toMatchObject({ idNumber: '341602199001011234' });
    expect(r.ok && 'note' in r.value).toBe(false);
  });

  it('every form the standard builder gives accepts its own example', () => {
    for (const audience of ['person', 'enterprise', 'either'] as const)
      for (const extra of [{}, { couple: true }, { household: true, paysOut: true }]) {
        const def = buildApplicationForm({ audience, ...extra });
        expect(checkDefinition(def), def.id).toEqual([]);
        expect(validateForm(def, exampleForm(def)), def.id).toMatchObject({ ok: true });
      }
  });
});

describe('validateForm: the form as a whole', () => {
  it.each([
    ['an empty string', ''],
    ['a string', '{"name":"张三"}'],
    ['null', null],
    ['a number', 42],
    ['an array', [['name', '张三']]],
    ['true', true],
  ])('refuses %s instead of an object', (_, input) => {
    expect(errorsOf(person, input)).toEqual([
      { field: WHOLE_FORM, code: 'FORM_NOT_OBJECT', message: expect.stringMatching(/申请表/) },
    ]);
  });

  it('takes a plain object without a prototype, but not a Date or a Map', () => {
    expect(validateForm(person, Object.assign(Object.create(null), good())).ok).toBe(true);
    expect(errorsOf(person, new Date())[0].code).toBe('FORM_NOT_OBJECT');
    expect(errorsOf(person, new Map(Object.entries(good())))[0].code).toBe('FORM_NOT_OBJECT');
  });

  it('{} lists every required field, in Chinese, and only those', () => {
    const errors = errorsOf(person, {});
    expect(errors.map((e) => e.field)).toEqual(['name', 'idNumber', 'phone', 'address', 'declaration']);
    expect(errors.every((e) => e.code === 'REQUIRED')).toBe(true);
    expect(errors.find((e) => e.field === 'address')?.message).toBe('请填写联系地址');
    expect(errors.find((e) => e.field === 'declaration')?.message).toMatch(/^请勾选“/);
    expect(formErrorSummary(errors)).toBe('申请表有 5 处填写有误，请按提示修改');
  });

  it('refuses the empty-string key and unknown keys', () => {
    expect(errorsOf(person, { ...good(), '': 'x' })).toEqual([
      { field: '', code: 'EMPTY_KEY', message: '申请表的字段名不能为空' },
    ]);
    const unknown = errorsOf(person, { ...good(), 联系地址: '别处', __proto__x: 'y' });
    expect(unknown.map((e) => [e.field, e.code])).toEqual([
      ['联系地址', 'UNKNOWN_FIELD'],
      ['__proto__x', 'UNKNOWN_FIELD'],
    ]);
    expect(unknown[0].message).toBe('本事项的申请表中没有“联系地址”这一项');
  });

  it('a __proto__ key from JSON is an unknown key, and does not reach the value', () => {
    const input = JSON.parse(`{"__proto__":{"polluted":true},${JSON.stringify(good()).slice(1)}`);
    expect(codeOf(person, input, '__proto__')).toBe('UNKNOWN_FIELD');
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it('shows back an unknown key without its control characters, cut short', () => {
    const [e] = errorsOf(person, { ...good(), [`a\u0000b${'长'.repeat(50)}`]: 'x' });
    expect(e.field.includes('\u0000')).toBe(false);
    expect([...e.field].length).toBeLessThanOrEqual(31);
  });

  it('refuses more than 100 keys outright', () => {
    const many = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`k${i}`, 'x']));
    expect(errorsOf(person, many)).toEqual([
      { field: WHOLE_FORM, code: 'TOO_MANY_FIELDS', message: expect.any(String) },
    ]);
  });
});

describe('validateForm: values', () => {
  it.each([
    ['a number where the address goes', 12345],
    ['1e308', 1e308],
    ['5e-324', 5e-324],
    ['2^53 + 2', 2 ** 53 + 2],
    ['-2^53 - 2', -(2 ** 53) - 2],
    ['null', null],
    ['an array', ['亳州市']],
    ['an object', { city: '亳州' }],
    ['a boolean', true],
  ])('refuses %s as text', (_, value) => {
    const errors = errorsOf(person, { ...good(), address: value });
    expect(errors).toEqual([{ field: 'address', code: 'NOT_TEXT', message: '联系地址应填写文字内容' }]);
  });

  it('refuses anything but a boolean for a checkbox', () => {
    for (const v of ['true', 1, 'on', null])
      expect(codeOf(person, { ...good(), declaration: v }, 'declaration')).toBe('NOT_BOOLEAN');
    expect(codeOf(person, { ...good(), declaration: false }, 'declaration')).toBe('REQUIRED');
  });

  it.each([
    ['NUL', 'a\u0000b'],
    ['a bell', '亳州\u0007'],
    ['escape', '\u001b[31m亳州'],
    ['DEL', '亳州\u007f'],
    ['a C1 control', '亳州\u0085路'],
    ['a bidi override', '亳州\u202e路 1 号'],
    ['a bidi isolate', '亳州\u2066路 1 号'],
    ['vertical tab', '亳州\u000b路'],
  ])('refuses %s in text', (_, value) => {
    expect(codeOf(person, { ...good(), address: value }, 'address')).toBe('CONTROL_CHARS');
    expect(codeOf(person, { ...good(), note: value }, 'note')).toBe('CONTROL_CHARS');
  });

  it('keeps newlines and tabs in a textarea, folds them into spaces on one line', () => {
    const r = validateForm(person, { ...good(), note: 'a\tb\nc', address: '亳州市\n谯城区\t1 号' });
    expect(r.ok && r.value).toMatchObject({ note: 'a\tb\nc', address: '亳州市 谯城区 1 号' });
  });

  it.each([
    ['a lone high surrogate', '亳州\ud83d路'],
    ['a lone low surrogate', '亳州\ude00路'],
    ['a reversed pair', '亳州\ude00\ud83d'],
    ['a high surrogate at the end', '亳州市谯城区\ud83d'],
  ])('refuses %s', (_, value) => {
    expect(codeOf(person, { ...good(), address: value }, 'address')).toBe('LONE_SURROGATE');
  });

  it('takes whole surrogate pairs (emoji, rare characters) and counts them as one character', () => {
    const def = one({ maxLength: 3 });
    expect(validateForm(def, { v: '𠀀😀a' })).toEqual({ ok: true, value: { v: '𠀀😀a' } });
    expect(codeOf(def, { v: '𠀀😀ab' }, 'v')).toBe('TOO_LONG');
  });

  it('holds max lengths, by type default and by definition', () => {
    expect(codeOf(person, { ...good(), address: '亳'.repeat(201) }, 'address')).toBe('TOO_LONG');
    expect(validateForm(person, { ...good(), address: '亳'.repeat(200) }).ok).toBe(true);
    expect(codeOf(person, { ...good(), note: 'x'.repeat(1001) }, 'note')).toBe('TOO_LONG');
    const [e] = errorsOf(one({ maxLength: 5 }), { v: '一二三四五六' });
    expect(e).toEqual({ field: 'v', code: 'TOO_LONG', message: '内容最多 5 个字，现有 6 个' });
    expect(codeOf(person, { ...good(), address: '亳州' }, 'address')).toBe('TOO_SHORT');
  });

  it('treats blank required text as missing', () => {
    for (const v of ['', '   ', '\n\t'])
      expect(codeOf(person, { ...good(), address: v }, 'address')).toBe('REQUIRED');
  });

  it('checks resident IDs (format, region, birth date, checksum) with the ID messages', () => {
    expect(codeOf(person, { ...good(), idNumber: '34160219900101123' }, 'idNumber')).toBe('ID_FORMAT');
    expect(codeOf(person, { ...good(), idNumber: '341602199001011235' }, 'idNumber')).toBe('ID_CHECKSUM');
    expect(codeOf(person, { ...good(), idNumber: '991602199001011234' }, 'idNumber')).toBe('ID_REGION');
    expect(codeOf(person, { ...good(), idNumber: '341602199002301234' }, 'idNumber')).toBe('ID_BIRTHDATE');
    expect(errorsOf(person, { ...good(), idNumber: '341602199001011235' })[0].message).toBe(
      '身份证号码校验位不正确，请核对是否输错',
    );
    expect(codeOf(person, { ...good(), idNumber: '3'.repeat(70) }, 'idNumber')).toBe('ID_FORMAT');
  });

  it('checks phones: mobiles, fixed lines with an area code, nothing else', () => {
    for (const [input, value] of [
      ['138 0000 0001', '13800000001'],
      ['0558-5512345', '0558-5512345'],
      ['(0558)5512345', '05585512345'],
      ['０５５８－５５１２３４５', '0558-5512345'],
    ])
      expect(validateForm(person, { ...good(), phone: input })).toMatchObject({
        ok: true,
        value: { phone: value },
      });
    for (const bad of ['12345', '1380000000', '23800000001', '5512345', 'phone'])
      expect(codeOf(person, { ...good(), phone: bad }, 'phone')).toBe('INVALID_PHONE');
  });

  it('checks names with the real-name rules', () => {
    expect(codeOf(person, { ...good(), name: '张3' }, 'name')).toBe('NAME_FORMAT');
    expect(codeOf(person, { ...good(), name: '张' }, 'name')).toBe('NAME_FORMAT');
    expect(validateForm(person, { ...good(), name: '阿依古丽•买买提' })).toMatchObject({
      ok: true,
      value: { name: '阿依古丽·买买提' },
    });
  });

  it('checks USCC checksums and upper-cases them', () => {
    const unit = { ...exampleForm(either), applicantType: '单位' };
    const base = exampleForm(either, { applicantType: '单位' });
    expect(validateForm(either, { ...base, uscc: '91341602ma2n00000q' })).toMatchObject({
      ok: true,
      value: { uscc: '91341602MA2N00000Q' },
    });
    expect(codeOf(either, { ...base, uscc: '91341602MA2N00000R' }, 'uscc')).toBe('USCC_CHECKSUM');
    expect(codeOf(either, { ...base, uscc: '91341602MA2N0000' }, 'uscc')).toBe('USCC_FORMAT');
    expect(unit.applicantType).toBe('单位');
  });
});

describe('validateForm: choices and conditions', () => {
  it('takes only the options of a choice', () => {
    const base = exampleForm(either);
    expect(codeOf(either, { ...base, applicantType: '企业' }, 'applicantType')).toBe('INVALID_CHOICE');
    expect(errorsOf(either, { ...base, applicantType: '企业' })[0].message).toBe(
      '申请人类型只能选择：个人、单位',
    );
    expect(codeOf(either, { ...base, applicantType: '' }, 'applicantType')).toBe('REQUIRED');
  });

  it('asks the fields of the chosen kind of applicant only, and drops the others', () => {
    const asPerson = exampleForm(either);
    expect(asPerson).toMatchObject({ applicantType: '个人', name: '张三' });
    expect('uscc' in asPerson).toBe(false);
    const r = validateForm(either, { ...asPerson, companyName: '某公司' });
    expect(r.ok && 'companyName' in r.value).toBe(false);
    const asUnit = exampleForm(either, { applicantType: '单位' });
    expect('idNumber' in asUnit).toBe(false);
    const missing = errorsOf(either, { ...asUnit, uscc: undefined });
    expect(missing.map((e) => e.field)).toEqual(['uscc']);
    // A value of a field not asked must still be text.
    expect(codeOf(either, { ...asUnit, idNumber: 341602 }, 'idNumber')).toBe('NOT_TEXT');
  });

  it('does not judge the dependent fields while the choice itself is wrong', () => {
    const errors = errorsOf(either, { applicantType: 7 });
    expect(errors.map((e) => e.field)).toEqual(['applicantType', 'phone', 'address', 'declaration']);
  });
});

describe('validateForm: numbers, dates, e-mail, bank accounts', () => {
  it('reads numbers as decimal text within bounds', () => {
    const ok = (v: string) => validateForm(household, exampleForm(household, { monthlyIncome: v }));
    expect(ok('800')).toMatchObject({ ok: true, value: { monthlyIncome: '800' } });
    expect(ok('０８００.５0')).toMatchObject({ ok: true, value: { monthlyIncome: '800.50' } });
    expect(ok('+12')).toMatchObject({ ok: true, value: { monthlyIncome: '12' } });
    const code = (v: unknown, key = 'monthlyIncome') =>
      codeOf(household, { ...exampleForm(household), [key]: v }, key);
    for (const v of ['1e3', 'NaN', 'Infinity', '0x10', '1,000', '12.1234567', '八百', '.5', '5.'])
      expect(code(v), v).toBe('INVALID_NUMBER');
    expect(code('-1')).toBe('OUT_OF_RANGE');
    expect(code('1000001')).toBe('OUT_OF_RANGE');
    expect(code('9'.repeat(40))).toBe('OUT_OF_RANGE');
    expect(code(800)).toBe('NOT_TEXT');
    expect(code('2.5', 'householdSize')).toBe('INVALID_NUMBER');
    expect(code('0', 'householdSize')).toBe('OUT_OF_RANGE');
    expect(validateForm(household, exampleForm(household, { householdSize: '3.0' }))).toMatchObject({
      ok: true,
      value: { householdSize: '3' },
    });
  });

  it('reads dates in the usual ways and refuses impossible ones', () => {
    const def = one({ type: 'date', label: '出生日期' });
    for (const [input, value] of [
      ['2026-03-02', '2026-03-02'],
      ['2026/3/2', '2026-03-02'],
      ['2026年3月2日', '2026-03-02'],
      ['2024-02-29', '2024-02-29'],
    ])
      expect(validateForm(def, { v: input })).toEqual({ ok: true, value: { v: value } });
    for (const bad of ['2026-02-29', '2026-13-01', '1899-12-31', '2026-3', '明天', '20260302'])
      expect(codeOf(def, { v: bad }, 'v'), bad).toBe('INVALID_DATE');
  });

  it('checks e-mail addresses and bank accounts', () => {
    const mail = one({ type: 'email', label: '电子邮箱' });
    expect(validateForm(mail, { v: ' ZhangSan@Example.com ' })).toEqual({
      ok: true,
      value: { v: 'ZhangSan@Example.com' },
    });
    for (const bad of ['zhangsan', 'a@b', 'a b@c.cn', '@example.com'])
      expect(codeOf(mail, { v: bad }, 'v'), bad).toBe('INVALID_EMAIL');
    const bank = one({ type: 'bank-account', label: '银行账号' });
    expect(validateForm(bank, { v: '6230 0000 0000 0000 001' })).toEqual({
      ok: true,
      value: { v: '6230000000000000001' },
    });
    for (const bad of ['1234567', 'abcd12345678', '1'.repeat(31)])
      expect(codeOf(bank, { v: bad }, 'v'), bad).toBe('INVALID_BANK_ACCOUNT');
  });
});

describe('checkDefinition', () => {
  const problems = (fields: Partial<FormField>[]) =>
    checkDefinition({ fields: fields as FormField[] }).map((p) => `${p.path} ${p.message}`);

  it('refuses what a form cannot be', () => {
    expect(problems([])).toEqual(['fields 申请表至少需要一个字段']);
    const out = problems([
      { key: 'Name', label: '姓名', type: 'text' },
      { key: 'a', label: '', type: 'text' },
      { key: 'a', label: '重复', type: 'text' },
      { key: 'b', label: '类型', type: 'money' as never },
      { key: 'c', label: '选项', type: 'choice', options: ['是'] },
      { key: 'd', label: '选项', type: 'choice', options: ['是', '是'] },
      { key: 'e', label: '长度', type: 'id-number', maxLength: 18 },
      { key: 'f', label: '长度', type: 'text', maxLength: 100_000 },
      { key: 'g', label: '范围', type: 'number', min: 5, max: 1 },
      { key: 'h', label: '范围', type: 'text', min: 1 },
      { key: 'i', label: '条件', type: 'text', when: { key: 'zz', equals: '是' } },
      { key: 'j', label: '条件', type: 'text', when: { key: 'd', equals: '否' } },
      { key: 'k', label: '自动', type: 'text', prefill: 'idNumber' },
      { key: 'l', label: '选项', type: 'text', options: ['a', 'b'] },
      { key: 'm', label: '控制\u0000字符', type: 'text' },
    ]);
    for (const expected of [
      'fields[1].key',
      'fields[2].label',
      'fields[3].key 字段名 a 重复',
      'fields[4].type',
      'fields[5].options 选择题需要 2–30 个选项',
      'fields[6].options 选项重复',
      'fields[7].maxLength',
      'fields[8].maxLength 最大长度应为 1–500 之间的整数',
      'fields[9].min 最小值不能大于最大值',
      'fields[10].min',
      'fields[11].when.key',
      'fields[12].when.equals',
      'fields[13].prefill 自动填写来源与字段类型不符',
      'fields[14].options 只有选择题（choice）可以设置选项',
      'fields[15].label',
    ])
      expect(
        out.some((o) => o.startsWith(expected)),
        `${expected}\n${out.join('\n')}`,
      ).toBe(true);
  });

  it('the example values pass their own checks', () => {
    for (const [type, v] of Object.entries(EXAMPLE_VALUES))
      expect(validateForm(one({ type: type as FormField['type'] }), { v }).ok, type).toBe(true);
  });
});
