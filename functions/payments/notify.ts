/**
 * POST /payments/notify — the provider's asynchronous notification (form-encoded, RSA2-signed by the
 * provider; no token: the signature is the credential). Answers `success` once the trade is dealt
 * with (counted, recognised as counted, or refunded), so the provider stops resending; `fail` for a
 * notification that is not the provider's (it is logged, nothing changes).
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { cameThroughEdge } from '#lib/client.ts';
import { logger } from '#lib/logger.ts';
import { paymentDeps } from './runtime.ts';
import { applyTrade } from './service.ts';

/** Alipay's notifications are a few hundred bytes; anything much larger is not one. */
const MAX_BODY = 16 * 1024;

const text = (statusCode: number, body: string): APIGatewayProxyResultV2 => ({
  statusCode,
  headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
  body,
});

export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyResultV2> {
  if (!(await cameThroughEdge(event))) return text(403, 'fail');
  const type =
    Object.entries(event.headers ?? {}).find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? '';
  if (!type.toLowerCase().startsWith('application/x-www-form-urlencoded')) return text(415, 'fail');
  const raw = event.body
    ? event.isBase64Encoded
      ? Buffer.from(event.body, 'base64').toString('utf8')
      : event.body
    : '';
  if (!raw || raw.length > MAX_BODY) return text(400, 'fail');
  const form = Object.fromEntries(new URLSearchParams(raw));
  const deps = paymentDeps();
  const trade = deps.provider.readNotification(form);
  if (!trade) {
    logger.warn('payment notification with a bad signature', { outTradeNo: form.out_trade_no?.slice(0, 64) });
    return text(400, 'fail');
  }
  const outcome = await applyTrade(deps, trade, 'notify');
  return outcome === 'rejected' ? text(400, 'fail') : text(200, 'success');
}
