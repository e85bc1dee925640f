import { createHash } from 'node:crypto';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT_SUB_ATTRIBUTE } from '../../functions/identity/cognito.ts';
import { ORIGIN_SECRET_ENV, ORIGIN_VERIFY_HEADER } from '../../functions/lib/client.ts';
import {
  API_CSP,
  cspFunctionCode,
  pageCsp,
  securityHeaders,
  sitePages,
} from '../../infra/constructs/portal-headers.ts';
import { PUBLIC_ROUTE_THROTTLE } from '../../infra/constructs/service-resources.ts';
import { halls } from '../../infra/halls.ts';
import { envVarFor, hallResources, platformResources } from '../../infra/resources.ts';
import { WAF_RATE_LIMITS } from '../../infra/stacks/firewall-stack.ts';
import { callbackPath } from '../../infra/stacks/index.ts';
import { migrateSpec, preTokenSpec } from '../../infra/stacks/platform-stack.ts';
import { fakeInlineScripts, fakeSite, portalOrigin, SYNTH_TIMEOUT, synthApp } from './fixture.ts';

type Resources = Record<string, { Type: string; Properties: Record<string, any> }>;

let platform: Template;
let portal: Template;
let firewall: Template;
let site: string;
let hall: Template;
const ofType = (t: Template, type: string) =>
  Object.entries(t.toJSON().Resources as Resources).filter(([, r]) => r.Type === type);

beforeAll(() => {
  site = fakeSite();
  const { stacks } = synthApp({ siteDir: site });
  platform = Template.fromStack(stacks.platform);
  portal = Template.fromStack(stacks.portal);
  firewall = Template.fromStack(stacks.firewall);
  hall = Template.fromStack(stacks.halls.qiaocheng);
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

/** A response headers policy as the browser receives it (CloudFront's rendering of each setting). */
function headersOf(t: Template, logicalId: string): Record<string, unknown> {
  const config = (t.toJSON().Resources as Resources)[logicalId].Properties.ResponseHeadersPolicyConfig;
  const sec = config.SecurityHeadersConfig;
  const hsts = sec.StrictTransportSecurity;
  for (const setting of Object.values(sec) as { Override: boolean }[]) expect(setting.Override).toBe(true);
  return {
    'content-security-policy': sec.ContentSecurityPolicy?.ContentSecurityPolicy,
    'strict-transport-security': `max-age=${hsts.AccessControlMaxAgeSec}${hsts.IncludeSubdomains ? '; includeSubDomains' : ''}${hsts.Preload ? '; preload' : ''}`,
    'x-content-type-options': 'nosniff',
    'x-frame-options': sec.FrameOptions.FrameOption,
    'referrer-policy': sec.ReferrerPolicy.ReferrerPolicy,
    ...Object.fromEntries(
      config.CustomHeadersConfig.Items.map((h: any) => [h.Header.toLowerCase(), h.Value]),
    ),
  };
}

describe('the edge (issue 9: in AWS)', () => {
  const distribution = () =>
    ofType(portal, 'AWS::CloudFront::Distribution')[0][1].Properties.DistributionConfig;

  it('every API origin gets the secret origin header as a dynamic reference, never a value', () => {
    const config = distribution();
    const apiOrigins = config.Origins.filter((o: any) => o.CustomOriginConfig);
    expect(apiOrigins).toHaveLength(halls.length + 1);
    const [[secretId]] = ofType(platform, 'AWS::SecretsManager::Secret');
    for (const origin of apiOrigins) {
      expect(origin.OriginCustomHeaders).toHaveLength(1);
      const { HeaderName, HeaderValue } = origin.OriginCustomHeaders[0];
      expect(HeaderName).toBe(ORIGIN_VERIFY_HEADER);
      // {{resolve:secretsmanager:<the platform secret's ARN>:SecretString:::}}
      expect(HeaderValue['Fn::Join'][1][0]).toBe('{{resolve:secretsmanager:');
      expect(JSON.stringify(HeaderValue['Fn::Join'][1][1])).toContain(secretId);
      expect(HeaderValue['Fn::Join'][1][2]).toBe(':SecretString:::}}');
    }
    // Generated by Secrets Manager: no value anywhere in the template.
    platform.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ PasswordLength: 48, ExcludePunctuation: true }),
      SecretString: Match.absent(),
    });
  });

  it('API behaviours forward CloudFront-Viewer-Address (AllViewerExceptHostHeader) and never cache', () => {
    for (const b of distribution().CacheBehaviors) {
      expect(b.OriginRequestPolicyId).toBe('b689b0a8-53d0-40ab-baf2-68738e2966ac');
      expect(b.CachePolicyId).toBe('4135ea2d-6df8-44a3-9df3-4b5a84be39ad');
    }
  });

  it(
    'a rotation pins the header to a secret version',
    () => {
      const { stacks } = synthApp({ originSecretVersion: 'v-2026-12' });
      const t = Template.fromStack(stacks.portal);
      const config = ofType(t, 'AWS::CloudFront::Distribution')[0][1].Properties.DistributionConfig;
      const value = config.Origins.find((o: any) => o.OriginCustomHeaders).OriginCustomHeaders[0].HeaderValue;
      expect(value['Fn::Join'][1][2]).toBe(':SecretString:::v-2026-12}}');
    },
    SYNTH_TIMEOUT,
  );

  it('functions behind a route, and only they, read the origin secret (extension, its ARN, GetSecretValue on it)', () => {
    const routed = new Set(hallResources.routes.map((r) => r.function));
    const resources = hall.toJSON().Resources as Resources;
    for (const [id, spec] of Object.entries(hallResources.functions)) {
      const [logicalId, fn] = Object.entries(resources).find(
        ([, r]) => r.Type === 'AWS::Lambda::Function' && r.Properties.Description === spec.description,
      )!;
      const vars = fn.Properties.Environment.Variables;
      expect(vars[ORIGIN_SECRET_ENV] !== undefined, id).toBe(routed.has(id));
      expect(JSON.stringify(fn.Properties.Layers ?? []).includes('Parameters-and-Secrets'), id).toBe(
        routed.has(id),
      );
      const roleId = fn.Properties.Role['Fn::GetAtt'][0];
      const secretGrants = Object.values(resources)
        .filter((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((x: any) => x.Ref === roleId))
        .flatMap((p) => p.Properties.PolicyDocument.Statement)
        .filter((st: any) => JSON.stringify(st.Action).includes('secretsmanager'));
      expect(secretGrants.length, `${id} ${logicalId}`).toBe(routed.has(id) ? 1 : 0);
      if (routed.has(id)) expect(JSON.stringify(secretGrants[0].Resource)).toContain('OriginVerifySecret');
    }
  });

  it('WAF in us-east-1 on the distribution: IP reputation, common rules, known bad inputs, rate limits', () => {
    expect(firewall.toJSON().Resources).toBeDefined();
    firewall.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'CLOUDFRONT',
      DefaultAction: { Allow: {} },
    });
    const [[, acl]] = ofType(firewall, 'AWS::WAFv2::WebACL');
    const rules = acl.Properties.Rules as any[];
    const groups = rules.map((r) => r.Statement.ManagedRuleGroupStatement?.Name).filter(Boolean);
    expect(groups).toEqual([
      'AWSManagedRulesAmazonIpReputationList',
      'AWSManagedRulesCommonRuleSet',
      'AWSManagedRulesKnownBadInputsRuleSet',
    ]);
    const common = rules.find((r) => r.Name === 'AWSManagedRulesCommonRuleSet');
    expect(common.Statement.ManagedRuleGroupStatement.RuleActionOverrides).toEqual([
      { Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } },
    ]);
    const rate = rules.filter((r) => r.Statement.RateBasedStatement);
    expect(rate.map((r) => r.Statement.RateBasedStatement.Limit)).toEqual([
      WAF_RATE_LIMITS.accountPosts,
      WAF_RATE_LIMITS.all,
    ]);
    for (const r of rate) {
      expect(r.Statement.RateBasedStatement.AggregateKeyType).toBe('IP');
      expect(r.Action.Block.CustomResponse.ResponseCode).toBe(429);
    }
    const body = JSON.parse(
      Object.values(acl.Properties.CustomResponseBodies as Record<string, any>)[0].Content,
    );
    expect(body.error.message).toMatch(/[\u4e00-\u9fa5]/);
    // The distribution takes the ACL's ARN from us-east-1 (a cross-region reference).
    expect(JSON.stringify(distribution().WebACLId)).toContain('PortalWebAcl');
  });

  it('portal and API responses carry the headers portal-headers.ts describes (the local gateway sends the same)', () => {
    const config = distribution();
    // The site's policy adds every header but the CSP, which differs per page (the function below).
    const site = headersOf(portal, config.DefaultCacheBehavior.ResponseHeadersPolicyId.Ref);
    const { 'content-security-policy': _, ...rest } = securityHeaders('');
    expect(site).toEqual({ ...rest, 'content-security-policy': undefined });
    for (const b of config.CacheBehaviors) {
      expect(headersOf(portal, b.ResponseHeadersPolicyId.Ref)).toEqual(securityHeaders(API_CSP));
    }
  });

  it("a viewer-response function gives each page a CSP with exactly its own inline scripts' hashes", () => {
    const config = distribution();
    const associations = config.DefaultCacheBehavior.FunctionAssociations;
    const response = associations.find((a: any) => a.EventType === 'viewer-response');
    const logicalId = response.FunctionARN['Fn::GetAtt'][0];
    const fn = (portal.toJSON().Resources as Resources)[logicalId].Properties;
    // Tokens (the Cognito domain, the URL suffix) as <t>, as in the inputs below.
    const code = fn.FunctionCode['Fn::Join'][1]
      .map((p: unknown) => (typeof p === 'string' ? p : '<t>'))
      .join('');
    const handler = new Function(`${code}; return handler;`)() as (e: unknown) => {
      headers: Record<string, { value: string }>;
    };
    const cspAt = (uri: string) =>
      handler({ request: { uri }, response: { headers: {} } }).headers['content-security-policy'].value;
    const inputs = {
      connectOrigins: [
        'https://cognito-idp.ap-east-1.amazonaws.com',
        'https://<t>.auth.ap-east-1.amazoncognito.com',
      ],
      materialsOrigin: 'https://s3.ap-east-1.<t>',
    };
    const pages = sitePages(site);
    const hash = (script: string) => `'sha256-${createHash('sha256').update(script).digest('base64')}'`;
    for (const [uri, page] of [
      ['/', '/index.html'],
      ['/item/', '/item/index.html'],
      ['/item', '/item/index.html'],
      ['/item/index.html', '/item/index.html'],
      ['/no-such-page/', '/404.html'],
    ] as const) {
      const csp = cspAt(uri);
      // The same as the local gateway computes (pageCsp) …
      expect(csp, uri).toBe(pageCsp(pages, uri, inputs));
      // … with exactly that page's scripts, and no way around them.
      const scriptSrc = csp.split('; ').find((d) => d.startsWith('script-src '));
      expect(scriptSrc, uri).toBe(`script-src 'self' ${hash(fakeInlineScripts[page])}`);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      const connect = csp
        .split('; ')
        .find((d) => d.startsWith('connect-src '))!
        .split(' ');
      expect(connect).toEqual(expect.arrayContaining(["'self'", ...inputs.connectOrigins]));
      expect(connect.filter((source) => source.includes('*'))).toEqual([]);
    }
  });

  it('the CSP function fails the synth when the site outgrows CloudFront Functions’ 10 KB', () => {
    const pages = Object.fromEntries(
      Array.from({ length: 300 }, (_, i) => [
        `/p${i}/index.html`,
        [`'sha256-${String(i).padStart(43, 'x')}='`],
      ]),
    );
    expect(() => cspFunctionCode(pages, { connectOrigins: [] })).toThrow(/10240/);
  });

  it('public routes are throttled per route, SMS routes hardest; staff routes keep the stage default', () => {
    const [[, stage]] = ofType(platform, 'AWS::ApiGatewayV2::Stage');
    const settings = stage.Properties.RouteSettings;
    for (const route of platformResources.routes) {
      const key = `${route.method} /api${route.path}`;
      if (route.auth === 'user') expect(settings[key], key).toBeUndefined();
      else {
        const cls = platformResources.functions[route.function].sms ? 'sms' : 'read';
        expect(settings[key], key).toEqual({
          ThrottlingRateLimit: PUBLIC_ROUTE_THROTTLE[cls].rateLimit,
          ThrottlingBurstLimit: PUBLIC_ROUTE_THROTTLE[cls].burstLimit,
        });
      }
    }
    expect(settings['POST /api/accounts/codes'].ThrottlingRateLimit).toBe(
      PUBLIC_ROUTE_THROTTLE.sms.rateLimit,
    );
    const [[, hallStage]] = ofType(hall, 'AWS::ApiGatewayV2::Stage');
    // Every public hall route (the progress query, public figures, the payment provider's notification).
    expect(Object.keys(hallStage.Properties.RouteSettings).sort()).toEqual(
      hallResources.routes
        .filter((r) => r.auth === 'public')
        .map((r) => `${r.method} /api/halls/qiaocheng${r.path}`)
        .sort(),
    );
  });

  it('CORS and the Cognito callback come from the configured portal origin, and no origin fails the synth', () => {
    platform.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.objectLike({ AllowOrigins: [portalOrigin] }),
    });
    expect(JSON.stringify(platform.toJSON())).not.toContain('localhost');
    expect(() => synthApp({ portalOrigins: [] })).toThrow(/portalOrigins/);
  });
});
