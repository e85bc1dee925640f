import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT_SUB_ATTRIBUTE } from '../../functions/identity/cognito.ts';
import { halls } from '../../infra/halls.ts';
import { envVarFor, platformResources } from '../../infra/resources.ts';
import { callbackPath } from '../../infra/stacks/index.ts';
import { migrateSpec, preTokenSpec } from '../../infra/stacks/platform-stack.ts';
import { fakeSite, portalOrigin, SYNTH_TIMEOUT, synthApp } from './fixture.ts';

type Resources = Record<string, { Type: string; Properties: Record<string, any> }>;

let platform: Template;
let portal: Template;
const ofType = (t: Template, type: string) =>
  Object.entries(t.toJSON().Resources as Resources).filter(([, r]) => r.Type === type);

beforeAll(() => {
  const { stacks } = synthApp({ siteDir: fakeSite() });
  platform = Template.fromStack(stacks.platform);
  portal = Template.fromStack(stacks.portal);
}, SYNTH_TIMEOUT);

describe('Platform stack', () => {
  it('catalogue table from the spec, retained, PITR, encrypted', () => {
    const spec = platformResources.tables.catalogue;
    platform.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Metadata: { KeySchema: spec.doc.split('\n') },
      Properties: Match.objectLike({
        KeySchema: [
          { AttributeName: spec.partitionKey.name, KeyType: 'HASH' },
          { AttributeName: spec.sortKey!.name, KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        StreamSpecification: Match.absent(),
      }),
    });
  });

  it('Cognito: strong passwords, threat protection, a public PKCE code-flow client', () => {
    platform.hasResourceProperties('AWS::Cognito::UserPool', {
      Policies: {
        PasswordPolicy: Match.objectLike({
          MinimumLength: 12,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        }),
      },
      UserPoolTier: 'PLUS',
    });
    platform.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      CallbackURLs: [`${portalOrigin}${callbackPath}`],
    });
  });

  it('every platform route under /api, JWT only on user routes', () => {
    const routes = ofType(platform, 'AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties);
    expect(routes).toHaveLength(platformResources.routes.length);
    for (const spec of platformResources.routes) {
      const route = routes.find((r) => r.RouteKey === `${spec.method} /api${spec.path}`);
      expect(route, spec.path).toBeDefined();
      expect(route!.AuthorizationType).toBe(spec.auth === 'user' ? 'JWT' : 'NONE');
    }
  });

  it('every function: nodejs22.x on arm64, no hall variables, exactly the tables its spec names', () => {
    const functions = ofType(platform, 'AWS::Lambda::Function');
    // The spec's functions plus the two Cognito triggers (pre-token generation, user migration).
    expect(functions).toHaveLength(Object.keys(platformResources.functions).length + 2);
    for (const [, fn] of functions) {
      expect(fn.Properties.Runtime).toBe('nodejs22.x');
      expect(fn.Properties.Architectures).toEqual(['arm64']);
      expect(fn.Properties.Environment.Variables.HALL_ID).toBeUndefined();
    }
    for (const [id, spec] of Object.entries(platformResources.functions)) {
      const found = functions.filter(([, fn]) => fn.Properties.Description === spec.description);
      expect(found, id).toHaveLength(1);
      const vars = found[0][1].Properties.Environment.Variables;
      for (const table of Object.keys(platformResources.tables)) {
        const named = table in (spec.tables ?? {});
        expect(vars[envVarFor('table', table)] !== undefined, `${id} ${table}`).toBe(named);
      }
    }
  });

  it('only the operators’ admin function reads the catalogue among the identity functions', () => {
    const identity = Object.entries(platformResources.functions).filter(([, f]) =>
      f.entry.startsWith('functions/identity/'),
    );
    expect(identity.filter(([, f]) => f.tables?.catalogue).map(([id]) => id)).toEqual(['accountsAdmin']);
  });

  it('Cognito pre-token generation (V2_0) puts account claims into access tokens, reading one item', () => {
    const [[triggerId, trigger]] = ofType(platform, 'AWS::Lambda::Function').filter(
      ([, fn]) => fn.Properties.Description === preTokenSpec.description,
    );
    expect(trigger.Properties.Environment.Variables.ACCOUNTS_TABLE).toBeDefined();
    platform.hasResourceProperties('AWS::Cognito::UserPool', {
      LambdaConfig: {
        PreTokenGenerationConfig: {
          LambdaArn: { 'Fn::GetAtt': [triggerId, 'Arn'] },
          LambdaVersion: 'V2_0',
        },
      },
      // V2_0 needs the Essentials or Plus plan.
      UserPoolTier: 'PLUS',
      Schema: Match.arrayWith([
        Match.objectLike({ Name: ACCOUNT_SUB_ATTRIBUTE.replace(/^custom:/, ''), Mutable: false }),
      ]),
    });
    platform.hasResourceProperties('AWS::Lambda::Permission', {
      FunctionName: { 'Fn::GetAtt': [triggerId, 'Arn'] },
      Principal: 'cognito-idp.amazonaws.com',
    });
    // The link to the account is ours to set: the portal's client may not write it.
    const [[, client]] = ofType(platform, 'AWS::Cognito::UserPoolClient');
    expect(client.Properties.WriteAttributes).toBeDefined();
    expect(client.Properties.WriteAttributes).not.toContain(ACCOUNT_SUB_ATTRIBUTE);
    // Its role: its own logs and GetItem on the accounts table, nothing else.
    const roleId = trigger.Properties.Role['Fn::GetAtt'][0];
    const policies = ofType(platform, 'AWS::IAM::Policy').filter(([, p]) =>
      p.Properties.Roles.some((r: any) => r.Ref === roleId),
    );
    const statements = policies.flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
    const dynamo = statements.filter((st: any) => JSON.stringify(st.Action).includes('dynamodb'));
    expect(dynamo).toHaveLength(1);
    expect(dynamo[0].Action).toBe('dynamodb:GetItem');
    expect(JSON.stringify(dynamo[0].Resource)).toContain('AccountsTable');
    expect(JSON.stringify(dynamo[0].Resource)).not.toContain('index');
  });

  it('no self sign-up: our accounts reach the pool through the user-migration trigger', () => {
    const [[triggerId, trigger]] = ofType(platform, 'AWS::Lambda::Function').filter(
      ([, fn]) => fn.Properties.Description === migrateSpec.description,
    );
    expect(trigger.Properties.Environment.Variables.ACCOUNTS_TABLE).toBeDefined();
    platform.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: Match.objectLike({ AllowAdminCreateUserOnly: true }),
      LambdaConfig: Match.objectLike({ UserMigration: { 'Fn::GetAtt': [triggerId, 'Arn'] } }),
    });
    // Item reads and writes on the accounts table only: no index, no scan.
    const roleId = trigger.Properties.Role['Fn::GetAtt'][0];
    const dynamo = ofType(platform, 'AWS::IAM::Policy')
      .filter(([, p]) => p.Properties.Roles.some((r: any) => r.Ref === roleId))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement)
      .filter((st: any) => JSON.stringify(st.Action).includes('dynamodb'));
    expect(dynamo).toHaveLength(1);
    expect(JSON.stringify(dynamo[0].Action)).not.toMatch(/Scan|Query/);
    expect(JSON.stringify(dynamo[0].Resource)).not.toContain('index');
  });

  it(
    'an external issuer replaces the user pool',
    () => {
      const { stacks } = synthApp({ oidc: { issuer: 'https://id.ah.gov.cn', audience: ['portal'] } });
      const t = Template.fromStack(stacks.platform);
      t.resourceCountIs('AWS::Cognito::UserPool', 0);
      // No user pool, no trigger.
      t.resourceCountIs('AWS::Lambda::Function', Object.keys(platformResources.functions).length);
      Template.fromStack(stacks.halls.city).hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
        JwtConfiguration: { Issuer: 'https://id.ah.gov.cn', Audience: ['portal'] },
      });
    },
    SYNTH_TIMEOUT,
  );
});

describe('Portal stack', () => {
  it('site bucket is private and reached through CloudFront OAC only', () => {
    portal.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    portal.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: Match.objectLike({
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      }),
      WebsiteConfiguration: Match.absent(),
    });
  });

  it('routes each hall prefix to its hall API and /api/* to the platform API', () => {
    const [[, dist]] = ofType(portal, 'AWS::CloudFront::Distribution');
    const config = dist.Properties.DistributionConfig;
    const patterns = config.CacheBehaviors.map((b: any) => b.PathPattern);
    expect(patterns).toEqual([...halls.map((h) => `/api/halls/${h.id}/*`), '/api/*']);
    const originOf = (pattern: string) =>
      config.Origins.find(
        (o: any) => o.Id === config.CacheBehaviors.find((b: any) => b.PathPattern === pattern).TargetOriginId,
      );
    const hallOrigin = JSON.stringify(originOf('/api/halls/qiaocheng/*').DomainName);
    expect(hallOrigin).toContain('HallStack-qiaocheng');
    expect(JSON.stringify(originOf('/api/*').DomainName)).toContain('Platform');
    for (const b of config.CacheBehaviors) expect(b.ViewerProtocolPolicy).toBe('https-only');
  });

  it('uploads the built site when there is one', () => {
    portal.resourceCountIs('Custom::CDKBucketDeployment', 1);
  });
});
