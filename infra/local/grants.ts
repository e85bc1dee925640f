/**
 * What each function of this app may see and do locally, from its spec in infra/resources.ts, the
 * way the CDK stacks give it in AWS (infra/constructs/house-function.ts):
 *
 * - `environmentOf`: the function's own variables (stack variables and one per resource its spec
 *   names, through the same `functionEnvironment` the construct uses);
 * - `statementsOf`: its grants, with the actions the CDK grant methods produce, on the local ARNs.
 *   The emulators check them (@online-hall/local-cloud iam.ts), so a call its spec does not grant
 *   fails locally with AccessDenied, as it would in AWS. test/infra/local-grants.test.ts compares
 *   these actions with the synthesized IAM policies.
 */
import type { Statement } from '@online-hall/local-cloud/iam';
import {
  bucketActions,
  type FunctionSpec,
  functionEnvironment,
  platformResources,
  type StackResources,
} from '../resources.ts';
import { bucketArn, localName, type Scope, stateMachineArn, tableArn, topicArn } from './names.ts';

/** Table.grantReadData's actions (aws-cdk-lib/aws-dynamodb perms.ts). */
export const DYNAMODB_READ = [
  'dynamodb:BatchGetItem',
  'dynamodb:GetRecords',
  'dynamodb:GetShardIterator',
  'dynamodb:Query',
  'dynamodb:GetItem',
  'dynamodb:Scan',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DescribeTable',
];
/** …and what grantReadWriteData adds. */
export const DYNAMODB_WRITE = [
  'dynamodb:BatchWriteItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
];
/** What the event source mapping of a stream adds to its function's role. */
export const STREAM_READ = [
  'dynamodb:DescribeStream',
  'dynamodb:GetRecords',
  'dynamodb:GetShardIterator',
  'dynamodb:ListStreams',
];
/**
 * TableAccess 'revocation' (house-function.ts): GetItem on the table. In AWS its conditions also
 * narrow it to profiles and the token-state attributes; the emulators have no conditions.
 */
const revocationRead = (arn: string): Statement => ({ actions: ['dynamodb:GetItem'], resources: [arn] });
/** StateMachine.grantTaskResponse's actions. */
export const TASK_RESPONSE = ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'];

export interface LocalStack {
  scope: Scope;
  resources: StackResources;
  /** Variables every function of the stack gets (HALL_ID, HALL_CODE in hall stacks). */
  environment: Record<string, string>;
}

/** A function's environment as its AWS::Lambda::Function declares it (local names instead of tokens). */
export function environmentOf(
  stack: LocalStack,
  spec: FunctionSpec,
  functionId: string,
): Record<string, string> {
  const { scope } = stack;
  return {
    NODE_OPTIONS: '--enable-source-maps',
    POWERTOOLS_SERVICE_NAME: scope,
    ...stack.environment,
    ...functionEnvironment(functionId, spec, {
      table: (id) => localName(scope, id),
      platformTable: (id) => localName('platform', id),
      bucket: (id) => localName(scope, id),
      topic: (id) => topicArn(scope, id),
      stateMachine: (id) => stateMachineArn(scope, id),
    }),
  };
}

/**
 * A function's grants, as house-function.ts grants them in AWS (and the stream mappings of
 * service-resources.ts: locally the poller reads streams with the local cloud's own key, so those
 * statements are there for the record).
 */
export function statementsOf(stack: LocalStack, spec: FunctionSpec, functionId?: string): Statement[] {
  const { scope, resources } = stack;
  const out: Statement[] = [];
  for (const m of resources.streams.filter((m) => m.function === functionId))
    out.push({ actions: STREAM_READ, resources: [`${tableArn(scope, m.table)}/stream/*`] });
  for (const [id, access] of Object.entries(spec.tables ?? {})) {
    const arn = tableArn(scope, id);
    if (access === 'revocation') {
      out.push(revocationRead(arn));
      continue;
    }
    const hasIndexes = Object.keys(resources.tables[id]?.indexes ?? {}).length > 0;
    out.push({
      actions: access === 'write' ? [...DYNAMODB_READ, ...DYNAMODB_WRITE] : DYNAMODB_READ,
      resources: hasIndexes ? [arn, `${arn}/index/*`] : [arn],
    });
  }
  for (const [id, access] of Object.entries(spec.platformTables ?? {})) {
    const arn = tableArn('platform', id);
    if (access === 'revocation') {
      out.push(revocationRead(arn));
      continue;
    }
    out.push({
      actions: [
        'dynamodb:GetItem',
        'dynamodb:BatchGetItem',
        ...(access === 'query' ? ['dynamodb:Query'] : []),
      ],
      resources: [arn],
    });
    const indexes = Object.keys(platformResources.tables[id]?.indexes ?? {});
    if (indexes.length > 0)
      out.push({ actions: ['dynamodb:Query'], resources: indexes.map((name) => `${arn}/index/${name}`) });
  }
  for (const [id, access] of Object.entries(spec.buckets ?? {})) {
    out.push({
      actions: bucketActions(access),
      resources: [`${bucketArn(scope, id)}/*`],
    });
  }
  for (const id of spec.topics ?? [])
    out.push({ actions: ['sns:Publish'], resources: [topicArn(scope, id)] });
  if (spec.sms) out.push({ actions: ['sns:Publish'], resources: ['*'] });
  for (const id of spec.starts ?? [])
    out.push({ actions: ['states:StartExecution'], resources: [stateMachineArn(scope, id)] });
  for (const id of spec.answers ?? [])
    out.push({ actions: TASK_RESPONSE, resources: [stateMachineArn(scope, id)] });
  return out;
}
