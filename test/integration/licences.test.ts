/**
 * E-licences at 办结 (#10 §3) through HTTP: a 残疾人证申领 decided 准予 produces the licence (the
 * cases stream issues it): it is in the holder's library, the holder downloads the PDF (CJK font
 * subset, the signed fields in its metadata), the public verification link of its QR code says
 * 有效 with masked fields, and says 伪造 for an edited field, another signature or an unknown number;
 * nobody else downloads it; a later 残疾人证换领 uses it for its “原残疾人证” (免提交, in the sharing
 * log); the issuing department revokes it (注销), the link says so, and it stands in for nothing more.
 */
import { randomUUID } from 'node:crypto';
import { PDFDocument } from 'pdf-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { exampleForm } from '#domain/forms.ts';
import type { LicenceVerifyView, LicenceView } from '#domain/licences.ts';
import { population } from '../../infra/seed/registries.ts';
import { call, eventually, login } from '../support/client.ts';
import { readyDraft, staffAct, staffToken } from '../support/materials.ts';
import { registerWithCode } from './identity-helpers.ts';

const HALL = 'qiaocheng';
const PASSWORD = 'Licence2026pass';
const holder = population.find((p) => p.name === '杨文清')!;

let ITEM = '';
let token = '';
let other = '';
const hall = (path: string) => `/api/halls/${HALL}${path}`;
const verify = (no: string, q: Record<string, string>) =>
  call<LicenceVerifyView>('GET', hall(`/licences/${no}/verify?${new URLSearchParams(q)}`));

beforeAll(async () => {
  expect((await registerWithCode('127.0.1.61', holder, PASSWORD)).status).toBe(201);
  token = await login(holder.phone, PASSWORD);
  other = await login('lisi');
  const found = await call(
    'GET',
    `/api/items?hallId=${HALL}&q=${encodeURIComponent('残疾人证申领')}&limit=10`,
  );
  ITEM = found.body.items.find((i: { name: string }) => i.name === '残疾人证申领').code;
}, 60_000);

describe('an e-licence at 办结', () => {
  it('is issued, downloaded, verified, told forged when edited, and revoked by its department', async () => {
    const guide = await call('GET', `/api/items/${encodeURIComponent(ITEM)}`);
    const draftId = await readyDraft(token, HALL, ITEM);
    const filed = await call('POST', hall('/cases'), {
      token,
      body: { itemCode: ITEM, form: exampleForm(guide.body.applicationForm, {}), draftId },
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(filed.status).toBe(201);
    const caseNo = filed.body.caseNo as string;
    for (const [prefix, action, extra] of [
      ['accept#', 'accept', {}],
      ['review#', 'pass', {}],
      ['decide#', 'approve', { result: '准予核发残疾人证（肢体 三级）' }],
    ] as const)
      expect((await staffAct(token, HALL, caseNo, prefix, action, extra)).status).toBe(200);

    const mine = await eventually(async () => {
      const r = await call<{ licences: LicenceView[] }>('GET', hall('/licences'), { token });
      return r.body.licences?.find((l) => l.caseNo === caseNo);
    }, 'the licence in the library');
    expect(mine).toMatchObject({
      licenceNo: `DZ${caseNo}`,
      type: '残疾人证',
      holderName: holder.name,
      holderId: holder.idNumber,
      status: 'valid',
    });
    expect(mine.validTo > mine.validFrom).toBe(true);

    // The PDF: the holder's only, small, with the signed fields inside.
    expect((await call('GET', hall(`/licences/${mine.licenceNo}/pdf`), { token: other })).status).toBe(404);
    const link = await call('GET', hall(`/licences/${mine.licenceNo}/pdf`), { token });
    expect(link.status).toBe(200);
    const pdfBytes = new Uint8Array(await (await fetch(link.body.url)).arrayBuffer());
    expect(Buffer.from(pdfBytes.subarray(0, 5)).toString()).toBe('%PDF-');
    expect(pdfBytes.length).toBeLessThan(200_000);
    const doc = await PDFDocument.load(pdfBytes);
    const meta = JSON.parse(doc.getSubject() ?? '{}') as { licence: string; signature: string };
    expect(JSON.parse(meta.licence)).toMatchObject({ holderName: holder.name, type: '残疾人证' });
    console.info(`e-licence PDF: ${pdfBytes.length} bytes`);

    // The QR code's link: valid, masked.
    const s = new URLSearchParams(mine.verifyPath.split('?')[1]).get('s')!;
    expect(s).toBe(meta.signature);
    const t0 = performance.now();
    const ok = await verify(mine.licenceNo, { s });
    console.info(`verification: ${Math.round(performance.now() - t0)} ms`);
    expect(ok.body).toMatchObject({ result: 'valid', licence: { type: '残疾人证', holderName: '杨**' } });
    expect(ok.body.licence!.holderId).not.toContain(holder.idNumber.slice(4, 14));
    // The fields the document claims, as they are: valid; one field edited: forged.
    const d = (json: string) => Buffer.from(json).toString('base64url');
    expect((await verify(mine.licenceNo, { s, d: d(meta.licence) })).body.result).toBe('valid');
    const edited = JSON.stringify({ ...JSON.parse(meta.licence), validTo: '2099-12-31' });
    expect((await verify(mine.licenceNo, { s, d: d(edited) })).body.result).toBe('forged');
    expect((await verify(mine.licenceNo, { s, d: 'not-json' })).body.result).toBe('forged');
    // Another signature, or a number that was never issued: forged too.
    const other64 = Buffer.alloc(64, 7).toString('base64url');
    expect((await verify(mine.licenceNo, { s: other64 })).body.result).toBe('forged');
    expect((await verify('DZ341602-20260101-999999', { s })).body.result).toBe('forged');
    // Without the signature a number (a guessable case number) tells nothing.
    expect((await verify(mine.licenceNo, {})).status).toBe(400);
    expect((await call('GET', hall('/licences/public-key'))).body).toMatchObject({ algorithm: 'Ed25519' });

    // 免提交: a later filing of 残疾人证换领 takes the licence for its “原残疾人证” by reference, logged.
    const renew = async () => {
      const r = await call(
        'GET',
        `/api/items?hallId=${HALL}&q=${encodeURIComponent('残疾人证换领')}&limit=10`,
      );
      const code = r.body.items.find((i: { name: string }) => i.name === '残疾人证换领').code as string;
      const g = await call('GET', `/api/items/${encodeURIComponent(code)}`);
      const res = await call('POST', hall('/cases'), {
        token,
        body: {
          itemCode: code,
          form: exampleForm(g.body.applicationForm, {}),
          draftId: await readyDraft(token, HALL, code),
        },
        headers: { 'idempotency-key': randomUUID() },
      });
      expect(res.status).toBe(201);
      const m = await call('GET', hall(`/cases/${res.body.caseNo}/materials`), { token });
      return {
        caseNo: res.body.caseNo as string,
        slot: m.body.slots.find((x: any) => x.name === '原残疾人证'),
      };
    };
    const reused = await renew();
    expect(reused.slot.licence).toMatchObject({
      kind: 'licence',
      licenceNo: mine.licenceNo,
      type: '残疾人证',
    });
    expect(reused.slot.licence.snapshotHash).toMatch(/^[0-9a-f]{64}$/);
    const log = await call<{ licences: LicenceView[] }>('GET', hall('/licences'), { token });
    expect(log.body.licences.find((l) => l.licenceNo === mine.licenceNo)!.uses).toEqual([
      expect.objectContaining({ caseNo: reused.caseNo, slotName: '原残疾人证', itemName: '残疾人证换领' }),
    ]);

    // 注销: only the issuing department; then the link says revoked.
    const detail = await call('GET', hall(`/cases/${caseNo}`), { token });
    const dept = detail.body.plan[0].depts[0] as string;
    const staff = await staffToken(HALL, dept, '受理');
    const notTheirs = await call('POST', hall(`/licences/${mine.licenceNo}/revoke`), {
      token,
      body: { reason: '申请人自行注销' },
    });
    expect(notTheirs.status).toBe(403);
    expect(
      (await call('POST', hall(`/licences/${mine.licenceNo}/revoke`), { token: staff, body: { reason: '' } }))
        .status,
    ).toBe(400);
    const revoked = await call('POST', hall(`/licences/${mine.licenceNo}/revoke`), {
      token: staff,
      body: { reason: '持证人残疾等级重新评定' },
    });
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ result: 'revoked', revoked: { reason: '持证人残疾等级重新评定' } });
    expect((await verify(mine.licenceNo, { s })).body.result).toBe('revoked');
    expect(
      (
        await call('POST', hall(`/licences/${mine.licenceNo}/revoke`), {
          token: staff,
          body: { reason: '再次' },
        })
      ).status,
    ).toBe(409);
    // A revoked licence stands in for nothing.
    expect((await renew()).slot.licence).toBeUndefined();
  }, 180_000);
});
