/**
 * The payment port: what the hall needs from a payment provider. One adapter implements it,
 * `alipay.ts` on Alipay's open API (alipay-sdk); the local cloud's payment gateway speaks the same
 * protocol, so the adapter that runs in tests is the one that runs in production — only the gateway
 * URL and the keys differ (functions/payments/config.ts).
 */
import type { StatementEntry, TradeNotice } from '#domain/payment.ts';

export interface CashierOrder {
  noticeId: string;
  fen: number;
  subject: string;
  /** Where the provider posts its asynchronous notifications. */
  notifyUrl: string;
  /** Where the payer's browser returns after paying or cancelling. */
  returnUrl: string;
  /** The notice's 缴费期限: the provider refuses to take the money after it. */
  expiresAt: string;
}

export interface TradeQuery {
  status: 'paid' | 'waiting' | 'closed' | 'unknown';
  tradeNo?: string;
  fen?: number;
  sellerId?: string;
  paidAt?: string;
}

export interface PaymentProvider {
  /** The cashier page's URL for one notice (a signed request the payer's browser carries there). */
  cashierUrl(order: CashierOrder): string;
  /** A notification's fields if its signature is the provider's; undefined when it is not. */
  readNotification(form: Record<string, string>): TradeNotice | undefined;
  /** The provider's word on a notice (signed response). */
  query(noticeId: string): Promise<TradeQuery>;
  /** Close an unpaid trade so it can no longer be paid (a notice that expired or was withdrawn). */
  close(noticeId: string): Promise<void>;
  /**
   * Refund `fen` of a trade — by its trade number when known (a notice may have seen more than one
   * trade), else the notice's; `requestId` makes a repeated request refund once.
   */
  refund(req: {
    noticeId: string;
    tradeNo?: string;
    fen: number;
    requestId: string;
    reason: string;
  }): Promise<{ ok: boolean; message?: string }>;
  /** The trades of one Beijing day (yyyy-mm-dd), from the provider's statement. */
  statement(day: string): Promise<StatementEntry[]>;
}
