/**
 * The composition of the CDK app: Platform, one HallStack-<hallId> per hall of infra/halls.ts,
 * and Portal. infra/app.ts calls it with the real App; the tests call it with an App that skips
 * bundling, so they check exactly what deploys.
 */
import type { App, Environment } from 'aws-cdk-lib';
import type { AuthConfig } from '../constructs/service-resources.ts';
import { halls as allHalls, type Hall } from '../halls.ts';
import { HallStack, hallStackId } from './hall-stack.ts';
import { PlatformStack } from './platform-stack.ts';
import { PortalStack } from './portal-stack.ts';

export interface AppConfig {
  env?: Environment;
  /** External OIDC issuer; absent → the platform's Cognito user pool. */
  oidc?: AuthConfig;
  portalOrigins: string[];
  /** web/out to upload, when it has been built. */
  siteDir?: string;
  cognitoDomainPrefix?: string;
  halls?: readonly Hall[];
}

/** The portal page that receives the OIDC authorization code (`trailingSlash: true` export). */
export const callbackPath = '/auth/callback/';

const list = (value: unknown): string[] =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : Array.isArray(value)
      ? value.map(String)
      : [];

/** Reads the `-c` context of the app (see infra/README.md). No lookups, no credentials. */
export function configFromContext(app: App): AppConfig {
  const ctx = (key: string) => app.node.tryGetContext(key) as unknown;
  const issuer = ctx('oidcIssuer');
  const audience = list(ctx('oidcAudience'));
  if (issuer !== undefined && typeof issuer !== 'string') throw new Error('context oidcIssuer must be a URL');
  if (issuer && audience.length === 0)
    throw new Error('context oidcIssuer needs oidcAudience (the client id(s) the tokens are issued to)');
  const account = process.env.CDK_DEFAULT_ACCOUNT;
  const region = process.env.CDK_DEFAULT_REGION;
  const origins = list(ctx('portalOrigin'));
  const prefix = ctx('cognitoDomainPrefix');
  return {
    env: account && region ? { account, region } : undefined,
    oidc: issuer ? { issuer, audience } : undefined,
    portalOrigins: origins.length ? origins : ['http://localhost:3000'],
    cognitoDomainPrefix: typeof prefix === 'string' ? prefix : undefined,
  };
}

export interface Stacks {
  platform: PlatformStack;
  halls: Record<string, HallStack>;
  portal: PortalStack;
}

/**
 * Feature flags this app relies on, set here rather than in cdk.json so that the tests' App
 * gets them too. Server access logs are delivered by bucket policy (not the legacy ACL), so
 * log buckets can keep ACLs disabled.
 */
const featureFlags: Record<string, unknown> = {
  '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
  // Strong (export/import) references: CloudFormation then refuses to delete or replace a
  // platform table or API while a hall or the portal still uses it.
  '@aws-cdk/core:defaultCrossStackReferences': 'strong',
};

export function buildApp(app: App, config: AppConfig): Stacks {
  for (const [flag, value] of Object.entries(featureFlags))
    if (app.node.tryGetContext(flag) === undefined) app.node.setContext(flag, value);
  const platform = new PlatformStack(app, 'Platform', {
    env: config.env,
    description: '亳州市网上办事大厅 platform: identity, catalogue, platform API',
    oidc: config.oidc,
    portalOrigins: config.portalOrigins,
    callbackPath,
    cognitoDomainPrefix: config.cognitoDomainPrefix,
  });
  const halls: Record<string, HallStack> = {};
  for (const hall of config.halls ?? allHalls) {
    halls[hall.id] = new HallStack(app, hallStackId(hall.id), {
      env: config.env,
      hall,
      platformTables: platform.service.tables,
      auth: platform.auth,
      portalOrigins: config.portalOrigins,
    });
  }
  const portal = new PortalStack(app, 'Portal', {
    env: config.env,
    description: '亳州市网上办事大厅 portal: static site and CloudFront routing to every API',
    platformApiDomain: platform.service.apiDomain,
    hallApiDomains: Object.fromEntries(Object.entries(halls).map(([id, s]) => [id, s.service.apiDomain])),
    siteDir: config.siteDir,
  });
  return { platform, halls, portal };
}
