/**
 * Starts the local cloud once per test run (in memory) and tells the tests where it is through
 * PORTAL_URL. If PORTAL_URL is already set, the suite runs against that deployment instead
 * (another local cloud, or LocalStack behind the same gateway routes).
 */
import type { TestProject } from 'vitest/node';
import { type LocalCloud, startCloud } from '#infra/local/cloud.ts';
import { buildPortal, portalIsStale } from '#infra/local/portal-build.ts';

let cloud: LocalCloud | undefined;

export async function setup(project: TestProject) {
  let url = process.env.PORTAL_URL;
  if (!url) {
    if (portalIsStale()) buildPortal();
    cloud = await startCloud({ logLevel: process.env.LOG_LEVEL ?? 'ERROR' });
    url = cloud.url;
    process.env.PORTAL_URL = url;
  }
  project.provide('portalUrl', url);
}

export async function teardown() {
  await cloud?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    portalUrl: string;
  }
}
