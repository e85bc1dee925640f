/**
 * The composition of the CDK app: Platform, one HallStack-<hallId> per hall of infra/halls.ts,
 * Portal, and PortalFirewall (CloudFront's web ACL, in us-east-1). infra/app.ts calls it with the
 * real App; the tests call it with an App that skips bundling, so they check exactly what deploys.
 */
import { readFileSync } from 'node:fs';
import type { App, Environment } from 'aws-cdk-lib';
import type { AuthConfig } from '../constructs/service-resources.ts';
import { halls as allHalls, type Hall } from '../halls.ts';
import { FirewallStack } from './firewall-stack.ts';
import { HallStack, hallStackId } from './hall-stack.ts';
import { PlatformStack } from './platform-stack.ts';
import { PortalStack } from './portal-stack.ts';

export interface AppConfig {
  /** Region of Platform, halls and Portal (required: the portal's web ACL is referenced across regions). */
  env: Environment & { region: string };
  /** External OIDC issuer; absent → the platform's Cognito user pool. */
  oidc?: AuthConfig;
  /** The portal's origins (its domain): CORS, Cognito callback and logout URLs. Required. */
  portalOrigins: string[];
  /** web/out to upload, when it has been built. */
  siteDir?: string;
  cognitoDomainPrefix?: string;
  /** Pin CloudFront's origin header to this version of the origin secret (a rotation, infra/README.md). */
  originSecretVersion?: string;
  halls?: readonly Hall[];
}

/** The portal page that receives the OIDC authorization code (`trailingSlash: true` export). */
export const callbackPath = '/auth/callback/';

/** This deployment's settings file (portal origins, region). */
export const deploymentConfigFile = new URL('../config/deployment.json', import.meta.url);

const list = (value: unknown): string[] =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : Array.isArray(value)
      ? value.map(String)
      : [];

/**
 * An origin the portal is served from: https (http only for localhost, a developer's own portal
 * against a dev deployment), scheme + host (+ port), nothing else. A wrong one fails the synth.
 */
export function checkedOrigins(origins: readonly string[]): string[] {
  if (origins.length === 0)
    throw new Error(
      'No portal origin: set "portalOrigins" in infra/config/deployment.json (the portal\'s domain, e.g. ' +
        'https://zwfw.example.gov.cn) or pass -c portalOrigin=https://…; CORS and the Cognito callback ' +
        'URLs are made from it. 未配置门户域名（portalOrigins）。',
    );
  return origins.map((origin) => {
    let url: URL | undefined;
    try {
      url = new URL(origin);
    } catch {}
    const local = url?.hostname === 'localhost' || url?.hostname === '127.0.0.1';
    const ok =
      url &&
      (url.protocol === 'https:' || (url.protocol === 'http:' && local)) &&
      url.origin === origin.replace(/\/$/, '') &&
      !url.username;
    if (!ok)
      throw new Error(
        `portal origin '${origin}' is not an https origin (scheme://host[:port], no path, query or credentials)`,
      );
    return url!.origin;
  });
}

interface DeploymentFile {
  region?: string;
  portalOrigins?: string[];
}

/**
 * Reads this deployment's settings: `-c` context first, then infra/config/deployment.json, then (for
 * the region only) the CLI's CDK_DEFAULT_REGION. No lookups, no credentials; missing origins or
 * region fail loudly (see infra/README.md).
 */
export function configFromContext(
  app: App,
  file: DeploymentFile = JSON.parse(readFileSync(deploymentConfigFile, 'utf8')),
): AppConfig {
  const ctx = (key: string) => app.node.tryGetContext(key) as unknown;
  const issuer = ctx('oidcIssuer');
  const audience = list(ctx('oidcAudience'));
  if (issuer !== undefined && typeof issuer !== 'string') throw new Error('context oidcIssuer must be a URL');
  if (issuer && audience.length === 0)
    throw new Error('context oidcIssuer needs oidcAudience (the client id(s) the tokens are issued to)');
  const fromContext = list(ctx('portalOrigin'));
  const region = (ctx('region') as string | undefined) || file.region || process.env.CDK_DEFAULT_REGION;
  if (!region)
    throw new Error(
      'No region: set "region" in infra/config/deployment.json or pass -c region=… (the portal\'s web ACL ' +
        'lives in us-east-1 and is referenced across regions, which needs an explicit region).',
    );
  const prefix = ctx('cognitoDomainPrefix');
  const version = ctx('originSecretVersion');
  return {
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region },
    oidc: issuer ? { issuer, audience } : undefined,
    portalOrigins: checkedOrigins(fromContext.length ? fromContext : (file.portalOrigins ?? [])),
    cognitoDomainPrefix: typeof prefix === 'string' ? prefix : undefined,
    originSecretVersion: typeof version === 'string' && version ? version : undefined,
  };
}

export interface Stacks {
  platform: PlatformStack;
  halls: Record<string, HallStack>;
  portal: PortalStack;
  firewall: FirewallStack;
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
  const portalOrigins = checkedOrigins(config.portalOrigins);
  const platform = new PlatformStack(app, 'Platform', {
    env: config.env,
    description: '亳州市网上办事大厅 platform: identity, catalogue, platform API',
    oidc: config.oidc,
    portalOrigins,
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
      portalOrigins,
      originSecret: platform.originSecret,
      cursorKey: platform.cursorKey,
    });
  }
  // CLOUDFRONT-scope web ACLs exist only in us-east-1: a stack of its own there, whose ACL's ARN
  // reaches the Portal stack as a cross-region reference (CDK writes it to SSM Parameter Store in
  // us-east-1 and the Portal stack reads it back with a custom resource).
  const firewall = new FirewallStack(app, 'PortalFirewall', {
    env: { account: config.env.account, region: 'us-east-1' },
    crossRegionReferences: true,
    description: '亳州市网上办事大厅 portal: AWS WAF web ACL of the CloudFront distribution (us-east-1)',
  });
  const portal = new PortalStack(app, 'Portal', {
    env: config.env,
    crossRegionReferences: true,
    description: '亳州市网上办事大厅 portal: static site and CloudFront routing to every API',
    platformApiDomain: platform.service.apiDomain,
    hallApiDomains: Object.fromEntries(Object.entries(halls).map(([id, s]) => [id, s.service.apiDomain])),
    siteDir: config.siteDir,
    webAclArn: firewall.webAcl.attrArn,
    originSecret: platform.originSecret,
    originSecretVersion: config.originSecretVersion,
    connectOrigins: platform.authOrigins,
  });
  return { platform, halls, portal, firewall };
}
