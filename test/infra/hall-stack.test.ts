import { readFileSync } from 'node:fs';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { placeholdersOf, stateMachineFile } from '../../infra/constructs/service-resources.ts';
import { hallById } from '../../infra/halls.ts';
import { envVarFor, hallResources } from '../../infra/resources.ts';
import { hallApiPrefix } from '../../infra/stacks/hall-stack.ts';
import { BEHIND_CLOUDFRONT_ONLY, portalOrigin, SYNTH_TIMEOUT, synthApp } from './fixture.ts';

type Resources = Record<string, { Type: string; Properties: Record<string, any>; Metadata?: any }>;

let template: Template;
let resources: Resources;
const hall = hallById('qiaocheng')!;
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

beforeAll(() => {
  const { stacks } = synthApp();
  template = Template.fromStack(stacks.halls.qiaocheng);
  resources = template.toJSON().Resources;
}, SYNTH_TIMEOUT);

describe('HallStack-qiaocheng tables', () => {
  it('has one table per spec with keys, indexes, stream, TTL, PITR and SSE', () => {
    const tables = ofType('AWS::DynamoDB::Table');
    expect(tables).toHaveLength(Object.keys(hallResources.tables).length);
    const spec = hallResources.tables.cases;
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Metadata: { KeySchema: spec.doc.split('\n') },
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [
          { AttributeName: spec.partitionKey.name, KeyType: 'HASH' },
          { AttributeName: spec.sortKey!.name, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: Object.entries(spec.indexes).map(([name, index]) =>
          Match.objectLike({
            IndexName: name,
            KeySchema: [
              { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
              { AttributeName: index.sortKey!.name, KeyType: 'RANGE' },
            ],
          }),
        ),
        StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
        TimeToLiveSpecification: { AttributeName: spec.ttlAttribute, Enabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        DeletionProtectionEnabled: true,
      },
    });
  });

  it('shows the key schema in words as the description of the table output', () => {
    const outputs = Object.values<any>(template.toJSON().Outputs);
    expect(outputs.map((o) => o.Description)).toContain(hallResources.tables.cases.doc);
  });
});

describe('HallStack-qiaocheng buckets and topics', () => {
  it('materials bucket: public access blocked, versioned, encrypted, logged, CORS for the portal', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: Match.objectLike({}),
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'materials/' }),
      CorsConfiguration: {
        CorsRules: [
          Match.objectLike({
            AllowedMethods: ['POST', 'PUT', 'GET', 'HEAD'],
            AllowedOrigins: [portalOrigin],
          }),
        ],
      },
    });
  });

  it('every bucket refuses plain HTTP', () => {
    const buckets = ofType('AWS::S3::Bucket');
    const policies = ofType('AWS::S3::BucketPolicy');
    expect(policies).toHaveLength(buckets.length);
    for (const [, policy] of policies) {
      expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({
          Effect: 'Deny',
          Action: 's3:*',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      );
    }
  });

  it('one KMS-encrypted topic per spec, TLS-only publishing', () => {
    const topics = ofType('AWS::SNS::Topic');
    expect(topics).toHaveLength(Object.keys(hallResources.topics).length);
    for (const [, topic] of topics) expect(topic.Properties.KmsMasterKeyId).toBeDefined();
    for (const [, policy] of ofType('AWS::SNS::TopicPolicy'))
      expect(JSON.stringify(policy.Properties.PolicyDocument)).toContain('aws:SecureTransport');
  });
});

describe('HallStack-qiaocheng state machines', () => {
  it('fills every placeholder of the ASL file with a function ARN and logs ALL without data', () => {
    const machines = ofType('AWS::StepFunctions::StateMachine');
    expect(machines).toHaveLength(Object.keys(hallResources.stateMachines).length);
    for (const spec of Object.values(hallResources.stateMachines)) {
      const names = placeholdersOf(readFileSync(stateMachineFile(spec.file), 'utf8'));
      expect(names.length).toBeGreaterThan(0);
      const [, machine] = machines.find(
        ([, m]) =>
          Object.keys(m.Properties.DefinitionSubstitutions ?? {})
            .sort()
            .join() === [...names].sort().join(),
      )!;
      expect(machine).toBeDefined();
      const subs = machine.Properties.DefinitionSubstitutions;
      for (const name of names) {
        const [logicalId, att] = subs[name]['Fn::GetAtt'];
        expect(att).toBe('Arn');
        expect(resources[logicalId].Type).toBe('AWS::Lambda::Function');
      }
      expect(machine.Properties.DefinitionS3Location).toBeDefined();
      expect(machine.Properties.TracingConfiguration).toEqual({ Enabled: true });
      expect(machine.Properties.LoggingConfiguration).toMatchObject({
        Level: 'ALL',
        IncludeExecutionData: false,
      });
    }
  });

  it('each state machine may invoke exactly the functions it names', () => {
    for (const [, machine] of ofType('AWS::StepFunctions::StateMachine')) {
      const roleId = machine.Properties.RoleArn['Fn::GetAtt'][0];
      const invoked = ofType('AWS::IAM::Policy')
        .filter(([, p]) => p.Properties.Roles.some((r: any) => r.Ref === roleId))
        .flatMap(([, p]) => p.Properties.PolicyDocument.Statement)
        .filter((st: any) => st.Action === 'lambda:InvokeFunction')
        .flatMap((st: any) => (Array.isArray(st.Resource) ? st.Resource : [st.Resource]))
        .filter((r: any) => r['Fn::GetAtt'])
        .map((r: any) => r['Fn::GetAtt'][0]);
      const named = Object.values(machine.Properties.DefinitionSubstitutions).map(
        (v: any) => v['Fn::GetAtt'][0],
      );
      expect([...new Set(invoked)].sort()).toEqual([...new Set(named)].sort());
    }
  });
});

describe('HallStack-qiaocheng functions', () => {
  it('every function: nodejs22.x, arm64, source maps, hall env, log group with retention', () => {
    // Ours, not CDK's own handler that writes the bucket's notification configuration at deploy time.
    const functions = ofType('AWS::Lambda::Function').filter(
      ([id]) => !id.startsWith('BucketNotificationsHandler'),
    );
    expect(functions).toHaveLength(Object.keys(hallResources.functions).length);
    for (const [, fn] of functions) {
      expect(fn.Properties.Runtime).toBe('nodejs22.x');
      expect(fn.Properties.Architectures).toEqual(['arm64']);
      expect(fn.Properties.Handler).toBe('index.handler');
      expect(fn.Properties.Environment.Variables).toMatchObject({
        NODE_OPTIONS: '--enable-source-maps',
        HALL_ID: hall.id,
        HALL_CODE: hall.code,
        POWERTOOLS_SERVICE_NAME: `hall-${hall.id}`,
      });
      const logGroupId = fn.Properties.LoggingConfig.LogGroup.Ref;
      expect(resources[logGroupId].Properties.RetentionInDays).toBe(30);
    }
  });

  it('each function gets exactly the env vars of the resources its spec names', () => {
    for (const [fnId, spec] of Object.entries(hallResources.functions)) {
      const [, fn] = ofType('AWS::Lambda::Function').find(
        ([, f]) => f.Properties.Description === spec.description,
      )!;
      const expected = [
        ...Object.keys(spec.tables ?? {}).map((t) => envVarFor('table', t)),
        ...Object.keys(spec.platformTables ?? {}).map((t) => envVarFor('table', t)),
        ...Object.keys(spec.buckets ?? {}).map((b) => envVarFor('bucket', b)),
        ...(spec.topics ?? []).map((t) => envVarFor('topic', t)),
        ...[...new Set([...(spec.starts ?? []), ...(spec.answers ?? [])])].map((s) =>
          envVarFor('stateMachine', s),
        ),
      ].sort();
      const base = [
        'NODE_OPTIONS',
        'POWERTOOLS_SERVICE_NAME',
        'HALL_ID',
        'HALL_CODE',
        'CURSOR_KEY',
        // Every hall function: the portal's origin and the payment provider (infra/config/payment.json).
        'PORTAL_URL',
        'PAYMENT_GATEWAY',
        'PAYMENT_APP_ID',
        'PAYMENT_SELLER_ID',
        'PAYMENT_APP_KEY',
        'PAYMENT_PROVIDER_KEY',
      ];
      const actual = Object.keys(fn.Properties.Environment.Variables).filter(
        (k) => !base.includes(k) && !BEHIND_CLOUDFRONT_ONLY.test(k),
      );
      expect(actual.sort(), fnId).toEqual(expected);
    }
  });

  it('read-only functions cannot write the cases table; writers can', () => {
    const policyOf = (description: string) => {
      const [, fn] = ofType('AWS::Lambda::Function').find(
        ([, f]) => f.Properties.Description === description,
      )!;
      const roleId = fn.Properties.Role['Fn::GetAtt'][0];
      return JSON.stringify(
        ofType('AWS::IAM::Policy')
          .filter(([, p]) => p.Properties.Roles.some((r: any) => r.Ref === roleId))
          .map(([, p]) => p.Properties.PolicyDocument),
      );
    };
    expect(policyOf(hallResources.functions.taskQueue.description)).not.toContain('dynamodb:PutItem');
    expect(policyOf(hallResources.functions.taskQueue.description)).toContain('dynamodb:Query');
    expect(policyOf(hallResources.functions.fileCase.description)).toContain('dynamodb:PutItem');
    expect(policyOf(hallResources.functions.fileCase.description)).toContain('states:StartExecution');
    expect(policyOf(hallResources.functions.caseAction.description)).toContain('states:SendTaskSuccess');
    expect(policyOf(hallResources.functions.caseStream.description)).toContain('sns:Publish');
  });

  it('stream mappings retry, bisect and send failures to a queue', () => {
    const mappings = ofType('AWS::Lambda::EventSourceMapping');
    expect(mappings).toHaveLength(hallResources.streams.length);
    for (const [, m] of mappings) {
      expect(m.Properties).toMatchObject({
        MaximumRetryAttempts: 5,
        BisectBatchOnFunctionError: true,
        // Dead-lettered well within the stream's 24 h, so a replay can read the records back.
        MaximumRecordAgeInSeconds: 3600,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        DestinationConfig: { OnFailure: { Destination: expect.anything() } },
      });
    }
  });
});

describe('HallStack-qiaocheng API', () => {
  it('every route of the spec, under the hall prefix, JWT on user routes and none on public ones', () => {
    const routes = ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties);
    expect(routes).toHaveLength(hallResources.routes.length);
    const [[authorizerId, authorizer]] = ofType('AWS::ApiGatewayV2::Authorizer');
    expect(authorizer.Properties.AuthorizerType).toBe('JWT');
    expect(authorizer.Properties.JwtConfiguration.Audience).toBeDefined();
    for (const spec of hallResources.routes) {
      const key = `${spec.method} ${hallApiPrefix(hall.id)}${spec.path}`;
      expect(key).toMatch(/^\w+ \/api\/halls\/qiaocheng\//);
      const route = routes.find((r) => r.RouteKey === key);
      expect(route, key).toBeDefined();
      if (spec.auth === 'user') {
        expect(route!.AuthorizationType).toBe('JWT');
        expect(route!.AuthorizerId).toEqual({ Ref: authorizerId });
      } else {
        expect(route!.AuthorizationType).toBe('NONE');
        expect(route!.AuthorizerId).toBeUndefined();
      }
    }
  });

  it('stage throttles and logs; CORS allows the portal origin', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: { ThrottlingRateLimit: Match.anyValue(), ThrottlingBurstLimit: Match.anyValue() },
      AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.objectLike({ AllowOrigins: [portalOrigin] }),
    });
  });
});
