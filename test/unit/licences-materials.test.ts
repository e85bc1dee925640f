/**
 * The pure parts of #10 §3/§4 and the 补交告知 SMS: which items produce which licence, the signed
 * canonical form, validity, masking, which slot an e-licence stands in for (免提交), the 委托书 slot of
 * an agent's filing, the correction's `slots` input, and the SMS length budget.
 */
import { describe, expect, it } from 'vitest';
import { checkActionInput } from '#domain/actions.ts';
import {
  canonicalLicence,
  type LicenceData,
  licenceTypeFor,
  publicView,
  statusOf,
  validUntil,
} from '#domain/licences.ts';
import {
  AGENT_MANDATE_MATERIAL,
  licenceFits,
  type MaterialFacts,
  slotsForFiling,
} from '#domain/materials.ts';
import { briefSmsValue, renderSms } from '#functions/notify/templates.ts';

const data: LicenceData = {
  licenceNo: 'DZ341602-20260302-000001',
  type: '残疾人证',
  holderName: '韩梅梅',
  holderId: '341602198605050331',
  holderSub: 's',
  issuer: '谯城区残疾人联合会',
  issuerCode: '341602-cl',
  itemCode: 'x',
  itemName: '残疾人证申领',
  caseNo: '341602-20260302-000001',
  validFrom: '2026-03-02',
  validTo: '2031-03-01',
  issuedAt: '2026-03-02T09:01:00+08:00',
};

describe('e-licences', () => {
  it('names the licence an item produces, and none for benefits', () => {
    expect(licenceTypeFor({ name: '残疾人证申领' })).toBe('残疾人证');
    expect(licenceTypeFor({ name: '残疾人证申领（村级代办）' })).toBe('残疾人证');
    expect(licenceTypeFor({ name: '食品经营许可', type: '行政许可' })).toBe('食品经营许可证');
    expect(licenceTypeFor({ name: '食品小作坊登记' })).toBe('食品小作坊登记证明');
    expect(licenceTypeFor({ name: '临时救助申请', type: '行政给付' })).toBeUndefined();
  });

  it('signs one canonical form, whatever the key order', () => {
    const shuffled = Object.fromEntries(Object.entries(data).reverse()) as unknown as LicenceData;
    expect(canonicalLicence(shuffled)).toBe(canonicalLicence(data));
    expect(canonicalLicence({ ...data, holderName: '韩梅' })).not.toBe(canonicalLicence(data));
    expect(canonicalLicence(data).startsWith('{"caseNo":')).toBe(true);
  });

  it('runs five years to the day before, is valid, expired or revoked, and shows masked', () => {
    expect(validUntil('2026-03-02', 5)).toBe('2031-03-01');
    expect(validUntil('2028-02-29', 1)).toBe('2029-02-28');
    expect(statusOf({ data }, '2031-03-01')).toBe('valid');
    expect(statusOf({ data }, '2031-03-02')).toBe('expired');
    expect(statusOf({ data, revoked: { at: 'x', reason: 'y', by: 'z' } }, '2026-04-01')).toBe('revoked');
    expect(publicView(data)).toMatchObject({ holderName: '韩**', holderId: '3416**********0331' });
  });

  it('stands in for the slot that names it, or the one the catalogue types', () => {
    expect(licenceFits({ name: '原残疾人证' }, '残疾人证')).toBe(true);
    expect(licenceFits({ name: '居民户口簿' }, '残疾人证')).toBe(false);
    expect(licenceFits({ name: '证明材料', licenceType: '残疾人证' }, '残疾人证')).toBe(true);
    expect(licenceFits({ name: '残疾人证', licenceType: '营业执照' }, '残疾人证')).toBe(false);
  });
});

describe('代办 slots', () => {
  const m = (name: string, extra: Partial<MaterialFacts> = {}): MaterialFacts => ({
    name,
    required: false,
    form: '原件',
    copies: 1,
    source: '申请人自备',
    ...extra,
  });
  it('adds a required 委托书 slot for an agent, or makes the item’s own one required', () => {
    const plain = [m('申请表', { required: true })];
    expect(slotsForFiling(plain, { byAgent: false }).map((s) => s.name)).toEqual(['申请表']);
    const byAgent = slotsForFiling(plain, { byAgent: true });
    expect(byAgent.map((s) => s.name)).toEqual(['申请表', AGENT_MANDATE_MATERIAL.name]);
    expect(byAgent[1]).toMatchObject({ required: true, deferrable: false, supply: 'applicant' });
    const own = slotsForFiling([m('委托书及受托人身份证明', { deferrable: true })], { byAgent: true });
    expect(own).toHaveLength(1);
    expect(own[0]).toMatchObject({ required: true, deferrable: false });
  });
});

describe('补交告知', () => {
  it('takes slot ids, once each; none is none', () => {
    const ok = checkActionInput('correct', { items: ['照片'], slots: ['m1abc', 'm1abc', 'm2xyz'] });
    expect(ok).toEqual({ ok: true, input: { items: ['照片'], slots: ['m1abc', 'm2xyz'] } });
    expect(checkActionInput('correct', { items: ['照片'], slots: [] })).toEqual({
      ok: true,
      input: { items: ['照片'] },
    });
  });

  it('keeps every SMS short, whatever the list or the reason', () => {
    const items = Array.from({ length: 50 }, (_, i) => `第${i + 1}项${'材料不清晰'.repeat(40)}`).join('；');
    const text = renderSms('correction', {
      itemName: '残疾人证申领',
      caseNo: '341602-20260302-000001',
      items,
    });
    expect([...text].length).toBeLessThan(200);
    expect(text).toContain('等 50 项');
    expect(briefSmsValue('items', '照片、申请表')).toBe('照片、申请表');
    expect(briefSmsValue('items', Array(30).fill('近期免冠彩色照片').join('、'))).toMatch(
      /^近期免冠彩色照片(、近期免冠彩色照片)*等 30 项$/,
    );
    expect([...briefSmsValue('reason', '理由'.repeat(200))].length).toBe(120);
  });
});
