/**
 * Filing checks the application form against the item's definition (functions/domain/forms.ts),
 * through HTTP as a client would: every bad form is 422 FORM_INVALID with the field errors in
 * `details`, never a 500 and never a stored case; a good form is 201 and stored normalised. A
 * refused filing does not use up its Idempotency-Key.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { exampleForm, type FormDefinition } from '#domain/forms.ts';
import { call, login } from '../support/client.ts';
import { withMaterials } from '../support/materials.ts';

const HALL = 'qiaocheng';
let applicant: string;
let itemCode: string;
let form: FormDefinition;
let eitherCode: string;
let eitherForm: FormDefinition;

const path = `/api/halls/${HALL}/cases`;

async function file(body: unknown, key = randomUUID()) {
  // Materials are not what this file tests: each filing comes with a ready draft of its item.
  const withDraft = await withMaterials(applicant, HALL, body, key);
  return call('POST', path, { token: applicant, body: withDraft, headers: { 'idempotency-key': key } });
}

/** A body as raw JSON text, for what JSON.stringify cannot write (huge numbers, 1e400). */
function fileRaw(json: string, key = randomUUID()) {
  return call('POST', path, {
    token: applicant,
    raw: json,
    headers: { 'idempotency-key': key, 'content-type': 'application/json' },
  });
}

beforeAll(async () => {
  applicant = await login('zhangsan');
  for (let offset = 0; (!itemCode || !eitherCode) && offset < 400; offset += 50) {
    const page = await call('GET', `/api/items?hallId=${HALL}&limit=50&offset=${offset}`);
    if (page.body.items.length === 0) break;
    for (const it of page.body.items) {
      const audience = it.audience.join();
      if (audience === 'person' && !itemCode) {
        const g = (await call('GET', `/api/items/${encodeURIComponent(it.code)}`)).body;
        itemCode = it.code;
        form = g.applicationForm;
      } else if (audience === 'person,enterprise' && !eitherCode) {
        const g = (await call('GET', `/api/items/${encodeURIComponent(it.code)}`)).body;
        eitherCode = it.code;
        eitherForm = g.applicationForm;
      }
    }
  }
  expect(itemCode, 'a person item of the pilot hall').toBeTruthy();
  expect(eitherCode, 'an item open to persons and enterprises').toBeTruthy();
}, 60_000);

describe('the item API gives the application form', () => {
  it('with keys, labels, types and the checks of each field', () => {
    const keys = form.fields.map((f) => f.key);
    expect(keys).toEqual(expect.arrayContaining(['name', 'idNumber', 'phone', 'address', 'declaration']));
    expect(form.fields.find((f) => f.key === 'idNumber')).toMatchObject({
      type: 'id-number',
      label: '公民身份号码',
    });
    expect(eitherForm.fields[0]).toMatchObject({ key: 'applicantType', type: 'choice' });
  });
});

describe('filing with a bad form', () => {
  const good = () => exampleForm(form);

  /** Built when run: the form definition is read in beforeAll. */
  const cases: [string, () => unknown][] = [
    ['{}', () => ({})],
    ['an empty string', () => ''],
    ['a string', () => 'name=张三'],
    ['an array', () => [1, 2]],
    ['null', () => null],
    ['NUL in the address', () => ({ ...good(), address: '亳州市谯城区\u0000魏武大道' })],
    ['an escape sequence', () => ({ ...good(), address: '\u001b[2J亳州市谯城区' })],
    ['a bidi override', () => ({ ...good(), address: '亳州市\u202e谯城区 1 号' })],
    ['a lone surrogate', () => ({ ...good(), address: '亳州市谯城区\ud800' })],
    ['a number where the address goes', () => ({ ...good(), address: 12345 })],
    ['an object where the address goes', () => ({ ...good(), address: { city: '亳州' } })],
    ['a boolean where the name goes', () => ({ ...good(), name: true })],
    ['the empty-string key', () => ({ ...good(), '': 'x' })],
    ['an unknown key', () => ({ ...good(), 联系地址: '谯城区汤陵街道' })],
    ['1e308', () => ({ ...good(), phone: 1e308 })],
    ['5e-324', () => ({ ...good(), phone: 5e-324 })],
    ['a wrong ID checksum', () => ({ ...good(), idNumber: '341602199001011235' })],
    ['an address too long', () => ({ ...good(), address: '亳'.repeat(201) })],
    ['the pledge not ticked', () => ({ ...good(), declaration: false })],
    ['the pledge as a string', () => ({ ...good(), declaration: 'true' })],
  ];

  it.each(cases)('%s → 422 FORM_INVALID with the field errors', async (_, value) => {
    const res = await file({ itemCode, form: value() });
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(res.body.error.code).toBe('FORM_INVALID');
    expect(res.body.error.message).toMatch(/申请表/);
    const details = res.body.error.details;
    expect(Array.isArray(details) && details.length > 0).toBe(true);
    for (const d of details) {
      expect(typeof d.field).toBe('string');
      expect(typeof d.code).toBe('string');
      expect(d.message).toMatch(/[\u4e00-\u9fa5]/);
    }
  });

  it('names the field and says what is wrong', async () => {
    const res = await file({ itemCode, form: { ...good(), address: 12345, '': 'x', idNumber: '12' } });
    expect(res.status).toBe(422);
    expect(res.body.error.details).toEqual(
      expect.arrayContaining([
        { field: 'address', code: 'NOT_TEXT', message: '联系地址应填写文字内容' },
        { field: 'idNumber', code: 'ID_FORMAT', message: expect.stringContaining('18 位') },
        { field: '', code: 'EMPTY_KEY', message: '申请表的字段名不能为空' },
      ]),
    );
    const empty = await file({ itemCode });
    expect(empty.status).toBe(422);
    expect(empty.body.error.details.map((d: any) => d.field)).toEqual(
      expect.arrayContaining(['name', 'idNumber', 'phone', 'address', 'declaration']),
    );
  });

  it.each([
    ['2^53 + 1', '9007199254740993'],
    ['-2^53 - 1', '-9007199254740993'],
    ['1e308', '1e308'],
    ['1e400 (Infinity once parsed)', '1e400'],
    ['5e-324', '5e-324'],
    ['-0', '-0'],
  ])('a number %s as a value → 422, never 500', async (_, literal) => {
    const body = JSON.stringify({ itemCode, form: { ...good(), address: '__N__' } }).replace(
      '"__N__"',
      literal,
    );
    const res = await fileRaw(body);
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(res.body.error.details).toEqual([
      { field: 'address', code: 'NOT_TEXT', message: expect.any(String) },
    ]);
  });

  it('an empty key with a raw lone surrogate and NUL in the JSON text → 422', async () => {
    const body = `{"itemCode":${JSON.stringify(itemCode)},"form":{"":"\\ud800","name":"\\u0000"}}`;
    const res = await fileRaw(body);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('FORM_INVALID');
  });

  it('a refused form does not use up the Idempotency-Key', async () => {
    const key = randomUUID();
    expect((await file({ itemCode, form: {} }, key)).status).toBe(422);
    expect((await file({ itemCode, form: good() }, key)).status).toBe(201);
  });
});

describe('filing with a good form', () => {
  it('→ 201, and the case keeps the form normalised', async () => {
    const res = await file({
      itemCode,
      form: {
        ...exampleForm(form),
        name: ' 张三 ',
        idNumber: '11010519491231002x',
        phone: '138 0000 0001',
        address: '亳州市谯城区\n魏武大道 100 号 ',
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const detail = await call('GET', `${path}/${res.body.caseNo}`, { token: applicant });
    expect(detail.status).toBe(200);
    expect(detail.body.form).toMatchObject({
      name: '张三',
      idNumber: '11010519491231002X',
      phone: '13800000001',
      address: '亳州市谯城区 魏武大道 100 号',
      declaration: true,
    });
  });

  it('an item open to both: a unit files with its credit code, a person with the ID', async () => {
    const unit = exampleForm(eitherForm, { applicantType: '单位' });
    expect(unit.uscc).toBeTruthy();
    expect((await file({ itemCode: eitherCode, form: unit })).status).toBe(201);
    const asPerson = exampleForm(eitherForm);
    expect((await file({ itemCode: eitherCode, form: asPerson })).status).toBe(201);
    const mixed = await file({ itemCode: eitherCode, form: { ...unit, uscc: '91341602MA2N00000R' } });
    expect(mixed.status).toBe(422);
    expect(mixed.body.error.details).toEqual([
      { field: 'uscc', code: 'USCC_CHECKSUM', message: expect.stringContaining('校验位') },
    ]);
  });
});
