/**
 * Material slots and the checks of an uploaded file (#domain/materials.ts, and the server's
 * functions/materials/inspect.ts), on real small files built here: PDFs made with pdf-lib, JPEG, PNG
 * and OFD (ZIP) bytes put together by hand. Every probe of the "bad input" list is refused
 * with its code and a Chinese reason; sound files pass.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  checkBytes,
  checkDeclared,
  checkFileName,
  type FileFormat,
  filingMaterials,
  MB,
  materialDefaults,
  missingMessage,
  type Slot,
  slotIdOf,
  slotOf,
  slotsOf,
  sniffFormat,
} from '#domain/materials.ts';
import { loadSeedCatalogue } from '#functions/catalogue/store.ts';
import { inspectFile } from '#functions/materials/inspect.ts';
import { stripJpegLocation } from '#functions/materials/location.ts';
import { bytes, jpeg, le32, ofd, pdf, png, segment, zip } from '../support/files.ts';

const ALL: FileFormat[] = ['pdf', 'jpg', 'png', 'ofd'];
const check = (b: Uint8Array, named: FileFormat, formats = ALL, maxBytes = 10 * MB) =>
  checkBytes(b, { formats, named, maxBytes });
const codeOf = (r: ReturnType<typeof check>) => (r.ok ? 'OK' : r.rejection.code);

// ---------------------------------------------------------------------------------------------

describe('slots from an item’s materials', () => {
  const catalogue = loadSeedCatalogue();

  it('every seed material gives a slot: 政府部门核发 is shared (never asked), the rest the applicant’s', () => {
    let shared = 0;
    for (const item of catalogue.items) {
      const slots = slotsOf(item.materials);
      expect(new Set(slots.map((s) => s.id)).size, item.code).toBe(slots.length);
      for (const [i, s] of slots.entries()) {
        expect(s.supply).toBe(item.materials[i].source === '政府部门核发' ? 'shared' : 'applicant');
        expect(s.formats.length).toBeGreaterThan(0);
        expect(s.maxBytes).toBeLessThanOrEqual(20 * MB);
        if (s.supply === 'shared') shared++;
      }
    }
    expect(shared).toBeGreaterThan(100);
  });

  it('defaults follow the kind of material; the catalogue may say otherwise', () => {
    expect(materialDefaults({ name: '近期免冠彩色照片', form: '原件' })).toEqual({
      formats: ['jpg', 'png'],
      maxSizeMb: 5,
      maxFiles: 2,
    });
    expect(materialDefaults({ name: '营业执照', form: '电子' }).formats).toEqual([
      'pdf',
      'ofd',
      'jpg',
      'png',
    ]);
    expect(materialDefaults({ name: '房屋租赁合同', form: '复印件' })).toEqual({
      formats: ['pdf', 'jpg', 'png'],
      maxSizeMb: 10,
      maxFiles: 10,
    });
    const own = slotOf({
      name: '检测报告',
      required: true,
      form: '电子',
      copies: 0,
      source: '申请人自备',
      formats: ['png', 'pdf'],
      maxSizeMb: 3,
      maxFiles: 1,
      deferrable: true,
    });
    expect(own).toMatchObject({ formats: ['pdf', 'png'], maxBytes: 3 * MB, maxFiles: 1, deferrable: true });
    expect(own.id).toBe(slotIdOf('检测报告'));
  });

  it('filing needs every required slot of the applicant, except those accepted later (容缺)', () => {
    const slots: Slot[] = [
      slotOf({ name: '申请表', required: true, form: '原件', copies: 1, source: '申请人自备' }),
      slotOf({ name: '居民户口簿', required: true, form: '原件', copies: 1, source: '政府部门核发' }),
      slotOf({
        name: '健康证明',
        required: true,
        form: '复印件',
        copies: 1,
        source: '申请人自备',
        deferrable: true,
      }),
      slotOf({ name: '其他材料', required: false, form: '电子', copies: 0, source: '申请人自备' }),
    ];
    const none = filingMaterials(slots, {});
    expect(none.missing.map((s) => s.name)).toEqual(['申请表']);
    expect(none.owed.map((s) => s.name)).toEqual(['健康证明']);
    expect(missingMessage(none.missing)).toBe('还缺少必需材料：“申请表”。请上传后再提交');
    const all = filingMaterials(slots, { [slots[0].id]: 1, [slots[2].id]: 2 });
    expect(all).toEqual({ missing: [], owed: [] });
  });
});

describe('what the applicant declares before uploading', () => {
  const pdfOnly: FileFormat[] = ['pdf'];
  const images: FileFormat[] = ['jpg', 'png'];

  it.each([
    ['../../x.pdf', 'FILE_NAME_INVALID', '路径'],
    ['..\\x.pdf', 'FILE_NAME_INVALID', '路径'],
    ['/etc/passwd.pdf', 'FILE_NAME_INVALID', '路径'],
    ['申请\u0000表.pdf', 'FILE_NAME_INVALID', '控制字符'],
    ['申请\u202egpj.pdf', 'FILE_NAME_INVALID', '控制字符'],
    ['申请\n表.pdf', 'FILE_NAME_INVALID', '控制字符'],
    ['shell.php.pdf', 'FILE_NAME_INVALID', '两个扩展名'],
    ['证明.exe.pdf', 'FILE_NAME_INVALID', '两个扩展名'],
    ['证明.pdf.exe', 'FILE_TYPE_NOT_ACCEPTED', '只接受 PDF'],
    ['证明.pdf ', 'FILE_NAME_INVALID', '开头或结尾'],
    ['.pdf', 'FILE_NAME_INVALID', '开头或结尾'],
    ['证明', 'FILE_NAME_INVALID', '扩展名'],
    ['证明.jpg', 'FILE_TYPE_NOT_ACCEPTED', '只接受 PDF'],
    [`${'长'.repeat(101)}.pdf`, 'FILE_NAME_INVALID', '100 个字'],
    ['a<b>.pdf', 'FILE_NAME_INVALID', '符号'],
  ])('%j is refused (%s)', (name, code, words) => {
    const r = checkFileName(name, pdfOnly);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.code).toBe(code);
      expect(r.message).toContain(words);
    }
  });

  it.each([
    ['营业执照（副本）2024.pdf', pdfOnly, 'pdf'],
    ['IMG_0001.JPG', images, 'jpg'],
    ['身份证 正面.jpeg', images, 'jpg'],
    ['扫描件.v2.png', images, 'png'],
  ] as const)('%j is a fine name', (name, formats, format) => {
    expect(checkFileName(name, formats)).toEqual({ ok: true, format });
  });

  it('checks the type against the extension, the size against the slot, and never asks for shared materials', () => {
    const slot = slotOf({
      name: '申请表',
      required: true,
      form: '原件',
      copies: 1,
      source: '申请人自备',
      maxSizeMb: 2,
    });
    const base = { fileName: '申请表.pdf', contentType: 'application/pdf', size: 1000 };
    expect(checkDeclared(slot, base)).toEqual({ ok: true, format: 'pdf', fileName: '申请表.pdf' });
    expect(checkDeclared(slot, { ...base, contentType: 'text/html' })).toMatchObject({
      code: 'FILE_TYPE_NOT_ACCEPTED',
    });
    expect(checkDeclared(slot, { ...base, size: 0 })).toMatchObject({
      code: 'FILE_EMPTY',
      message: expect.stringContaining('空'),
    });
    expect(checkDeclared(slot, { ...base, size: 2 * MB + 1 })).toMatchObject({
      code: 'FILE_TOO_LARGE',
      message: expect.stringContaining('2 MB'),
    });
    const shared = slotOf({
      name: '居民户口簿',
      required: true,
      form: '原件',
      copies: 1,
      source: '政府部门核发',
    });
    expect(checkDeclared(shared, base)).toMatchObject({
      code: 'SLOT_NOT_UPLOADABLE',
      message: '该材料由部门共享获取，无需您提供',
    });
  });
});

describe('the bytes: real type, structure, polyglots', () => {
  it('sound files pass: PDF, JPEG, PNG, OFD', async () => {
    expect(check(await pdf(), 'pdf')).toEqual({ ok: true, facts: { format: 'pdf' } });
    expect(check(jpeg({ width: 1200, height: 900 }), 'jpg')).toEqual({
      ok: true,
      facts: { format: 'jpg', width: 1200, height: 900 },
    });
    expect(check(png(), 'png')).toEqual({ ok: true, facts: { format: 'png', width: 2, height: 2 } });
    expect(check(ofd(), 'ofd')).toEqual({ ok: true, facts: { format: 'ofd' } });
    expect(sniffFormat(ofd())).toBe('ofd');
  });

  it('wrong magic bytes, zero bytes, oversize, and a type the name does not say', async () => {
    expect(codeOf(check(bytes('<html><script>alert(1)</script></html>'), 'pdf'))).toBe('WRONG_TYPE');
    expect(codeOf(check(bytes('MZ\x90\0 an exe renamed'), 'jpg'))).toBe('WRONG_TYPE');
    expect(codeOf(check(new Uint8Array(0), 'pdf'))).toBe('EMPTY');
    expect(codeOf(check(jpeg(), 'jpg', ALL, 100))).toBe('TOO_LARGE');
    const mismatch = check(png(), 'pdf');
    expect(codeOf(mismatch)).toBe('TYPE_MISMATCH');
    expect(mismatch.ok || mismatch.rejection.message).toContain('PNG');
    // A JPG named .png is still the photo it is.
    expect(codeOf(check(jpeg(), 'png'))).toBe('OK');
    expect(codeOf(check(await pdf(), 'pdf', ['jpg', 'png']))).toBe('WRONG_TYPE');
  });

  it('JPEG: a PHP tail (or any data after EOI) is refused; padding and a phone’s extra images are cut', () => {
    const photo = jpeg();
    const php = check(bytes(photo, '<?php system($_GET["c"]); ?>'), 'jpg');
    expect(codeOf(php)).toBe('TRAILING_DATA');
    expect(php.ok || php.rejection.message).toMatch(/夹带/);
    expect(codeOf(check(bytes(photo, 'PK\x03\x04zip'), 'jpg'))).toBe('TRAILING_DATA');
    expect(codeOf(check(jpeg({ comment: '<?php eval($_POST[1]); ?>' }), 'jpg'))).toBe('SCRIPT_CONTENT');
    const padded = check(bytes(photo, new Uint8Array(16)), 'jpg');
    expect(padded).toMatchObject({ ok: true, facts: { truncateAt: photo.length } });
    const mpf = check(bytes(photo, jpeg({ width: 160, height: 120 })), 'jpg');
    expect(mpf).toMatchObject({ ok: true, facts: { width: 640, truncateAt: photo.length } });
    expect(codeOf(check(bytes(photo, jpeg({ comment: '<script>x</script>' })), 'jpg'))).toBe(
      'SCRIPT_CONTENT',
    );
    expect(codeOf(check(photo.subarray(0, photo.length - 6), 'jpg'))).toBe('CORRUPT');
    expect(codeOf(check(jpeg({ width: 20000, height: 20000 }), 'jpg'))).toBe('IMAGE_TOO_BIG');
  });

  it('PNG: checksums, nothing after IEND, no script in text chunks', () => {
    expect(codeOf(check(bytes(png(), '<?php ?>'), 'png'))).toBe('TRAILING_DATA');
    expect(codeOf(check(png({ text: '<?php system("id"); ?>' }), 'png'))).toBe('SCRIPT_CONTENT');
    const broken = png();
    broken[20] ^= 0xff; // inside IHDR: its CRC no longer matches
    expect(codeOf(check(broken, 'png'))).toBe('CORRUPT');
    expect(codeOf(check(png({ width: 100_000 }), 'png'))).toBe('IMAGE_TOO_BIG');
  });

  it('PDF: header first, nothing after %%EOF, no encryption, no scripts (even with escaped names)', async () => {
    const doc = await pdf();
    expect(codeOf(check(bytes('junk before', doc), 'pdf'))).toBe('WRONG_TYPE');
    expect(codeOf(check(bytes(doc, zip({ 'a.php': '<?php ?>' })), 'pdf'))).toBe('TRAILING_DATA');
    expect(codeOf(check(bytes(doc, '\r\n'), 'pdf'))).toBe('OK');
    const text = doc.toString('latin1');
    const encrypted = text.replace(/trailer\s*<</, (t) => `${t}\n/Encrypt 9 0 R`);
    expect(codeOf(check(Buffer.from(encrypted, 'latin1'), 'pdf'))).toBe('ENCRYPTED');
    const js = await pdf({ js: true });
    expect(codeOf(check(js, 'pdf'))).toBe('ACTIVE_CONTENT');
    const escaped = Buffer.from(
      js.toString('latin1').replaceAll('/JavaScript', '/J#61vaScript').replaceAll('/JS ', '/J#53 '),
      'latin1',
    );
    expect(codeOf(check(escaped, 'pdf'))).toBe('ACTIVE_CONTENT');
    expect(codeOf(check(bytes(doc.subarray(0, doc.length - 8)), 'pdf'))).toBe('CORRUPT');
  });

  it('OFD: a ZIP with OFD.xml, nothing appended, nothing encrypted, no escaping entries', () => {
    expect(codeOf(check(zip({ 'word/document.xml': '<w/>' }), 'ofd'))).toBe('WRONG_TYPE');
    expect(codeOf(check(bytes(ofd(), 'tail'), 'ofd'))).toBe('TRAILING_DATA');
    expect(codeOf(check(zip({ 'OFD.xml': '<x/>', '../../evil.xml': 'x' }), 'ofd'))).toBe('CORRUPT');
    expect(codeOf(check(zip({ 'OFD.xml': '<x/>', 'Res/shell.php': '<?php' }), 'ofd'))).toBe('SCRIPT_CONTENT');
    expect(codeOf(check(zip({ 'OFD.xml': '<x/>' }, 1), 'ofd'))).toBe('ENCRYPTED');
  });
});

describe('the server’s inspection (pdf-lib, location, SHA-256)', () => {
  const opts = (named: FileFormat) => ({ formats: ALL, named, maxBytes: 10 * MB });

  it('counts the pages of a PDF and keeps it as it came', async () => {
    const doc = await pdf({ pages: 3 });
    const r = await inspectFile(doc, opts('pdf'));
    expect(r).toMatchObject({ ok: true, facts: { format: 'pdf', pages: 3 } });
    if (r.ok) expect(r.sha256).toBe(createHash('sha256').update(doc).digest('hex'));
  });

  it('finds JavaScript hidden in a compressed object stream, which the raw bytes do not show', async () => {
    const hidden = await pdf({ js: true, objectStreams: true });
    expect(hidden.toString('latin1')).not.toContain('JavaScript');
    expect(codeOf(check(hidden, 'pdf'))).toBe('OK');
    expect(await inspectFile(hidden, opts('pdf'))).toMatchObject({
      ok: false,
      rejection: { code: 'ACTIVE_CONTENT' },
    });
  });

  it('refuses a PDF over the page limit', async () => {
    const r = await inspectFile(await pdf({ pages: 101, objectStreams: true }), opts('pdf'));
    expect(r).toMatchObject({
      ok: false,
      rejection: { code: 'TOO_MANY_PAGES', message: expect.stringContaining('100 页') },
    });
  });

  it('strips GPS from a photo’s EXIF but keeps its orientation; cuts extra images; hashes what is kept', async () => {
    const photo = jpeg({ exif: true });
    const latitude = Buffer.from([...le32(4444), ...le32(100)]);
    expect(photo.includes(latitude)).toBe(true);
    const r = await inspectFile(bytes(photo, jpeg({ width: 16, height: 16 })), opts('jpg'));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const kept = Buffer.from(r.clean);
    expect(kept.includes(latitude)).toBe(false);
    expect(kept.includes(Buffer.from('Exif\0\0'))).toBe(true);
    // Orientation (tag 0x0112 = 6) is still there.
    expect(kept.includes(Buffer.from([0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0]))).toBe(true);
    expect(kept.length).toBe(photo.length);
    expect(r.sha256).toBe(createHash('sha256').update(kept).digest('hex'));
    expect(r.uploadedSha256).toBeDefined();
    expect(codeOf(check(kept, 'jpg'))).toBe('OK');
  });

  it('drops an EXIF block it cannot read safely, and XMP', () => {
    const broken = Buffer.from(jpeg({ exif: true }));
    const at = broken.indexOf(Buffer.from('Exif\0\0')) + 6;
    broken[at] = 0x58; // not "II"/"MM"
    const cleaned = Buffer.from(stripJpegLocation(broken));
    expect(cleaned.includes(Buffer.from('Exif\0\0'))).toBe(false);
    const xmp = bytes(
      [0xff, 0xd8],
      segment(0xe1, bytes('http://ns.adobe.com/xap/1.0/\0<x:xmpmeta exif:GPSLatitude="33,50"/>')),
      jpeg().subarray(2),
    );
    expect(Buffer.from(stripJpegLocation(xmp)).includes(Buffer.from('GPSLatitude'))).toBe(false);
  });
});
