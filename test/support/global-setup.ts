/**
 * Starts the local cloud once per test run (in memory) and tells the tests where it is through
 * PORTAL_URL. If PORTAL_URL is already set, the suite runs against that deployment instead
 * (another local cloud, or LocalStack behind the same gateway routes).
 */
import type { TestProject } from 'vitest/node';
import { type LocalCloud, startCloud } from '#infra/local/cloud.ts';
import { buildPortal, portalIsStale } from '#infra/local/portal-build.ts';

let cloud: LocalCloud | undefined;

/** Monday 2 March 2026, 09:00 in Beijing. */
export const TEST_CLOCK_START = '2026-03-02T09:00:00+08:00';

export async function setup(project: TestProject) {
  let url = process.env.PORTAL_URL;
  if (!url) {
    // SKIP_PORTAL_BUILD=1 serves whatever web/out holds (API-only iterations while the portal is mid-edit).
    if (!process.env.SKIP_PORTAL_BUILD && portalIsStale()) buildPortal();
    // Business time starts on a fixed working Monday, so deadlines in tests never depend on the day
    // the suite runs (nor on a year the working-day calendar does not know yet).
    cloud = await startCloud({ logLevel: process.env.LOG_LEVEL ?? 'ERROR', clockStart: TEST_CLOCK_START });
    url = cloud.url;
    process.env.PORTAL_URL = url;
  }
  project.provide('portalUrl', url);
  // The emulators' endpoints of the built-in cloud, for tests of the local cloud itself (none otherwise).
  project.provide('localCloudEnv', cloud?.env ?? null);
}

export async function teardown() {
  await cloud?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    portalUrl: string;
    localCloudEnv: Record<string, string> | null;
  }
}
