/**
 * Names of the local resources. AWS names come from CloudFormation; locally every stack's
 * resources share one emulator, so the stack scope ('platform' or 'hall-<id>') prefixes them.
 */
export const REGION = 'cn-north-1';
export const ACCOUNT = '000000000000';
/** China regions live in their own partition, so their ARNs start arn:aws-cn:. */
export const partitionOf = (region: string) => (region.startsWith('cn-') ? 'aws-cn' : 'aws');
const P = partitionOf(REGION);

export type Scope = string; // 'platform' | `hall-${hallId}`

export const hallScope = (hallId: string): Scope => `hall-${hallId}`;
export const localName = (scope: Scope, id: string) => `${scope}-${id}`;
export const functionArn = (scope: Scope, fnId: string) =>
  `arn:${P}:lambda:${REGION}:${ACCOUNT}:function:${localName(scope, fnId)}`;
export const topicArn = (scope: Scope, id: string) =>
  `arn:${P}:sns:${REGION}:${ACCOUNT}:${localName(scope, id)}`;
export const stateMachineArn = (scope: Scope, id: string) =>
  `arn:${P}:states:${REGION}:${ACCOUNT}:stateMachine:${localName(scope, id)}`;
