/**
 * Materials end to end through HTTP, as the portal and an attacker would: a draft's slots, real
 * multipart POST uploads straight to the bucket (s3rver behind the local cloud's front, which
 * enforces the POST policy), the verifier running on the S3 notification (the test waits on its
 * verdict), filing refused while a required slot is empty, and staff opening the files (logged).
 * Every probe of the bad-input list gets a clear Chinese reason, nothing is stored, no 5xx.
 */
import { randomUUID } from 'node:crypto';
import { HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { exampleForm } from '#domain/forms.ts';
import type { CaseMaterialsView, DraftView, Slot } from '#domain/materials.ts';
import { call, eventually, login } from '../support/client.ts';
import { bytes, encryptedPdf, jpeg, pdf, png } from '../support/files.ts';
import {
  askUpload,
  getDraft,
  openDraft,
  postToBucket,
  readyDraft,
  upload,
  verdict,
} from '../support/materials.ts';

const HALL = 'qiaocheng';
const BUCKET = `hall-${HALL}-materials`;
/** 普通护照签发: a required form (PDF or photo), a required photo, the ID card shared by a department. */
const PASSPORT = '11341602MB7032718G-0100024-000';
/** 食品小作坊登记: its health certificate may come later (容缺受理). */
let WORKSHOP = '';

const env = inject('localCloudEnv');
const s3 = env
  ? new S3Client({
      endpoint: env.AWS_ENDPOINT_URL_S3,
      region: env.AWS_REGION,
      forcePathStyle: true,
      credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY },
    })
  : undefined;
afterAll(() => s3?.destroy());

let applicant: string;
let other: string;
let staff: string;
let forms: Map<string, unknown>;
let draft: DraftView;
let formSlot: Slot;
let photoSlot: Slot;
let sharedSlot: Slot;

const casesPath = `/api/halls/${HALL}/cases`;
const file = (token: string, body: Record<string, unknown>, key = randomUUID()) =>
  call('POST', casesPath, { token, body, headers: { 'idempotency-key': key } });

async function formFor(itemCode: string) {
  if (!forms.has(itemCode)) {
    const guide = await call('GET', `/api/items/${encodeURIComponent(itemCode)}`);
    forms.set(itemCode, exampleForm(guide.body.applicationForm, { address: '谯城区汤陵街道' }));
  }
  return forms.get(itemCode);
}

/** Nothing of an upload stays in the bucket: not the upload, not a kept copy. */
async function nothingStored(draftId: string, slotId: string) {
  if (!s3) return;
  const listed = await s3.send(
    new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `incoming/${draftId}/${slotId}/` }),
  );
  expect(listed.KeyCount ?? 0).toBe(0);
}

beforeAll(async () => {
  forms = new Map();
  applicant = await login('zhangsan');
  other = await login('lisi');
  const accounts = (await call('GET', '/api/dev/accounts')).body.accounts as any[];
  const guide = (await call('GET', `/api/items/${encodeURIComponent(PASSPORT)}`)).body;
  const passportStaff = accounts.find(
    (a) =>
      a.role === 'staff' && a.hall === HALL && a.dept === guide.item.deptCode && a.posts.includes('受理'),
  );
  staff = await login(passportStaff.username);
  const found = await call(
    'GET',
    `/api/items?hallId=${HALL}&q=${encodeURIComponent('食品小作坊登记')}&limit=5`,
  );
  WORKSHOP = found.body.items.find((i: any) => i.name === '食品小作坊登记').code;
}, 60_000);

describe('a draft and its slots', () => {
  it('derives the slots from the item; the same applicant comes back to the same draft', async () => {
    const first = await call<DraftView>('POST', `/api/halls/${HALL}/drafts`, {
      token: applicant,
      body: { itemCode: PASSPORT },
    });
    expect([200, 201]).toContain(first.status);
    // One open draft per applicant and item: another test file (the browser's) may have left files in it.
    for (const f of first.body.files)
      await call('DELETE', `/api/halls/${HALL}/drafts/${first.body.draftId}/files/${f.fileId}`, {
        token: applicant,
      });
    draft = (await getDraft(applicant, HALL, first.body.draftId)).body;
    expect(draft.state).toBe('open');
    formSlot = draft.slots.find((s) => s.name === '中国公民出入境证件申请表')!;
    photoSlot = draft.slots.find((s) => s.name === '出入境证件照片')!;
    sharedSlot = draft.slots.find((s) => s.supply === 'shared')!;
    expect(formSlot).toMatchObject({ required: true, supply: 'applicant', formats: ['pdf', 'jpg', 'png'] });
    expect(photoSlot).toMatchObject({ required: true, formats: ['jpg', 'png'], maxFiles: 2 });
    expect(sharedSlot.name).toBe('申请人居民身份证');
    const again = await openDraft(applicant, HALL, PASSPORT);
    expect(again.draftId).toBe(draft.draftId);
    // Not someone else's: another applicant neither sees nor uploads into it.
    expect((await getDraft(other, HALL, draft.draftId)).status).toBe(404);
    const foreign = await askUpload(other, HALL, draft.draftId, formSlot.id, {
      name: 'a.pdf',
      type: 'application/pdf',
      size: 100,
    });
    expect(foreign.status).toBe(404);
  });

  it('filing is refused while a required slot is empty, naming the slots in Chinese', async () => {
    const form = await formFor(PASSPORT);
    for (const body of [
      { itemCode: PASSPORT, form },
      { itemCode: PASSPORT, form, draftId: draft.draftId },
    ]) {
      const res = await file(applicant, body);
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('MATERIALS_MISSING');
      expect(res.body.error.message).toBe(
        '还缺少必需材料：“中国公民出入境证件申请表”、“出入境证件照片”。请上传后再提交',
      );
      expect(res.body.error.details.map((d: any) => d.field)).toEqual([
        `materials.${formSlot.id}`,
        `materials.${photoSlot.id}`,
      ]);
    }
  });
});

describe('uploads: presigned POST to the bucket, verified on the notification', () => {
  it('a PDF and a photo are accepted, with pages, size and SHA-256; the photo loses its GPS', async () => {
    const doc = await pdf({ pages: 2 });
    const v = await upload(applicant, HALL, draft.draftId, formSlot.id, {
      name: '出入境证件申请表.pdf',
      type: 'application/pdf',
      data: doc,
    });
    expect(v).toMatchObject({ state: 'accepted', slotId: formSlot.id });
    const photo = jpeg({ exif: true });
    const p = await upload(applicant, HALL, draft.draftId, photoSlot.id, {
      name: 'IMG_0001.JPG',
      type: 'image/jpeg',
      data: photo,
    });
    expect(p.state).toBe('accepted');
    const d = (await getDraft(applicant, HALL, draft.draftId)).body;
    const pdfFile = d.files.find((f) => f.fileId === v.fileId)!;
    expect(pdfFile).toMatchObject({
      name: '出入境证件申请表.pdf',
      format: 'pdf',
      pages: 2,
      size: doc.length,
    });
    expect(pdfFile.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(pdfFile.uploadedAt).toMatch(/\+08:00$/);
    expect(d.files.find((f) => f.fileId === p.fileId)).toMatchObject({
      format: 'jpg',
      width: 640,
      height: 480,
    });
    await nothingStored(draft.draftId, formSlot.id);
  });

  it.each([
    ['../../x.pdf', 'application/pdf', 100, 'FILE_NAME_INVALID', '路径'],
    ['申请表\u0007.pdf', 'application/pdf', 100, 'FILE_NAME_INVALID', '控制字符'],
    ['申请表\u202e.pdf', 'application/pdf', 100, 'FILE_NAME_INVALID', '控制字符'],
    ['shell.php.jpg', 'image/jpeg', 100, 'FILE_NAME_INVALID', '两个扩展名'],
    ['申请表.pdf.exe', 'application/octet-stream', 100, 'FILE_TYPE_NOT_ACCEPTED', '只接受'],
    ['申请表.pdf', 'text/html', 100, 'FILE_TYPE_NOT_ACCEPTED', '不符'],
    ['申请表.pdf', 'application/pdf', 0, 'FILE_EMPTY', '空'],
    ['申请表.pdf', 'application/pdf', 11 * 1024 * 1024, 'FILE_TOO_LARGE', '10 MB'],
  ])(
    'asking to upload %j (%s, %d bytes) is refused before anything is sent',
    async (name, type, size, code, words) => {
      const res = await askUpload(applicant, HALL, draft.draftId, formSlot.id, { name, type, size });
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe(code);
      expect(res.body.error.message).toContain(words);
    },
  );

  it('a 部门共享 slot is never asked of the applicant', async () => {
    const res = await askUpload(applicant, HALL, draft.draftId, sharedSlot.id, {
      name: '身份证.jpg',
      type: 'image/jpeg',
      size: 1000,
    });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({
      code: 'SLOT_NOT_UPLOADABLE',
      message: '该材料由部门共享获取，无需您提供',
    });
  });

  const probes: [string, string, string, () => Promise<Uint8Array>, string, RegExp][] = [
    [
      'wrong magic bytes',
      '申请表.pdf',
      'application/pdf',
      async () => bytes('<html>not a pdf</html>'),
      'WRONG_TYPE',
      /不是 PDF/,
    ],
    ['an encrypted PDF', '申请表.pdf', 'application/pdf', encryptedPdf, 'ENCRYPTED', /密码/],
    [
      'a PDF with JavaScript',
      '申请表.pdf',
      'application/pdf',
      () => pdf({ js: true, objectStreams: true }),
      'ACTIVE_CONTENT',
      /脚本/,
    ],
    [
      'a JPEG with a PHP tail',
      '申请表.jpg',
      'image/jpeg',
      async () => bytes(jpeg(), '<?php system($_GET[c]); ?>'),
      'TRAILING_DATA',
      /夹带/,
    ],
    ['a PNG named .pdf', '申请表.pdf', 'application/pdf', async () => png(), 'TYPE_MISMATCH', /PNG/],
  ];
  it.each(probes)(
    '%s is rejected with its reason, and nothing is kept',
    async (_what, name, type, make, code, words) => {
      const before = (await getDraft(applicant, HALL, draft.draftId)).body.files.length;
      const v = await upload(applicant, HALL, draft.draftId, formSlot.id, { name, type, data: await make() });
      expect(v.state).toBe('rejected');
      expect(v.code).toBe(code);
      expect(v.reason).toMatch(words);
      expect((await getDraft(applicant, HALL, draft.draftId)).body.files).toHaveLength(before);
      await nothingStored(draft.draftId, formSlot.id);
    },
  );

  it('the bucket refuses a policy used for another slot or draft, a changed type, and sizes out of range', async () => {
    const doc = await pdf();
    const asked = await askUpload(applicant, HALL, draft.draftId, formSlot.id, {
      name: 'a.pdf',
      type: 'application/pdf',
      size: doc.length,
    });
    expect(asked.status).toBe(201);
    const t = asked.body;
    const key = t.fields.key;
    const otherSlot = key.replace(formSlot.id, photoSlot.id);
    const otherDraft = key.replace(draft.draftId, randomUUID());
    for (const fields of [
      { ...t.fields, key: otherSlot },
      { ...t.fields, key: otherDraft },
      { ...t.fields, 'Content-Type': 'text/html' },
    ]) {
      const res = await postToBucket(t, doc, fields);
      expect(res.status).toBe(403);
      expect(res.text).toContain('Policy Condition failed');
    }
    expect((await postToBucket(t, new Uint8Array(0))).text).toContain('EntityTooSmall');
    expect((await postToBucket(t, new Uint8Array(t.maxBytes + 1))).text).toContain('EntityTooLarge');
    if (s3)
      for (const k of [key, otherSlot, otherDraft])
        await expect(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: k }))).rejects.toThrow();
  });

  it('a slot holds at most its number of files', async () => {
    const second = await upload(applicant, HALL, draft.draftId, photoSlot.id, {
      name: '照片2.png',
      type: 'image/png',
      data: png(),
    });
    expect(second.state).toBe('accepted');
    const third = await askUpload(applicant, HALL, draft.draftId, photoSlot.id, {
      name: '照片3.png',
      type: 'image/png',
      size: 100,
    });
    expect(third.status).toBe(409);
    expect(third.body.error).toMatchObject({
      code: 'SLOT_FULL',
      message: expect.stringContaining('最多上传 2 份'),
    });
    // Taking one out (before filing) frees its place.
    const removed = await call<DraftView>(
      'DELETE',
      `/api/halls/${HALL}/drafts/${draft.draftId}/files/${second.fileId}`,
      {
        token: applicant,
      },
    );
    expect(removed.status).toBe(200);
    expect(removed.body.files.some((f) => f.fileId === second.fileId)).toBe(false);
  });
});

describe('filing with the draft, and staff opening the files', () => {
  let caseNo: string;
  let lateTicket: Awaited<ReturnType<typeof askUpload>>['body'];

  it('two filings of one draft at once: one case, the other refused; the draft is the case’s', async () => {
    const form = await formFor(PASSPORT);
    lateTicket = (
      await askUpload(applicant, HALL, draft.draftId, formSlot.id, {
        name: 'late.pdf',
        type: 'application/pdf',
        size: 2000,
      })
    ).body;
    const answers = await Promise.all([
      file(applicant, { itemCode: PASSPORT, form, draftId: draft.draftId }),
      file(applicant, { itemCode: PASSPORT, form, draftId: draft.draftId }),
    ]);
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses[0]).toBe(201);
    expect([409]).toContain(statuses[1]);
    const loser = answers.find((a) => a.status === 409)!;
    expect(['DRAFT_BUSY', 'DRAFT_CLOSED']).toContain(loser.body.error.code);
    caseNo = answers.find((a) => a.status === 201)!.body.caseNo;
    const d = (await getDraft(applicant, HALL, draft.draftId)).body;
    expect(d).toMatchObject({ state: 'filed', caseNo });
  });

  it('after filing: no new uploads, a policy issued before is rejected on arrival, no deletions', async () => {
    const asked = await askUpload(applicant, HALL, draft.draftId, formSlot.id, {
      name: 'b.pdf',
      type: 'application/pdf',
      size: 1000,
    });
    expect(asked.status).toBe(409);
    expect(asked.body.error.code).toBe('DRAFT_CLOSED');
    const posted = await postToBucket(lateTicket, await pdf());
    expect(posted.status).toBe(204);
    const v = await verdict(applicant, HALL, draft.draftId, lateTicket.uploadId);
    expect(v).toMatchObject({
      state: 'rejected',
      code: 'DRAFT_CLOSED',
      reason: expect.stringContaining('申请已提交'),
    });
    await nothingStored(draft.draftId, formSlot.id);
    const fileId = (await getDraft(applicant, HALL, draft.draftId)).body.files[0].fileId;
    const del = await call('DELETE', `/api/halls/${HALL}/drafts/${draft.draftId}/files/${fileId}`, {
      token: applicant,
    });
    expect(del.status).toBe(409);
    expect(del.body.error.code).toBe('DRAFT_CLOSED');
  });

  it('staff list the files by slot, open one by a short-lived link, and every open is logged', async () => {
    const list = await eventually(async () => {
      const r = await call<CaseMaterialsView>('GET', `${casesPath}/${caseNo}/materials`, { token: staff });
      return r.status === 200 ? r.body : undefined;
    }, 'the case materials');
    const form = list.slots.find((s) => s.id === formSlot.id)!;
    expect(form.files).toHaveLength(1);
    expect(list.slots.find((s) => s.id === photoSlot.id)!.files).toHaveLength(1);
    expect(list.slots.find((s) => s.id === sharedSlot.id)).toMatchObject({ supply: 'shared', files: [] });
    const before = list.opens?.length ?? 0;
    const opened = await call('POST', `${casesPath}/${caseNo}/materials/${form.files[0].fileId}/open`, {
      token: staff,
    });
    expect(opened.status).toBe(200);
    expect(opened.body).toMatchObject({ contentType: 'application/pdf', format: 'pdf' });
    const got = await fetch(opened.body.url);
    expect(got.status).toBe(200);
    const body = new Uint8Array(await got.arrayBuffer());
    expect(Buffer.from(body).subarray(0, 5).toString()).toBe('%PDF-');
    const after = (await call<CaseMaterialsView>('GET', `${casesPath}/${caseNo}/materials`, { token: staff }))
      .body;
    expect(after.opens).toHaveLength(before + 1);
    expect(after.opens![0]).toMatchObject({
      fileId: form.files[0].fileId,
      slotName: '中国公民出入境证件申请表',
    });
    expect(after.opens![0].at).toMatch(/\+08:00$/);
    // The applicant sees the files, not the log; another applicant nothing.
    const own = await call<CaseMaterialsView>('GET', `${casesPath}/${caseNo}/materials`, {
      token: applicant,
    });
    expect(own.status).toBe(200);
    expect(own.body.opens).toBeUndefined();
    expect((await call('GET', `${casesPath}/${caseNo}/materials`, { token: other })).status).toBe(404);
    expect(
      (await call('POST', `${casesPath}/${caseNo}/materials/${form.files[0].fileId}/open`, { token: other }))
        .status,
    ).toBe(404);
  });

  it('a photo is kept without its location', async () => {
    const list = (await call<CaseMaterialsView>('GET', `${casesPath}/${caseNo}/materials`, { token: staff }))
      .body;
    const photo = list.slots.find((s) => s.id === photoSlot.id)!.files[0];
    const opened = await call('POST', `${casesPath}/${caseNo}/materials/${photo.fileId}/open`, {
      token: staff,
    });
    const kept = Buffer.from(await (await fetch(opened.body.url)).arrayBuffer());
    expect(kept.includes(Buffer.from('Exif\0\0'))).toBe(true);
    const latitude = Buffer.from([4444 & 0xff, 4444 >> 8, 0, 0, 100, 0, 0, 0]);
    expect(kept.includes(latitude)).toBe(false);
    expect(photo.size).toBe(kept.length);
  });

  it('容缺受理: a material the item accepts later is recorded as owed on the case', async () => {
    const draftId = await readyDraft(applicant, HALL, WORKSHOP);
    const res = await file(applicant, { itemCode: WORKSHOP, form: await formFor(WORKSHOP), draftId });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const list = (
      await call<CaseMaterialsView>('GET', `${casesPath}/${res.body.caseNo}/materials`, { token: applicant })
    ).body;
    expect(list.slots.filter((s) => s.owed).map((s) => s.name)).toEqual(['从业人员健康证明']);
  });
});
