import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { halls } from '../../infra/halls.ts';
import { platformResources } from '../../infra/resources.ts';
import { callbackPath } from '../../infra/stacks/index.ts';
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

  it('every function: nodejs22.x on arm64, no hall variables', () => {
    const functions = ofType(platform, 'AWS::Lambda::Function');
    expect(functions).toHaveLength(Object.keys(platformResources.functions).length);
    for (const [, fn] of functions) {
      expect(fn.Properties.Runtime).toBe('nodejs22.x');
      expect(fn.Properties.Architectures).toEqual(['arm64']);
      expect(fn.Properties.Environment.Variables.HALL_ID).toBeUndefined();
      expect(fn.Properties.Environment.Variables.CATALOGUE_TABLE).toBeDefined();
    }
  });

  it(
    'an external issuer replaces the user pool',
    () => {
      const { stacks } = synthApp({ oidc: { issuer: 'https://id.ah.gov.cn', audience: ['portal'] } });
      const t = Template.fromStack(stacks.platform);
      t.resourceCountIs('AWS::Cognito::UserPool', 0);
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
