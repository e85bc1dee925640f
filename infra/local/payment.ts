/**
 * The local cloud's payment provider: the local payment gateway (@online-hall/local-cloud
 * payment-gateway.ts, Alipay's protocol) with this app registered as a merchant, and the variables
 * the hall functions see — the same names the hall stack gives them in AWS (infra/config/payment.json
 * plus the app key secret), only the gateway URL and the keys differ. The app's key pair is made
 * once and kept in `.data/payment/` (an in-memory cloud makes one for its lifetime).
 */
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type LocalPaymentGateway, startPaymentGateway } from '@online-hall/local-cloud/payment-gateway';

/** Our local merchant: the app id and PID the local gateway knows us by. */
export const LOCAL_PAYMENT_APP = { appId: '9021000100000001', sellerId: '2088000000000002' } as const;

export interface LocalPayment {
  gateway: LocalPaymentGateway;
  /** PAYMENT_* variables of every hall function. */
  environment: Record<string, string>;
}

function appKeys(dir: string | undefined): { privateKey: string; publicKey: string } {
  const file = dir && join(dir, 'app-key.json');
  if (file && existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  const keys = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  if (file) writeFileSync(file, JSON.stringify(keys), { mode: 0o600 });
  return keys;
}

export async function startLocalPayment(opts: {
  dataDir?: string;
  now: () => number;
  host?: string;
}): Promise<LocalPayment> {
  if (opts.dataDir) mkdirSync(opts.dataDir, { recursive: true });
  const keys = appKeys(opts.dataDir);
  const gateway = await startPaymentGateway({
    apps: [
      { ...LOCAL_PAYMENT_APP, merchantName: '亳州市政务服务管理局（非税收入）', publicKey: keys.publicKey },
    ],
    now: opts.now,
    host: opts.host,
    dataDir: opts.dataDir,
  });
  return {
    gateway,
    environment: {
      PAYMENT_GATEWAY: gateway.gateway,
      PAYMENT_APP_ID: LOCAL_PAYMENT_APP.appId,
      PAYMENT_SELLER_ID: LOCAL_PAYMENT_APP.sellerId,
      PAYMENT_APP_KEY: keys.privateKey,
      PAYMENT_PROVIDER_KEY: gateway.publicKey,
    },
  };
}
