/**
 * The one house Lambda construct: every function of every stack is built here, so runtime,
 * architecture, bundling, source maps, log retention and grants are decided once.
 */
import { fileURLToPath } from 'node:url';
import { Duration, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { type IRole, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  Architecture,
  ParamsAndSecretsLayerVersion,
  ParamsAndSecretsVersions,
  Runtime,
} from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { TOKEN_STATE_ATTRIBUTES } from '../../functions/identity/revocation.ts';
import { ORIGIN_SECRET_ENV } from '../../functions/lib/client.ts';
import {
  bucketActions,
  type FunctionSpec,
  functionEnvironment,
  hallFunctionName,
  platformResources,
  type TableAccess,
} from '../resources.ts';
import { acknowledge } from './nag.ts';

/** Repository root: entries in infra/resources.ts are relative to it. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/**
 * esbuild settings shared by the construct and test/bench/bundles.ts, so the benchmark measures
 * the bundles that deploy. ESM because the code base is ESM; the banner gives CommonJS
 * dependencies that call `require` (some transitive SDK/middy deps) a working `require`.
 * The AWS SDK is bundled rather than taken from the runtime: the deployed code then runs the
 * exact SDK version the tests ran against.
 */
export const bundleSettings = {
  target: 'node22',
  format: 'esm' as const,
  minify: true,
  sourcemap: true,
  mainFields: ['module', 'main'],
  banner:
    "import { createRequire as __houseCreateRequire } from 'node:module';" +
    'const require = __houseCreateRequire(import.meta.url);',
  external: [] as string[],
};

export interface ResourceRefs {
  tables: Record<string, ITable>;
  /** Tables of the platform stack, reachable from hall stacks. */
  platformTables?: Record<string, ITable>;
  buckets: Record<string, IBucket>;
  topics: Record<string, ITopic>;
  stateMachines: Record<string, IStateMachine>;
}

export interface HouseFunctionProps {
  /** Function id in infra/resources.ts. */
  functionId: string;
  spec: FunctionSpec;
  refs: ResourceRefs;
  /** POWERTOOLS_SERVICE_NAME: the stack's service (e.g. `hall-qiaocheng`, `platform`). */
  serviceName: string;
  /** Extra environment, e.g. HALL_ID and HALL_CODE in hall stacks. */
  environment?: Record<string, string>;
  /**
   * For functions behind a route: CloudFront's origin secret, which `api()` checks (functions/lib/client.ts).
   * The function gets its ARN, read access to it alone, and the Parameters and Secrets extension.
   */
  originSecret?: ISecret;
}

const need = <T>(map: Record<string, T> | undefined, id: string, kind: string, fn: string): T => {
  const found = map?.[id];
  if (!found) throw new Error(`function ${fn} uses ${kind} '${id}', which its stack does not define`);
  return found;
};

/** Environment variables of a FunctionSpec (see `functionEnvironment`); exported for the tests. */
export function environmentFor(
  functionId: string,
  spec: FunctionSpec,
  refs: ResourceRefs,
): Record<string, string> {
  return functionEnvironment(functionId, spec, {
    table: (id) => need(refs.tables, id, 'table', functionId).tableName,
    platformTable: (id) => need(refs.platformTables, id, 'platform table', functionId).tableName,
    bucket: (id) => need(refs.buckets, id, 'bucket', functionId).bucketName,
    topic: (id) => need(refs.topics, id, 'topic', functionId).topicArn,
    stateMachine: (id) => need(refs.stateMachines, id, 'state machine', functionId).stateMachineArn,
  });
}

export class HouseFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly role: IRole;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: HouseFunctionProps) {
    super(scope, id);
    const { functionId, spec, refs } = props;

    this.logGroup = new LogGroup(this, 'Logs', { retention: RetentionDays.ONE_MONTH });
    // An own role instead of the default one: the default attaches the AWS-managed
    // AWSLambdaBasicExecutionRole (logs:* on every log group); this role may write to its own
    // log group only.
    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      // IAM descriptions are Latin-1 only: the function id, not the (Chinese) description.
      description: `${Stack.of(this).stackName} ${functionId}`,
    });
    this.logGroup.grantWrite(role);
    this.role = role;

    // A function another stack calls by name (the platform's calendar job calls each hall's).
    const hallId = props.environment?.HALL_ID;
    if (spec.fixedName && !hallId) throw new Error(`function ${functionId}: fixedName is for hall functions`);
    this.fn = new NodejsFunction(this, 'Fn', {
      ...(spec.fixedName && hallId ? { functionName: hallFunctionName(hallId, functionId) } : {}),
      entry: `${repoRoot}${spec.entry}`,
      handler: 'handler',
      projectRoot: repoRoot,
      depsLockFilePath: `${repoRoot}package-lock.json`,
      description: spec.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: spec.memoryMb ?? 512,
      timeout: Duration.seconds(spec.timeoutSeconds ?? 10),
      role,
      logGroup: this.logGroup,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        ...props.environment,
        ...environmentFor(functionId, spec, refs),
        ...(props.originSecret ? { [ORIGIN_SECRET_ENV]: props.originSecret.secretArn } : {}),
      },
      // Reads the origin secret over localhost with the function's own credentials and caches it.
      paramsAndSecrets: props.originSecret
        ? ParamsAndSecretsLayerVersion.fromVersion(ParamsAndSecretsVersions.V1_0_103, {
            secretsManagerTtl: Duration.seconds(60),
          })
        : undefined,
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: bundleSettings.target,
        minify: bundleSettings.minify,
        sourceMap: bundleSettings.sourcemap,
        sourceMapMode: SourceMapMode.DEFAULT,
        mainFields: bundleSettings.mainFields,
        banner: bundleSettings.banner,
        externalModules: bundleSettings.external,
        bundleAwsSDK: true,
      },
    });

    acknowledge(
      this.fn,
      'AwsSolutions-L1',
      'nodejs22.x on purpose: the code base also runs on Node 20 locally (see the README), and 22 is ' +
        'the newest runtime whose language level both share; move to nodejs24.x together with the engines field.',
    );
    grantAll(this.fn, role, functionId, spec, refs);
    props.originSecret?.grantRead(role);
  }
}

/**
 * TableAccess 'revocation': the token check's read (functions/identity/revocation.ts) — GetItem of
 * account profiles (partition keys USER#…) projecting their status and valid-after instants, and
 * no other attribute of a table that holds ID numbers, phones and password hashes.
 */
function revocationRead(tableArn: string): PolicyStatement {
  return new PolicyStatement({
    actions: ['dynamodb:GetItem'],
    resources: [tableArn],
    conditions: {
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['USER#*'] },
      'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['pk', 'sk', ...TOKEN_STATE_ATTRIBUTES] },
      StringEqualsIfExists: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
    },
  });
}

function grantAll(
  fn: NodejsFunction,
  role: IRole,
  functionId: string,
  spec: FunctionSpec,
  refs: ResourceRefs,
) {
  const grantTable = (table: ITable, access: TableAccess) =>
    access === 'write'
      ? table.grantReadWriteData(fn)
      : access === 'read'
        ? table.grantReadData(fn)
        : role.addToPrincipalPolicy(revocationRead(table.tableArn));
  for (const [id, access] of Object.entries(spec.tables ?? {}))
    grantTable(need(refs.tables, id, 'table', functionId), access);
  // A hall reads records of the platform's tables by key (an item, an account, a mandate): key
  // lookups on the table itself, none of its indexes, and never writes.
  for (const [id, access] of Object.entries(spec.platformTables ?? {})) {
    const table = need(refs.platformTables, id, 'platform table', functionId);
    if (table.encryptionKey) table.encryptionKey.grantDecrypt(role);
    if (access === 'revocation') {
      role.addToPrincipalPolicy(revocationRead(table.tableArn));
      continue;
    }
    role.addToPrincipalPolicy(
      new PolicyStatement({
        // 'query': whole partitions too, for public data only (the catalogue, for statistics).
        actions: [
          'dynamodb:GetItem',
          'dynamodb:BatchGetItem',
          ...(access === 'query' ? ['dynamodb:Query'] : []),
        ],
        resources: [table.tableArn],
      }),
    );
    // …and queries on the table's named indexes (e.g. the staff of a post), each by its own ARN.
    const indexes = Object.keys(platformResources.tables[id]?.indexes ?? {});
    if (indexes.length > 0) {
      role.addToPrincipalPolicy(
        new PolicyStatement({
          actions: ['dynamodb:Query'],
          resources: indexes.map((name) => `${table.tableArn}/index/${name}`),
        }),
      );
    }
  }
  for (const [id, access] of Object.entries(spec.buckets ?? {})) {
    const bucket = need(refs.buckets, id, 'bucket', functionId);
    // Objects only, and only the verbs the spec names (a presigned GET/POST, a verifier's delete):
    // the broader grantRead/grantReadWrite would add List*, GetBucket*, DeleteObject*, Abort*.
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: bucketActions(access),
        resources: [bucket.arnForObjects('*')],
      }),
    );
    if (bucket.encryptionKey)
      bucket.encryptionKey.grant(role, 'kms:Decrypt', ...(access !== 'read' ? ['kms:GenerateDataKey'] : []));
  }
  for (const id of spec.topics ?? []) need(refs.topics, id, 'topic', functionId).grantPublish(fn);
  if (spec.sms) {
    role.addToPrincipalPolicy(new PolicyStatement({ actions: ['sns:Publish'], resources: ['*'] }));
    acknowledge(
      role,
      'AwsSolutions-IAM5[Resource::*]',
      'SMS are published straight to phone numbers, and SNS has no resource ARN for a phone number: ' +
        'sns:Publish on * is the only way (the function publishes to no topic of its own).',
    );
  }
  for (const id of spec.starts ?? [])
    need(refs.stateMachines, id, 'state machine', functionId).grantStartExecution(fn);
  for (const id of spec.answers ?? [])
    need(refs.stateMachines, id, 'state machine', functionId).grantTaskResponse(fn);
}
