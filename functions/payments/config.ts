/**
 * Where the payment provider is and who we are to it, from the function's environment: the same
 * variables in AWS (the hall stack: gateway and ids from infra/config/payment.json, the app's
 * private key from a secret) and locally (the local payment gateway's URL and the keys it made).
 */
import { env } from '#lib/aws.ts';

export interface PaymentConfig {
  /** Alipay's `gateway.do` (sandbox: https://openapi-sandbox.dl.alipaydev.com/gateway.do). */
  gateway: string;
  appId: string;
  /** Our merchant id (PID, `seller_id` in notifications). */
  sellerId: string;
  /** Our app's RSA private key (PEM), which signs requests. */
  appPrivateKey: string;
  /** The provider's RSA public key (PEM), which verifies responses and notifications. */
  providerPublicKey: string;
  /** The portal's origin: notification and return URLs are under it. */
  portalUrl: string;
}

export function paymentConfig(): PaymentConfig {
  return {
    gateway: env('PAYMENT_GATEWAY'),
    appId: env('PAYMENT_APP_ID'),
    sellerId: env('PAYMENT_SELLER_ID'),
    appPrivateKey: env('PAYMENT_APP_KEY'),
    providerPublicKey: env('PAYMENT_PROVIDER_KEY'),
    portalUrl: env('PORTAL_URL'),
  };
}
