/**
 * Payment notices (缴款通知书) as pure rules: their numbers and payment codes, how long they stay
 * payable, what a provider's notification must say to pay one, and how our ledger and the
 * provider's statement are compared. No AWS, no provider SDK: functions/payments/ holds the port
 * and its adapters.
 */

/**
 * A notice stays payable for this many calendar days from issue (the 缴费期限 printed on it); after
 * that the case closes as not paid (未按期缴费) and the applicant is told. A reminder SMS goes
 * `REMIND_BEFORE_DAYS` before the end.
 */
export const NOTICE_VALID_DAYS = 7;
export const REMIND_BEFORE_DAYS = 2;

export interface PaymentNotice {
  /** 1, 2, … within the case (a case has at most one open notice). */
  n: number;
  lines: { label: string; fen: number }[];
  fen: number;
  issuedAt: string;
  expiresAt: string;
  payee: { deptCode: string; name: string };
}

export interface PaymentRecord {
  /** The provider's trade number. */
  tradeNo: string;
  fen: number;
  at: string;
}

export interface RefundRecord {
  fen: number;
  reason: string;
  requestedAt: string;
  /** Set once the provider confirmed the refund. */
  doneAt?: string;
}

export interface PaymentState {
  notice?: PaymentNotice;
  paid?: PaymentRecord;
  /** Staff applied a 减免 condition at 准予: no notice. */
  waived?: { reason: string; by: string; at: string };
  expiredAt?: string;
  refund?: RefundRecord;
  /** The reminder SMS went out. */
  remindedAt?: string;
}

const DAY = 86_400_000;
export const noticeExpiry = (issuedAt: string) =>
  new Date(Date.parse(issuedAt) + NOTICE_VALID_DAYS * DAY).toISOString();
export const reminderAt = (n: Pick<PaymentNotice, 'expiresAt'>) =>
  new Date(Date.parse(n.expiresAt) - REMIND_BEFORE_DAYS * DAY).toISOString();

/**
 * The merchant order number the provider knows the notice by (Alipay's `out_trade_no`: letters,
 * digits and underscores only): the case number's digits, `F`, the notice's number.
 * `341602-20261129-000001`, 1 → `34160220261129000001F1`.
 */
export const noticeId = (caseNo: string, n: number) => `${caseNo.replaceAll('-', '')}F${n}`;

const NOTICE_ID = /^(\d{6})(\d{8})(\d{6})F([1-9]\d{0,2})$/;
/** The case number and notice number of an order number, or undefined for anything else. */
export function parseNoticeId(id: string): { caseNo: string; n: number } | undefined {
  const m = NOTICE_ID.exec(id);
  return m ? { caseNo: `${m[1]}-${m[2]}-${m[3]}`, n: Number(m[4]) } : undefined;
}

/**
 * 缴款码 printed on the notice (the code a payer may also key in at a bank counter): the case
 * number's 20 digits, the notice number, and a Luhn check digit, shown in groups of four.
 */
export function paymentCode(caseNo: string, n: number): string {
  const body = `${caseNo.replaceAll('-', '')}${n % 10}`;
  return body + luhn(body);
}
export const formatPaymentCode = (code: string) => code.replace(/(.{4})(?=.)/g, '$1 ');

function luhn(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

/** What a verified provider notification says about a trade (signature already checked by the adapter). */
export interface TradeNotice {
  noticeId: string;
  tradeNo: string;
  fen: number;
  /** The merchant the money went to (Alipay `seller_id`) and the app that asked (`app_id`). */
  sellerId: string;
  appId: string;
  status: 'paid' | 'closed' | 'other';
  paidAt?: string;
}

export type NotificationVerdict =
  | { kind: 'pay' }
  /** This very trade was counted already (a repeated delivery). */
  | { kind: 'duplicate' }
  /** Money arrived that we cannot count: refund it and tell the operators. */
  | { kind: 'refund'; reason: string }
  /** Nothing to do (a closed trade, an unknown status). */
  | { kind: 'ignore'; reason: string }
  /** Not for us or not believable: no state changes, the operators are told. */
  | { kind: 'reject'; reason: string };

/**
 * What to do with a verified notification about `notice` of a case in the state given. The checks
 * that stop a payment from counting: our merchant and app, the notice's exact amount, a notice that
 * is still payable; a trade already counted is a duplicate, a second trade for a paid notice
 * (paid from two tabs or devices) or money for a closed case is refunded.
 */
export function judgeNotification(
  t: TradeNotice,
  expected: { sellerId: string; appId: string },
  c: { notice?: PaymentNotice; n: number; paid?: PaymentRecord; payable: boolean },
): NotificationVerdict {
  if (t.appId !== expected.appId || t.sellerId !== expected.sellerId)
    return { kind: 'reject', reason: '通知的商户或应用与本平台不符' };
  if (t.status !== 'paid') return { kind: 'ignore', reason: '交易未成功' };
  if (!c.notice || c.notice.n !== c.n) return { kind: 'refund', reason: '缴款通知书不存在或已作废' };
  if (t.fen !== c.notice.fen)
    return { kind: 'refund', reason: `金额不符：应缴 ${c.notice.fen} 分，实缴 ${t.fen} 分` };
  if (c.paid)
    return c.paid.tradeNo === t.tradeNo
      ? { kind: 'duplicate' }
      : { kind: 'refund', reason: '同一通知书重复缴费' };
  if (!c.payable) return { kind: 'refund', reason: '缴费期限已过或办件已终止' };
  return { kind: 'pay' };
}

export interface LedgerEntry {
  noticeId: string;
  tradeNo: string;
  fen: number;
  /** Net of refunds, in fen. */
  refundedFen: number;
}

export interface StatementEntry {
  noticeId: string;
  tradeNo: string;
  fen: number;
  refundedFen: number;
}

export interface ReconciliationDiff {
  /** The provider has it, we do not (money taken and not counted). */
  missingInLedger: StatementEntry[];
  /** We counted it, the provider does not have it. */
  missingAtProvider: LedgerEntry[];
  /** Both have it, with different amounts or refunds. */
  mismatched: { ours: LedgerEntry; theirs: StatementEntry }[];
  matched: number;
}

/** One day's ledger against the provider's statement of the same day, by trade number. */
export function reconcile(ledger: LedgerEntry[], statement: StatementEntry[]): ReconciliationDiff {
  const theirs = new Map(statement.map((s) => [s.tradeNo, s]));
  const diff: ReconciliationDiff = { missingInLedger: [], missingAtProvider: [], mismatched: [], matched: 0 };
  for (const ours of ledger) {
    const t = theirs.get(ours.tradeNo);
    theirs.delete(ours.tradeNo);
    if (!t) diff.missingAtProvider.push(ours);
    else if (t.fen !== ours.fen || t.refundedFen !== ours.refundedFen || t.noticeId !== ours.noticeId)
      diff.mismatched.push({ ours, theirs: t });
    else diff.matched++;
  }
  diff.missingInLedger = [...theirs.values()];
  return diff;
}

/** What the case page shows of the fee and its notice (applicant and staff; not the progress query). */
export interface PaymentView {
  timingName: string;
  /** Due after 准予: staff choose the category or set the amount when deciding. */
  afterApproval: boolean;
  /** The amounts the standard allows (none: staff set it by the rule). */
  options: { id: string; label: string; fen: number }[];
  standard: string;
  basis: string;
  reductions: string[];
  payee: { deptCode: string; name: string };
  notice?: {
    noticeId: string;
    /** 缴款码, in groups of four. */
    paymentCode: string;
    lines: { label: string; fen: number }[];
    fen: number;
    issuedAt: string;
    expiresAt: string;
  };
  paid?: { at: string; fen: number; tradeNo: string };
  waived?: { reason: string; at: string };
  expiredAt?: string;
  refund?: { fen: number; requestedAt: string; doneAt?: string };
  /** The applicant may go to the cashier now. */
  payable: boolean;
}
