/**
 * 补交告知 that names slots, and 补交 into exactly those (#10 §1): the correction's `slots` are
 * checked against the case's own applicant slots; while it runs its applicant gets presigned POSTs
 * for those slots of that case only (not other slots, not other cases, not someone else, not after
 * 补交); the new file stands beside the old one (the case shows both); 补交 is refused until every
 * named slot was uploaded again; an upload whose policy outlived the correction is refused by the
 * verifier. The correction SMS names the slots, and a huge item list still makes a sendable SMS.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { exampleForm } from '#domain/forms.ts';
import type { CaseMaterialsView, Slot } from '#domain/materials.ts';
import { population } from '../../infra/seed/registries.ts';
import { call, eventually, login } from '../support/client.ts';
import { picture } from '../support/files.ts';
import { openDraft, postToBucket, readyDraft, staffAct, verdict } from '../support/materials.ts';
import { registerWithCode } from './identity-helpers.ts';

const HALL = 'qiaocheng';
let ITEM = '';
const PASSWORD = 'Correct2026pass';
const person = (name: string) => population.find((p) => p.name === name)!;
const owner = person('韩梅梅');
const stranger = person('沈家和');

let applicant = '';
let other = '';
let form: unknown;
let photoSlot: Slot;
let formSlot: Slot;
let sharedSlot: Slot;

const hall = (path: string) => `/api/halls/${HALL}${path}`;
const reupload = (token: string, caseNo: string, slotId: string, size = 2000) =>
  call('POST', hall(`/cases/${caseNo}/materials/uploads`), {
    token,
    body: { slotId, fileName: '重拍照片.png', contentType: 'image/png', size },
  });
const materialsOf = async (caseNo: string) =>
  (await call<CaseMaterialsView>('GET', hall(`/cases/${caseNo}/materials`), { token: applicant })).body;
const applicantAct = (caseNo: string, body: Record<string, unknown>) =>
  call('POST', hall(`/cases/${caseNo}/actions`), { token: applicant, body });

async function fileCase(): Promise<{ caseNo: string; draftId: string }> {
  const draftId = await readyDraft(applicant, HALL, ITEM);
  const res = await call('POST', hall('/cases'), {
    token: applicant,
    body: { itemCode: ITEM, form, draftId },
    headers: { 'idempotency-key': randomUUID() },
  });
  expect(res.status).toBe(201);
  return { caseNo: res.body.caseNo, draftId };
}

/** 残疾人证申领 of the hall: free of charge (no 缴费 step), a photo, a form, two shared materials. */
async function itemCode(): Promise<string> {
  const found = await call(
    'GET',
    `/api/items?hallId=${HALL}&q=${encodeURIComponent('残疾人证申领')}&limit=10`,
  );
  return found.body.items.find((i: { name: string }) => i.name === '残疾人证申领').code;
}

beforeAll(async () => {
  for (const [p, ip] of [
    [owner, '127.0.1.51'],
    [stranger, '127.0.1.52'],
  ] as const)
    expect((await registerWithCode(ip, p, PASSWORD)).status).toBe(201);
  applicant = await login(owner.phone, PASSWORD);
  other = await login(stranger.phone, PASSWORD);
  ITEM = await itemCode();
  const guide = await call('GET', `/api/items/${encodeURIComponent(ITEM)}`);
  form = exampleForm(guide.body.applicationForm, { address: '谯城区汤陵街道' });
  const draft = await openDraft(applicant, HALL, ITEM);
  photoSlot = draft.slots.find((s) => s.name === '近期免冠彩色照片')!;
  formSlot = draft.slots.find((s) => s.name === '残疾人证申请表')!;
  sharedSlot = draft.slots.find((s) => s.supply === 'shared')!;
}, 90_000);

describe('补交告知 names slots; the applicant uploads exactly those again', () => {
  it('checks the slots, issues POSTs only for them, keeps the old file, and 补交 needs the new one', async () => {
    const { caseNo, draftId } = await fileCase();
    const { caseNo: otherCase } = await fileCase();

    // Slots that are not the case's applicant slots: refused with the field; a wrong shape is a 400.
    for (const slots of [['mzzzzzz'], [sharedSlot.id]]) {
      const res = await staffAct(applicant, HALL, caseNo, 'accept#', 'correct', { items: ['照片'], slots });
      expect(res.status).toBe(422);
      expect(res.body.error).toMatchObject({ code: 'SLOTS_INVALID' });
    }
    expect(
      (await staffAct(applicant, HALL, caseNo, 'accept#', 'correct', { items: ['照片'], slots: ['../x'] }))
        .status,
    ).toBe(400);
    // Not while no correction runs.
    const early = await reupload(applicant, caseNo, photoSlot.id);
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('CORRECTION_NOT_OPEN');

    const corrected = await staffAct(applicant, HALL, caseNo, 'accept#', 'correct', {
      items: ['近期免冠彩色照片：背景不是白色，请按标准重新拍摄'],
      slots: [photoSlot.id],
    });
    expect(corrected.status).toBe(200);
    const view = await eventually(async () => {
      const m = await materialsOf(caseNo);
      return m.correction ? m : undefined;
    }, 'the correction in the materials view');
    // The applicant is also told the draft whose uploads carry the verdicts.
    expect(view.correction).toEqual({ round: 1, slots: [photoSlot.id], draftId });
    // The SMS names the slot.
    const sms = await eventually(async () => {
      const out = await call('GET', '/api/dev/outbox');
      return (out.body.messages as { message: string; phoneNumber: string }[]).find(
        (m) => m.message.includes(caseNo) && m.message.includes('补交'),
      );
    }, 'the correction SMS');
    expect(sms.phoneNumber).toBe(`+86${owner.phone}`);
    expect(sms.message).toContain('需要补交材料：近期免冠彩色照片。');

    // Other slots, other cases, other people: refused.
    const notNamed = await reupload(applicant, caseNo, formSlot.id);
    expect(notNamed.status).toBe(422);
    expect(notNamed.body.error.code).toBe('SLOT_NOT_REQUESTED');
    expect((await reupload(applicant, caseNo, sharedSlot.id)).body.error.code).toBe('SLOT_NOT_REQUESTED');
    expect((await reupload(applicant, otherCase, photoSlot.id)).body.error.code).toBe('CORRECTION_NOT_OPEN');
    expect((await reupload(other, caseNo, photoSlot.id)).status).toBe(404);
    // A wrong declared file is told as at the draft.
    const big = await reupload(applicant, caseNo, photoSlot.id, photoSlot.maxBytes + 1);
    expect(big.body.error.code).toBe('FILE_TOO_LARGE');

    // 补交 before the named slot was uploaded again: refused, naming it.
    const tooSoon = await applicantAct(caseNo, { action: 'supplement' });
    expect(tooSoon.status).toBe(422);
    expect(tooSoon.body.error).toMatchObject({ code: 'MATERIALS_MISSING' });
    expect(tooSoon.body.error.message).toContain('近期免冠彩色照片');

    // The new photo, through the presigned POST, verified like any upload.
    const photo = picture(260, 160, 3);
    const ticket = await reupload(applicant, caseNo, photoSlot.id, photo.length);
    expect(ticket.status).toBe(201);
    expect((await postToBucket(ticket.body, photo)).status).toBe(204);
    const v = await verdict(applicant, HALL, draftId, ticket.body.uploadId);
    expect(v.state, v.reason).toBe('accepted');
    // The case shows both: the file of the filing and the one of round 1.
    const after = await materialsOf(caseNo);
    const files = after.slots.find((s) => s.id === photoSlot.id)!.files;
    expect(files).toHaveLength(2);
    expect(files.map((f) => f.round ?? 0).sort()).toEqual([0, 1]);

    // A policy asked for now and used after 补交 is refused by the verifier; nothing more is asked.
    const late = await reupload(applicant, caseNo, photoSlot.id, photo.length);
    expect(late.status).toBe(201);
    const supplemented = await applicantAct(caseNo, { action: 'supplement', note: '已按要求重新拍摄' });
    expect(supplemented.status).toBe(200);
    expect((await postToBucket(late.body, picture(250, 150, 5))).status).toBe(204);
    const lateVerdict = await verdict(applicant, HALL, draftId, late.body.uploadId);
    expect(lateVerdict).toMatchObject({ state: 'rejected', code: 'CORRECTION_CLOSED' });
    const after2 = await reupload(applicant, caseNo, photoSlot.id, photo.length);
    expect(after2.status).toBe(409);
    expect((await materialsOf(caseNo)).correction).toBeUndefined();
    expect((await materialsOf(caseNo)).slots.find((s) => s.id === photoSlot.id)!.files).toHaveLength(2);
  }, 120_000);

  it('a 补交告知 of 50 long items still makes an SMS SNS can send', async () => {
    const { caseNo } = await fileCase();
    const items = Array.from({ length: 50 }, (_, i) => `第${i + 1}项材料${'需要重新提供'.repeat(30)}`);
    expect((await staffAct(applicant, HALL, caseNo, 'accept#', 'correct', { items })).status).toBe(200);
    const sms = await eventually(async () => {
      const out = await call('GET', '/api/dev/outbox');
      return (out.body.messages as { message: string }[]).find(
        (m) => m.message.includes(caseNo) && m.message.includes('补交'),
      );
    }, 'the correction SMS');
    expect([...sms.message].length).toBeLessThan(300);
    expect(sms.message).toMatch(/等 50 项/);
    const failed = await call('GET', '/api/dev/outbox');
    expect(JSON.stringify(failed.body)).not.toMatch(new RegExp(`${caseNo}[^"]*Message too long`));
  }, 60_000);
});
