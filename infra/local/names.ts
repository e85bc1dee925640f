/**
 * Names of this app's local resources. AWS names come from CloudFormation; locally every stack's
 * resources share one emulator, so the stack scope ('platform' or 'hall-<id>') prefixes them.
 */
import { arns } from '@online-hall/local-cloud/names';

export const REGION = 'cn-north-1';
export const ACCOUNT = '000000000000';
/** ARNs in this region and account (China regions: the aws-cn partition). */
export const ARNS = arns(REGION, ACCOUNT);

export type Scope = string; // 'platform' | `hall-${hallId}`

export const hallScope = (hallId: string): Scope => `hall-${hallId}`;
export const localName = (scope: Scope, id: string) => `${scope}-${id}`;
export const functionArn = (scope: Scope, fnId: string) => ARNS.function(localName(scope, fnId));
export const topicArn = (scope: Scope, id: string) => ARNS.topic(localName(scope, id));
export const stateMachineArn = (scope: Scope, id: string) => ARNS.stateMachine(localName(scope, id));
export const tableArn = (scope: Scope, id: string) => ARNS.table(localName(scope, id));
export const bucketArn = (scope: Scope, id: string) => ARNS.bucket(localName(scope, id));
