/**
 * The CDK app as the tests see it: the same composition as infra/app.ts, with bundling skipped
 * (`aws:cdk:bundling-stacks: []`), synthesised once per test file.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { type AppConfig, buildApp, type Stacks } from '../../infra/stacks/index.ts';

/** A first synth takes several seconds on this machine; every infra hook and test gets this. */
export const SYNTH_TIMEOUT = 120_000;

export const portalOrigin = 'https://zwfw.example.gov.cn';

export function synthApp(config: Partial<AppConfig> = {}): { app: App; stacks: Stacks } {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stacks = buildApp(app, { portalOrigins: [portalOrigin], ...config });
  app.synth();
  return { app, stacks };
}

/** A stand-in for web/out, so the portal upload is part of what is checked. */
export function fakeSite(): string {
  const dir = mkdtempSync(join(tmpdir(), 'site-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>网上办事大厅</title>');
  return dir;
}
