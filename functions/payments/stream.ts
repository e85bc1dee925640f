/**
 * Cases table stream → the provider: a refund the rules asked for (a paid fee of a case refused,
 * denied or withdrawn) is requested once the case records it, then recorded as done. The provider
 * refunds a request id once, so a replayed record refunds nothing twice; a failure is retried by
 * the stream and ends in the dead letters (npm run replay). A notice the case no longer waits for
 * (expired, withdrawn) is settled: paid-but-not-notified money is refunded and reported, else the
 * trade is closed.
 */
import type { CaseRecord } from '#functions/cases/store.ts';
import { streamHandler } from '#lib/streams.ts';
import { paymentDeps } from './runtime.ts';
import { refundCase, settleUnpayable } from './service.ts';

export const handler = streamHandler(async ({ eventName, newImage, oldImage }) => {
  if (eventName === 'REMOVE' || newImage?.sk !== 'CASE') return;
  const c = newImage as unknown as CaseRecord;
  if (c.payment?.refund && !c.payment.refund.doneAt) await refundCase(paymentDeps(), c);
  // The case stopped waiting for an unpaid notice (expired, withdrawn): settle it with the provider.
  const before = oldImage as unknown as CaseRecord | undefined;
  if (before?.phase === 'payment' && c.phase !== 'payment' && c.payment?.notice && !c.payment.paid)
    await settleUnpayable(paymentDeps(), c);
});
