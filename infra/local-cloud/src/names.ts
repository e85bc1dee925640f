/**
 * Region, account and ARNs of the emulators. Every emulator answers for one region and one account;
 * China regions (`cn-*`) live in their own partition, so their ARNs start `arn:aws-cn:`.
 */
export const DEFAULT_REGION = 'cn-north-1';
export const DEFAULT_ACCOUNT = '000000000000';

export const partitionOf = (region: string) => (region.startsWith('cn-') ? 'aws-cn' : 'aws');

/** ARN builders for one region and account. */
export function arns(region = DEFAULT_REGION, account = DEFAULT_ACCOUNT) {
  const p = partitionOf(region);
  return {
    region,
    account,
    partition: p,
    function: (name: string) => `arn:${p}:lambda:${region}:${account}:function:${name}`,
    topic: (name: string) => `arn:${p}:sns:${region}:${account}:${name}`,
    stateMachine: (name: string) => `arn:${p}:states:${region}:${account}:stateMachine:${name}`,
    table: (name: string) => `arn:${p}:dynamodb:${region}:${account}:table/${name}`,
    bucket: (name: string) => `arn:${p}:s3:::${name}`,
    role: (name: string) => `arn:${p}:iam::${account}:role/${name}`,
  };
}

export type Arns = ReturnType<typeof arns>;
