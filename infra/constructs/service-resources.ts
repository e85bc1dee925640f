/**
 * Builds the resources of one StackResources (infra/resources.ts) inside a stack: tables,
 * buckets, topics, functions, state machines, stream mappings and the HTTP API. The hall and
 * platform stacks both use it, so a resource added to the description appears in AWS without
 * touching the stacks.
 */
import { readFileSync } from 'node:fs';
import { ArnFormat, type CfnElement, CfnOutput, Duration, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  type CfnStage,
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpStage,
  type IHttpRouteAuthorizer,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import {
  AttributeType,
  BillingMode,
  type CfnTable,
  StreamViewType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  EventType,
  HttpMethods,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { LambdaDestination } from 'aws-cdk-lib/aws-s3-notifications';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { halls } from '../halls.ts';
import {
  hallFunctionName,
  type KeyType,
  STREAM_MAPPING,
  type StackResources,
  type TableSpec,
} from '../resources.ts';
import { HouseFunction, type ResourceRefs, repoRoot } from './house-function.ts';
import { acknowledge, nagRef } from './nag.ts';

/** Who issues the JWTs the 'user' routes accept. */
export interface AuthConfig {
  issuer: string;
  audience: string[];
}

export interface ServiceResourcesProps {
  resources: StackResources;
  /** The API prefix with `{hallId}` already replaced, e.g. `/api/halls/qiaocheng`. */
  apiPrefix: string;
  serviceName: string;
  auth: AuthConfig;
  /** Browser origins of the portal (CORS of the API and of browser-upload buckets). */
  portalOrigins: string[];
  environment?: Record<string, string>;
  platformTables?: ResourceRefs['platformTables'];
  /** CloudFront's origin secret: every function behind a route checks it (functions/lib/client.ts). */
  originSecret: ISecret;
}

/**
 * Per-route throttles (requests per second, burst) for routes anyone may call, so a flood of them
 * stays within a bounded share of the account's Lambda concurrency and DynamoDB capacity and cannot
 * starve the staff routes (those keep the stage default). Per route and per API, for all callers
 * together: per-address limits are WAF's (infra/stacks/firewall-stack.ts) and the handlers' own.
 */
export const PUBLIC_ROUTE_THROTTLE = {
  /** Guides, search, halls, calendar, progress: a county's peak with room to spare. */
  read: { rateLimit: 50, burstLimit: 100 },
  /** Routes whose function sends SMS (registration and its codes, password reset): each costs money. */
  sms: { rateLimit: 5, burstLimit: 10 },
} as const;

export const pascal = (id: string) => id.charAt(0).toUpperCase() + id.slice(1);
const attr = (type: KeyType) => (type === 'N' ? AttributeType.NUMBER : AttributeType.STRING);

/** `${Name}` placeholders of an ASL file, in order of first appearance. */
export function placeholdersOf(asl: string): string[] {
  return [...new Set([...asl.matchAll(/\$\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1]))];
}

export const stateMachineFile = (file: string) => `${repoRoot}statemachines/${file}`;

export class ServiceResources extends Construct {
  readonly tables: Record<string, Table> = {};
  readonly buckets: Record<string, Bucket> = {};
  readonly topics: Record<string, Topic> = {};
  readonly stateMachines: Record<string, StateMachine> = {};
  readonly functions: Record<string, HouseFunction> = {};
  readonly api: HttpApi;
  readonly stage: HttpStage;
  /** Domain of the API's execute-api endpoint (a CloudFront origin). */
  readonly apiDomain: string;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: ServiceResourcesProps,
  ) {
    super(scope, id);
    const res = props.resources;

    for (const [tableId, spec] of Object.entries(res.tables))
      this.tables[tableId] = this.table(tableId, spec);

    if (Object.keys(res.buckets).length > 0) {
      const accessLogs = this.accessLogBucket();
      for (const [bucketId, spec] of Object.entries(res.buckets)) {
        const bucket = new Bucket(this, `${pascal(bucketId)}Bucket`, {
          blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
          enforceSSL: true,
          minimumTLSVersion: 1.2,
          versioned: true,
          encryption: BucketEncryption.S3_MANAGED,
          objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
          serverAccessLogsBucket: accessLogs,
          serverAccessLogsPrefix: `${bucketId}/`,
          removalPolicy: RemovalPolicy.RETAIN,
          lifecycleRules: [
            { abortIncompleteMultipartUploadAfter: Duration.days(1) },
            ...(spec.expire ?? []).map((rule) => ({
              prefix: rule.prefix,
              tagFilters: rule.tag ? { [rule.tag.key]: rule.tag.value } : undefined,
              expiration: Duration.days(rule.days),
              noncurrentVersionExpiration: Duration.days(rule.days),
            })),
          ],
          cors: spec.browserUploads
            ? [
                {
                  // Presigned POST/PUT/GET straight from the browser; the signature is the authorisation.
                  allowedMethods: [HttpMethods.POST, HttpMethods.PUT, HttpMethods.GET, HttpMethods.HEAD],
                  allowedOrigins: props.portalOrigins,
                  allowedHeaders: ['*'],
                  exposedHeaders: ['ETag'],
                  maxAge: 3000,
                },
              ]
            : undefined,
        });
        new CfnOutput(this, `${pascal(bucketId)}BucketName`, {
          value: bucket.bucketName,
          description: spec.doc,
        });
        this.buckets[bucketId] = bucket;
      }
    }

    if (Object.keys(res.topics).length > 0) {
      // One customer managed key for the stack's topics: SNS cannot use the AWS managed key
      // (alias/aws/sns) with a key policy for other principals, and SMS and e-mail delivery work
      // with an encrypted topic. Rotation on; retained like the data it protects.
      const key = new Key(this, 'TopicKey', {
        description: `${Stack.of(this).stackName}: SNS topics`,
        enableKeyRotation: true,
        removalPolicy: RemovalPolicy.RETAIN,
      });
      for (const [topicId, spec] of Object.entries(res.topics)) {
        const topic = new Topic(this, `${pascal(topicId)}Topic`, {
          displayName: spec.doc.slice(0, 100),
          masterKey: key,
          enforceSSL: true,
        });
        new CfnOutput(this, `${pascal(topicId)}TopicArn`, { value: topic.topicArn, description: spec.doc });
        this.topics[topicId] = topic;
      }
    }

    this.buildFunctionsAndStateMachines();
    this.buildStreams();
    this.buildBucketNotifications();
    ({ api: this.api, stage: this.stage } = this.buildApi());
    this.apiDomain = Fn.select(2, Fn.split('/', this.api.apiEndpoint));
    new CfnOutput(this, 'ApiEndpoint', { value: this.api.apiEndpoint, description: `${props.apiPrefix}/*` });
  }

  private refs(): ResourceRefs {
    return {
      tables: this.tables,
      platformTables: this.props.platformTables,
      buckets: this.buckets,
      topics: this.topics,
      stateMachines: this.stateMachines,
    };
  }

  private table(tableId: string, spec: TableSpec): Table {
    const table = new Table(this, `${pascal(tableId)}Table`, {
      partitionKey: { name: spec.partitionKey.name, type: attr(spec.partitionKey.type) },
      sortKey: spec.sortKey && { name: spec.sortKey.name, type: attr(spec.sortKey.type) },
      billingMode: BillingMode.PAY_PER_REQUEST,
      stream: spec.stream ? StreamViewType.NEW_AND_OLD_IMAGES : undefined,
      timeToLiveAttribute: spec.ttlAttribute,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // AWS owned keys are not auditable; a customer managed key would add a key policy to every
      // cross-stack grant (hall functions read the platform catalogue) and a way to lose all data
      // by deleting it. The AWS managed key (aws/dynamodb) is logged in CloudTrail and needs none.
      encryption: TableEncryption.AWS_MANAGED,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const [indexName, index] of Object.entries(spec.indexes)) {
      table.addGlobalSecondaryIndex({
        indexName,
        partitionKey: { name: index.partitionKey.name, type: attr(index.partitionKey.type) },
        sortKey: index.sortKey && { name: index.sortKey.name, type: attr(index.sortKey.type) },
      });
    }
    // CloudFormation tables have no description: the key schema in words goes into the
    // template twice, as resource metadata (full text) and as the description of the output
    // carrying the table name.
    (table.node.defaultChild as CfnTable).addMetadata('KeySchema', spec.doc.split('\n'));
    new CfnOutput(this, `${pascal(tableId)}TableName`, { value: table.tableName, description: spec.doc });
    return table;
  }

  private accessLogBucket(): Bucket {
    const bucket = new Bucket(this, 'AccessLogsBucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      // S3 server access log delivery supports SSE-S3 targets only.
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ expiration: Duration.days(365), noncurrentVersionExpiration: Duration.days(30) }],
    });
    acknowledge(
      bucket,
      'AwsSolutions-S1',
      'This is the server access log bucket itself; logging it into itself would loop.',
    );
    return bucket;
  }

  private buildFunctionsAndStateMachines() {
    const { resources: res } = this.props;
    // State machines name the functions they call, and functions name the state machines they start
    // or answer: each must exist before whatever refers to it. Create them in dependency order; a
    // function that uses the very machine that (indirectly) calls it is a CloudFormation cycle.
    const building = new Set<string>();
    const visit = (kind: 'fn' | 'sm', id: string) => {
      const key = `${kind}:${id}`;
      if (kind === 'fn' ? this.functions[id] : this.stateMachines[id]) return;
      if (building.has(key))
        throw new Error(`function/state machine '${id}' depends on itself: a dependency cycle`);
      building.add(key);
      if (kind === 'sm') {
        const spec = res.stateMachines[id];
        if (!spec) throw new Error(`state machine '${id}' is not defined`);
        for (const fnId of Object.values(spec.functions)) {
          if (!res.functions[fnId])
            throw new Error(`state machine names function '${fnId}', which is not defined`);
          visit('fn', fnId);
        }
        this.stateMachine(id, spec);
      } else {
        const spec = res.functions[id];
        for (const smId of new Set([...(spec.starts ?? []), ...(spec.answers ?? [])])) visit('sm', smId);
        this.houseFunction(id);
      }
      building.delete(key);
    };
    for (const smId of Object.keys(res.stateMachines)) visit('sm', smId);
    for (const fnId of Object.keys(res.functions)) visit('fn', fnId);
  }

  private houseFunction(fnId: string) {
    const spec = this.props.resources.functions[fnId];
    const hf = new HouseFunction(this, `${pascal(fnId)}Function`, {
      functionId: fnId,
      spec,
      refs: this.refs(),
      serviceName: this.props.serviceName,
      environment: this.props.environment,
      originSecret: this.props.resources.routes.some((r) => r.function === fnId)
        ? this.props.originSecret
        : undefined,
    });
    this.functions[fnId] = hf;
    this.acknowledgeGrants(hf, fnId);
  }

  private stateMachine(smId: string, spec: StackResources['stateMachines'][string]) {
    const file = stateMachineFile(spec.file);
    const names = placeholdersOf(readFileSync(file, 'utf8'));
    const missing = names.filter((n) => !(n in spec.functions));
    const unused = Object.keys(spec.functions).filter((n) => !names.includes(n));
    if (missing.length || unused.length)
      throw new Error(
        `${spec.file}: placeholders without a function: [${missing}]; substitutions not in the file: [${unused}]`,
      );
    const logGroup = new LogGroup(this, `${pascal(smId)}StateMachineLogs`, {
      // The vendedlogs prefix keeps the CloudWatch Logs resource policy from growing per machine.
      logGroupName: `/aws/vendedlogs/states/${Stack.of(this).stackName}-${smId}`,
      retention: RetentionDays.SIX_MONTHS,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const machine = new StateMachine(this, `${pascal(smId)}StateMachine`, {
      definitionBody: DefinitionBody.fromFile(file),
      definitionSubstitutions: Object.fromEntries(
        Object.entries(spec.functions).map(([name, fnId]) => [name, this.functions[fnId].fn.functionArn]),
      ),
      stateMachineType: StateMachineType.STANDARD,
      tracingEnabled: true,
      comment: spec.doc,
      // ALL events, without execution data: every transition is logged for operations, but state
      // inputs/outputs (names, ID numbers, phone numbers of applicants) stay out of the logs; the
      // case's own hash-chained event log is the record of content.
      logs: { destination: logGroup, level: LogLevel.ALL, includeExecutionData: false },
    });
    for (const fnId of new Set(Object.values(spec.functions))) {
      // Exactly the function ARN (grantInvoke would add `arn:*` for every version and alias).
      machine.addToRolePolicy(
        new PolicyStatement({
          actions: ['lambda:InvokeFunction'],
          resources: [this.functions[fnId].fn.functionArn],
        }),
      );
    }
    // Functions of the hall stacks, by their fixed names: a hall may be deployed after this stack.
    for (const fnId of spec.hallFunctions ?? []) {
      machine.addToRolePolicy(
        new PolicyStatement({
          actions: ['lambda:InvokeFunction'],
          resources: halls.map((h) =>
            Stack.of(this).formatArn({
              service: 'lambda',
              resource: 'function',
              resourceName: hallFunctionName(h.id, fnId),
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          ),
        }),
      );
    }
    acknowledge(
      machine.role,
      ['AwsSolutions-IAM5[Resource::*]'],
      'X-Ray PutTraceSegments/PutTelemetryRecords and the CloudWatch Logs delivery APIs ' +
        '(CreateLogDelivery, …) support no resource-level permissions; AWS requires Resource "*".',
    );
    new CfnOutput(this, `${pascal(smId)}StateMachineArn`, {
      value: machine.stateMachineArn,
      description: spec.doc,
    });
    this.stateMachines[smId] = machine;
  }

  /** S3 event notifications: objects created under a prefix invoke a function (asynchronously). */
  private buildBucketNotifications() {
    for (const [bucketId, spec] of Object.entries(this.props.resources.buckets)) {
      if (!spec.notify) continue;
      const fn = this.functions[spec.notify.function];
      if (!fn)
        throw new Error(
          `bucket '${bucketId}' notifies function '${spec.notify.function}', which is not defined`,
        );
      this.buckets[bucketId].addEventNotification(EventType.OBJECT_CREATED, new LambdaDestination(fn.fn), {
        prefix: spec.notify.prefix,
      });
      // CDK's own custom resource that writes the notification configuration (one per stack).
      const handler = Stack.of(this).node.tryFindChild(
        'BucketNotificationsHandler050a0587b7544547bf325f094a3db834',
      );
      if (handler)
        acknowledge(
          handler,
          'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
          "CDK's BucketNotificationsHandler (it sets the bucket's notification configuration at deploy time) " +
            'comes with this managed role; it runs only during deployments and holds no data.',
        );
    }
  }

  private buildStreams() {
    for (const stream of this.props.resources.streams) {
      const table = this.tables[stream.table];
      const fn = this.functions[stream.function];
      if (!table?.tableStreamArn)
        throw new Error(`stream of table '${stream.table}': no such table with a stream`);
      if (!fn) throw new Error(`stream of table '${stream.table}': no function '${stream.function}'`);
      const dlq = new Queue(this, `${pascal(stream.table)}${pascal(stream.function)}StreamFailures`, {
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
      });
      acknowledge(
        dlq,
        'AwsSolutions-SQS3',
        'This queue is the on-failure destination of a stream mapping: it holds the batch ' +
          'descriptors that failed after retries; a dead-letter queue of a dead-letter queue adds nothing.',
      );
      fn.fn.addEventSource(
        new DynamoEventSource(table, {
          startingPosition: StartingPosition.TRIM_HORIZON,
          batchSize: STREAM_MAPPING.batchSize,
          maxBatchingWindow: Duration.seconds(STREAM_MAPPING.maximumBatchingWindowSeconds),
          retryAttempts: STREAM_MAPPING.maximumRetryAttempts,
          bisectBatchOnError: STREAM_MAPPING.bisectBatchOnFunctionError,
          reportBatchItemFailures: true,
          // Dead-lettered within an hour, so `npm run replay` can still read the records back (24 h).
          maxRecordAge: Duration.seconds(STREAM_MAPPING.maximumRecordAgeSeconds),
          onFailure: new SqsDlq(dlq),
        }),
      );
      acknowledge(
        fn.role,
        'AwsSolutions-IAM5[Resource::*]',
        'dynamodb:ListStreams, added by the event source mapping, has no resource-level permissions.',
      );
      new CfnOutput(this, `${pascal(stream.table)}${pascal(stream.function)}StreamFailuresQueue`, {
        value: dlq.queueUrl,
        description: `Failed ${stream.table} stream batches of ${stream.function}`,
      });
    }
  }

  private buildApi() {
    const { props } = this;
    const res = props.resources;
    const methods = [...new Set(res.routes.map((r) => r.method))];
    const api = new HttpApi(this, 'Api', {
      apiName: `${Stack.of(this).stackName}-api`,
      description: `${props.serviceName}: ${props.apiPrefix}`,
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: props.portalOrigins,
        allowMethods: [...methods.map((m) => CorsHttpMethod[m]), CorsHttpMethod.OPTIONS],
        allowHeaders: ['authorization', 'content-type', 'idempotency-key'],
        maxAge: Duration.days(1),
      },
    });
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', { retention: RetentionDays.ONE_MONTH });
    const stage = new HttpStage(this, 'ApiStage', {
      httpApi: api,
      stageName: '$default',
      autoDeploy: true,
      // Defaults for every route; a burst well above a county's peak (a few hundred staff and
      // applicants), low enough that a runaway client cannot exhaust the account's Lambda quota.
      throttle: { rateLimit: 100, burstLimit: 200 },
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs) },
    });
    const jwt = new HttpJwtAuthorizer('JwtAuthorizer', props.auth.issuer, {
      jwtAudience: props.auth.audience,
      identitySource: ['$request.header.Authorization'],
    });
    const none = new HttpNoneAuthorizer();
    const routeSettings: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> = {};
    const integrations = new Map<string, HttpLambdaIntegration>();
    for (const route of res.routes) {
      const fn = this.functions[route.function];
      if (!fn) throw new Error(`route ${route.method} ${route.path}: no function '${route.function}'`);
      let integration = integrations.get(route.function);
      if (!integration) {
        integration = new HttpLambdaIntegration(`${pascal(route.function)}Integration`, fn.fn);
        integrations.set(route.function, integration);
      }
      const authorizer: IHttpRouteAuthorizer = route.auth === 'user' ? jwt : none;
      const [created] = api.addRoutes({
        path: `${props.apiPrefix}${route.path}`,
        methods: [HttpMethod[route.method]],
        integration,
        authorizer,
      });
      if (route.auth === 'public')
        acknowledge(
          created,
          'AwsSolutions-APIG4',
          'A public read-only route of the service hall (guides, progress by case number and query code): ' +
            'anyone may read it without an account; every route that changes data requires a JWT.',
        );
      if (route.auth === 'public') {
        const spec = res.functions[route.function];
        const { rateLimit, burstLimit } = PUBLIC_ROUTE_THROTTLE[spec.sms ? 'sms' : 'read'];
        routeSettings[`${route.method} ${props.apiPrefix}${route.path}`] = {
          ThrottlingRateLimit: rateLimit,
          ThrottlingBurstLimit: burstLimit,
        };
        // The stage names the route by key: it must exist first.
        stage.node.addDependency(created);
      }
    }
    if (Object.keys(routeSettings).length > 0)
      (stage.node.defaultChild as CfnStage).routeSettings = routeSettings;
    return { api, stage };
  }

  /** Wildcards the spec's grants necessarily produce, each named for this function's policy. */
  private acknowledgeGrants(hf: HouseFunction, fnId: string) {
    const spec = this.props.resources.functions[fnId];
    const tables = [
      ...Object.keys(spec.tables ?? {}).map((t) => [this.tables[t], this.props.resources.tables[t]] as const),
    ];
    for (const [table, tableSpec] of tables) {
      const cfn = table?.node.defaultChild as CfnTable | undefined;
      if (!cfn || Object.keys(tableSpec?.indexes ?? {}).length === 0) continue;
      acknowledge(
        hf.role,
        `AwsSolutions-IAM5[Resource::${nagRef(cfn)}/index/*]`,
        'The indexes of one table the function is granted (the queries by applicant and by queue need ' +
          "them); the wildcard spans only that table's indexes.",
      );
    }
    for (const bucketId of Object.keys(spec.buckets ?? {})) {
      const cfn = this.buckets[bucketId]?.node.defaultChild as CfnElement | undefined;
      if (!cfn) continue;
      acknowledge(
        hf.role,
        `AwsSolutions-IAM5[Resource::${nagRef(cfn)}/*]`,
        'Objects of this one bucket only, with the object verbs the spec names (no listing, no bucket ' +
          'actions); the keys are chosen by the server per draft and upload, so no narrower name is known.',
      );
    }
    if ((spec.topics ?? []).length > 0)
      acknowledge(
        hf.role,
        'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
        'Publishing to a KMS-encrypted topic: GenerateDataKey* on the one topic key of this stack ' +
          '(grantPublish), no other key.',
      );
  }
}
