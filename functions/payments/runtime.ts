/** The payment dependencies of this hall's functions, built once per Lambda instance. */
import { env } from '#lib/aws.ts';
import { alipayProvider } from './alipay.ts';
import { paymentConfig } from './config.ts';
import type { PaymentDeps } from './service.ts';

let deps: PaymentDeps | undefined;
export function paymentDeps(): PaymentDeps {
  if (deps) return deps;
  const config = paymentConfig();
  deps = {
    provider: alipayProvider(config),
    appId: config.appId,
    sellerId: config.sellerId,
    portalUrl: config.portalUrl,
    hallId: env('HALL_ID'),
    hallCode: env('HALL_CODE'),
  };
  return deps;
}
