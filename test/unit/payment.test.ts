/** 网上缴费 as pure rules: fee terms from the catalogue, the 缴费 step of the lifecycle, notifications judged. */
import { describe, expect, it } from 'vitest';
import { type FeeTerms, noticeLines, optionsFromStandard, timingFromStandard } from '#domain/fees.ts';
import {
  formatPaymentCode,
  judgeNotification,
  noticeId,
  parseNoticeId,
  paymentCode,
  reconcile,
  type TradeNotice,
} from '#domain/payment.ts';
import {
  type ActionId,
  type ActionInput,
  type Actor,
  applicantActions,
  applyAction,
  type CaseState,
  initialState,
  openTasks,
  type PlanStep,
  statusOf,
  supervise,
  TIMER_ACTIONS,
} from '#domain/process.ts';
import { calendar } from '#lib/calendar.ts';

const config = {
  yellow: { days: 1, fraction: 0.2 },
  prereviewDays: 5,
  rectification: { visitDays: 2, rectifyDays: 10 },
};
const plan: PlanStep[] = [
  { id: 'accept', name: '受理', post: '受理', level: 'county', limitDays: 1, depts: ['d1'] },
  { id: 'decide', name: '决定', post: '决定', level: 'county', limitDays: 4, depts: ['d1'] },
];
const staff: Actor = { kind: 'staff', name: '王受理员', dept: 'd1', deptName: '公安局' };
const system: Actor = { kind: 'system', name: '系统' };
const T0 = '2026-03-02T01:00:00.000Z';
const later = (days: number) => new Date(Date.parse(T0) + days * 86_400_000).toISOString();

const fee = (standard: string): FeeTerms => ({
  timing: timingFromStandard(standard),
  options: optionsFromStandard(standard),
  standard,
  basis: '发改价格〔2003〕2322号',
  payee: { deptCode: 'd1', name: '公安局' },
  reductions: [],
  refundOn: timingFromStandard(standard) === 'before-acceptance' ? ['refused', 'denied', 'withdrawn'] : [],
});

function act(s: CaseState, action: ActionId, input: ActionInput = {}, at = T0, who: Actor = staff) {
  const task = openTasks(s)[0];
  const r = applyAction(s, action, input, who, at, who.kind === 'staff' ? task?.id : undefined);
  if (!r.ok) throw new Error(`${action}: ${r.code} ${r.message}`);
  return r;
}

describe('fee terms from a published standard', () => {
  it('reads amounts in fen, adds up 工本费 issued together, keeps categories apart', () => {
    expect(optionsFromStandard('补领居民身份证工本费每证20元')).toEqual([
      { id: 'a', label: '补领居民身份证工本费', fen: 2000 },
    ]);
    expect(optionsFromStandard('号牌工本费每副100元，行驶证工本费每证10元')).toEqual([
      { id: 'a', label: '号牌工本费、行驶证工本费', fen: 11000 },
    ]);
    expect(optionsFromStandard('住宅类每件80元，非住宅类每件550元').map((o) => o.fen)).toEqual([8000, 55000]);
    expect(optionsFromStandard('按《安徽省公证服务收费标准》执行')).toEqual([]);
    expect(timingFromStandard('护照每本120元')).toBe('before-acceptance');
    expect(timingFromStandard('住宅类每件80元，非住宅类每件550元')).toBe('after-approval');
  });

  it('asks staff for the category or the amount where the standard leaves it open', () => {
    const land = fee('住宅类每件80元，非住宅类每件550元');
    expect(noticeLines(land, undefined).ok).toBe(false);
    expect(noticeLines(land, { option: 'b' })).toEqual({
      ok: true,
      lines: [{ label: '非住宅类', fen: 55000 }],
    });
    const notary = fee('按《安徽省公证服务收费标准》执行');
    expect(noticeLines(notary, { fen: 0 }).ok).toBe(false);
    expect(noticeLines(notary, { fen: 30000 }).ok).toBe(true);
  });
});

describe('notice numbers and payment codes', () => {
  it('round-trips the order number and checks the payment code', () => {
    const id = noticeId('341602-20261129-000123', 1);
    expect(id).toBe('34160220261129000123F1');
    expect(parseNoticeId(id)).toEqual({ caseNo: '341602-20261129-000123', n: 1 });
    expect(parseNoticeId('34160220261129000123F0')).toBeUndefined();
    expect(parseNoticeId('x; drop')).toBeUndefined();
    const code = paymentCode('341602-20261129-000123', 1);
    expect(code).toMatch(/^\d{22}$/);
    expect(formatPaymentCode(code)).toMatch(/^\d{4}( \d{4}){4} \d{2}$/);
  });
});

describe('工本费 before acceptance', () => {
  const filed = () =>
    initialState({
      plan,
      deptCode: 'd1',
      promisedDays: 5,
      filedAt: T0,
      fee: fee('补领居民身份证工本费每证20元'),
    });

  it('waits on 缴费 with a notice, reminds, then accepts once paid', () => {
    const s = filed();
    expect(s.phase).toBe('payment');
    expect(statusOf(s)).toBe('awaiting-payment');
    expect(openTasks(s).map((t) => t.id)).toEqual(['pay']);
    expect(s.payment?.notice).toMatchObject({ n: 1, fen: 2000, expiresAt: later(7) });
    const { timers, deadlines } = supervise(s, T0, calendar, config);
    expect(Object.keys(timers).sort()).toEqual(['pay-expire', 'pay-remind']);
    expect(deadlines.deemAccept).toBeUndefined();
    expect(TIMER_ACTIONS['pay-remind']).toBe('pay-remind');
    const reminded = act(s, 'pay-remind', {}, later(5), system);
    expect(reminded.events[0].type).toBe('缴费提醒');
    expect(applyAction(reminded.state, 'pay-remind', {}, system, later(5)).ok).toBe(false);
    const paid = act(
      reminded.state,
      'pay-confirm',
      { payment: { n: 1, tradeNo: 'T1', fen: 2000 } },
      later(6),
      system,
    );
    expect(paid.state.phase).toBe('work');
    expect(paid.state.windowFrom).toBe(later(6));
    expect(paid.answered).toEqual([{ taskId: 'pay', output: { decision: 'paid' } }]);
    // Paid once: a second confirmation is not allowed (the notification handler calls it a duplicate).
    expect(
      applyAction(
        paid.state,
        'pay-confirm',
        { payment: { n: 1, tradeNo: 'T1', fen: 2000 } },
        system,
        later(6),
      ).ok,
    ).toBe(false);
  });

  it('refuses a confirmation with another amount or notice', () => {
    const r = applyAction(
      filed(),
      'pay-confirm',
      { payment: { n: 1, tradeNo: 'T1', fen: 1999 } },
      system,
      T0,
    );
    expect(r).toMatchObject({ ok: false, code: 'PAYMENT_MISMATCH' });
  });

  it('closes as not paid after the limit, and the applicant may withdraw instead of paying', () => {
    const expired = act(filed(), 'pay-expire', {}, later(7), system);
    expect(expired.state.phase).toBe('closed');
    expect(statusOf(expired.state)).toBe('unpaid');
    expect(expired.events[0].type).toBe('缴费超期');
    expect(applicantActions(filed(), T0)).toContain('withdraw');
  });

  it('refunds a paid 工本费 when the application is refused', () => {
    const paid = act(
      filed(),
      'pay-confirm',
      { payment: { n: 1, tradeNo: 'T1', fen: 2000 } },
      T0,
      system,
    ).state;
    const refused = act(paid, 'refuse', { reason: '材料不符合要求' }, later(1));
    expect(refused.state.payment?.refund).toMatchObject({ fen: 2000 });
    expect(refused.events.map((e) => e.type)).toEqual(['受理', '退费']);
    const done = act(refused.state, 'refund-done', {}, later(1), system);
    expect(done.state.payment?.refund?.doneAt).toBe(later(1));
    expect(applyAction(done.state, 'refund-done', {}, system, later(1)).ok).toBe(false);
  });
});

describe('a fee after 准予', () => {
  const filed = () =>
    initialState({
      plan,
      deptCode: 'd1',
      promisedDays: 5,
      filedAt: T0,
      fee: fee('住宅类每件80元，非住宅类每件550元'),
    });

  it('needs the category at 准予, then waits on payment before delivery', () => {
    const s = filed();
    expect(s.phase).toBe('work');
    const atDecision = act(s, 'accept').state;
    const r = applyAction(atDecision, 'approve', {}, staff, T0, openTasks(atDecision)[0].id);
    expect(r).toMatchObject({ ok: false, code: 'FEE_REQUIRED', field: 'fee' });
    const approved = act(atDecision, 'approve', { fee: { option: 'a' } });
    expect(approved.state.phase).toBe('payment');
    expect(approved.state.payment?.notice?.fen).toBe(8000);
    expect(approved.events.map((e) => e.type)).toEqual(['办结', '缴费通知']);
    // Decided: no withdrawal now.
    expect(applicantActions(approved.state, T0)).not.toContain('withdraw');
    const paid = act(
      approved.state,
      'pay-confirm',
      { payment: { n: 1, tradeNo: 'T9', fen: 8000 } },
      T0,
      system,
    );
    expect(paid.state.phase).toBe('delivery');
  });

  it('issues no notice when a 减免 applies', () => {
    const atDecision = act(filed(), 'accept').state;
    const r = act(atDecision, 'approve', { fee: { waiver: '小微企业免收登记费' } });
    expect(r.state.phase).toBe('delivery');
    expect(r.state.payment?.waived?.reason).toBe('小微企业免收登记费');
  });
});

describe('a provider notification judged', () => {
  const notice = {
    n: 1,
    lines: [],
    fen: 2000,
    issuedAt: T0,
    expiresAt: later(7),
    payee: { deptCode: 'd1', name: '' },
  };
  const t = (over: Partial<TradeNotice> = {}): TradeNotice => ({
    noticeId: 'x',
    tradeNo: 'T1',
    fen: 2000,
    sellerId: 'S',
    appId: 'A',
    status: 'paid',
    ...over,
  });
  const us = { sellerId: 'S', appId: 'A' };
  it('pays, recognises a repeat, refunds a second trade, a wrong amount and a late payment', () => {
    expect(judgeNotification(t(), us, { notice, n: 1, payable: true }).kind).toBe('pay');
    const paid = { tradeNo: 'T1', fen: 2000, at: T0 };
    expect(judgeNotification(t(), us, { notice, n: 1, paid, payable: false }).kind).toBe('duplicate');
    expect(judgeNotification(t({ tradeNo: 'T2' }), us, { notice, n: 1, paid, payable: false }).kind).toBe(
      'refund',
    );
    expect(judgeNotification(t({ fen: 1 }), us, { notice, n: 1, payable: true }).kind).toBe('refund');
    expect(judgeNotification(t(), us, { notice, n: 1, payable: false }).kind).toBe('refund');
    expect(judgeNotification(t(), us, { notice, n: 2, payable: true }).kind).toBe('refund');
    expect(judgeNotification(t({ sellerId: 'X' }), us, { notice, n: 1, payable: true }).kind).toBe('reject');
    expect(judgeNotification(t({ status: 'closed' }), us, { notice, n: 1, payable: true }).kind).toBe(
      'ignore',
    );
  });

  it('reconciles a day: matched, missing on either side, mismatched', () => {
    const e = (tradeNo: string, fen = 100, refundedFen = 0) => ({
      noticeId: `N${tradeNo}`,
      tradeNo,
      fen,
      refundedFen,
    });
    const d = reconcile([e('1'), e('2'), e('3', 100, 100)], [e('1'), e('3', 100, 0), e('4')]);
    expect(d.matched).toBe(1);
    expect(d.missingAtProvider.map((x) => x.tradeNo)).toEqual(['2']);
    expect(d.missingInLedger.map((x) => x.tradeNo)).toEqual(['4']);
    expect(d.mismatched.map((x) => x.ours.tradeNo)).toEqual(['3']);
  });
});

describe('the signed progress link of an SMS', () => {
  it('opens its own case until it expires, nothing else', async () => {
    process.env.CURSOR_KEY ??= 'unit-test-key';
    const { checkProgressToken, progressToken, LINK_DAYS } = await import(
      '#functions/cases/progress-link.ts'
    );
    const now = Date.parse(T0);
    const t = progressToken('341602-20260302-000001', now);
    expect(t).toMatch(/^[0-9a-z]+\.[A-Za-z0-9_-]{22}$/);
    expect(checkProgressToken('341602-20260302-000001', t, now)).toBe('ok');
    expect(checkProgressToken('341602-20260302-000002', t, now)).toBe('invalid');
    expect(checkProgressToken('341602-20260302-000001', `${t}x`, now)).toBe('invalid');
    const later = now + (LINK_DAYS + 1) * 86_400_000;
    expect(checkProgressToken('341602-20260302-000001', t, later)).toBe('expired');
    // A forged expiry breaks the signature.
    const [, sig] = t.split('.');
    expect(checkProgressToken('341602-20260302-000001', `zzzzzz.${sig}`, now)).toBe('invalid');
  });
});
