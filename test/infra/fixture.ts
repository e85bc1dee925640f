/**
 * The CDK app as the tests see it: the same composition as infra/app.ts, with bundling skipped
 * (`aws:cdk:bundling-stacks: []`), synthesised once per test file.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { ORIGIN_SECRET_ENV } from '../../functions/lib/client.ts';
import { type AppConfig, buildApp, type Stacks } from '../../infra/stacks/index.ts';

/** A first synth takes several seconds on this machine; every infra hook and test gets this. */
export const SYNTH_TIMEOUT = 120_000;

export const portalOrigin = 'https://zwfw.example.gov.cn';
/** Hong Kong: the nearest region to Bozhou outside mainland China's separate partition. */
export const region = 'ap-east-1';

export function synthApp(config: Partial<AppConfig> = {}): { app: App; stacks: Stacks } {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stacks = buildApp(app, { env: { region }, portalOrigins: [portalOrigin], ...config });
  app.synth();
  return { app, stacks };
}

/**
 * Environment variables of API functions that exist only behind CloudFront (the origin secret and
 * the Parameters and Secrets extension's settings): locally the gateway is the edge.
 */
export const BEHIND_CLOUDFRONT_ONLY = new RegExp(
  `^(${ORIGIN_SECRET_ENV}|PARAMETERS_SECRETS_EXTENSION_.*|SECRETS_MANAGER_.*|SSM_PARAMETER_STORE_.*)$`,
);

/** The inline scripts of the stand-in site's pages: each must be in that page's CSP, and only there. */
export const fakeInlineScripts = {
  '/index.html': "document.documentElement.dataset.care='1'",
  '/item/index.html': 'self.__next_f.push([1,"item"])',
  '/404.html': 'self.__next_f.push([1,"404"])',
};

/** A stand-in for web/out, so the portal upload and the pages' CSP are part of what is checked. */
export function fakeSite(): string {
  const dir = mkdtempSync(join(tmpdir(), 'site-'));
  mkdirSync(join(dir, 'item'));
  for (const [page, script] of Object.entries(fakeInlineScripts))
    writeFileSync(join(dir, page), `<!doctype html><title>网上办事大厅</title><script>${script}</script>`);
  return dir;
}
