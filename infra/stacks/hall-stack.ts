/**
 * One hall (厅): its cases table, materials bucket, topics, lifecycle state machine, functions
 * and HTTP API, all from `hallResources`. Deployed alone with `npm run deploy -- <hallId>`.
 */
import { Stack, type StackProps, Tags } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import payment from '../config/payment.json' with { type: 'json' };
import { type AuthConfig, ServiceResources } from '../constructs/service-resources.ts';
import type { Hall } from '../halls.ts';
import { hallResources } from '../resources.ts';

export interface HallStackProps extends StackProps {
  hall: Hall;
  /** The platform stack's tables hall functions may read (`platformTables` of a FunctionSpec). */
  platformTables: Record<string, ITable>;
  auth: AuthConfig;
  portalOrigins: string[];
  /** The platform's origin secret (CloudFront's `x-origin-verify`), checked by the API functions. */
  originSecret: ISecret;
  /** The platform's cursor key (`CURSOR_KEY`), so cursors are signed alike everywhere. */
  cursorKey: ISecret;
}

export const hallStackId = (hallId: string) => `HallStack-${hallId}`;
export const hallApiPrefix = (hallId: string) => hallResources.apiPrefix.replace('{hallId}', hallId);

export class HallStack extends Stack {
  readonly hall: Hall;
  readonly service: ServiceResources;

  constructor(scope: Construct, id: string, props: HallStackProps) {
    super(scope, id, { description: `${props.hall.fullName} (${props.hall.code})`, ...props });
    this.hall = props.hall;
    Tags.of(this).add('hall', props.hall.id);
    this.service = new ServiceResources(this, 'Hall', {
      resources: hallResources,
      apiPrefix: hallApiPrefix(props.hall.id),
      serviceName: `hall-${props.hall.id}`,
      auth: props.auth,
      portalOrigins: props.portalOrigins,
      originSecret: props.originSecret,
      environment: {
        HALL_ID: props.hall.id,
        HALL_CODE: props.hall.code,
        CURSOR_KEY: props.cursorKey.secretValue.unsafeUnwrap(),
        // Links in SMS and the payment provider's return and notification addresses.
        PORTAL_URL: props.portalOrigins[0],
        // The payment provider (infra/config/payment.json); the app key by dynamic reference.
        PAYMENT_GATEWAY: payment.gateway,
        PAYMENT_APP_ID: payment.appId,
        PAYMENT_SELLER_ID: payment.sellerId,
        PAYMENT_PROVIDER_KEY: payment.providerPublicKey || 'unset',
        PAYMENT_APP_KEY: Secret.fromSecretNameV2(
          this,
          'PaymentAppKey',
          payment.appKeySecret,
        ).secretValue.unsafeUnwrap(),
      },
      platformTables: props.platformTables,
    });
  }
}
