/**
 * A local AWS Step Functions endpoint: the SFN JSON 1.0 API over HTTP, running ASL definitions with
 * `aws-local-stepfunctions`, timers on the dev clock, state persisted under dataDir. See README.md.
 */
import type { AccessPolicy } from '../iam.ts';
import { Engine } from './engine.ts';
import { listen } from './server.ts';
import type { DevClock } from './timers.ts';

export type { DevClock } from './timers.ts';

export interface LocalStepFunctions {
  endpoint: string;
  stop(): Promise<void>;
}

export interface StartStepFunctionsOptions {
  /** 0 or undefined → an ephemeral port on 127.0.0.1. */
  port?: number;
  /** Persist state machines and executions here (JSON files); undefined → in memory only. */
  dataDir?: string;
  /** Default 'cn-north-1' (ARNs then use the aws-cn partition). */
  region?: string;
  /** Default '000000000000'. */
  accountId?: string;
  /** Runs a function (name or ARN as written in the definition); resolves with its return value, rejects if it failed. */
  invokeLambda: (functionName: string, payload: unknown) => Promise<unknown>;
  /** Optional: other service integrations (resource without `.waitForTaskToken`, resolved Parameters). */
  callService?: (resource: string, parameters: unknown) => Promise<unknown>;
  clock: DevClock;
  /** Check governed callers' grants (`states:StartExecution` on the machine, `states:SendTaskSuccess` on the token's machine …). */
  policy?: AccessPolicy;
}

export async function startStepFunctions(opts: StartStepFunctionsOptions): Promise<LocalStepFunctions> {
  const engine = new Engine({
    region: opts.region ?? 'cn-north-1',
    accountId: opts.accountId ?? '000000000000',
    dataDir: opts.dataDir,
    invokeLambda: opts.invokeLambda,
    callService: opts.callService,
    clock: opts.clock,
  });
  await engine.load();
  let server: Awaited<ReturnType<typeof listen>>['server'];
  let endpoint: string;
  try {
    ({ server, endpoint } = await listen(engine, opts.port ?? 0, opts.policy));
  } catch (err) {
    await engine.shutdown();
    throw err;
  }
  let stopped: Promise<void> | undefined;
  return {
    endpoint,
    stop() {
      stopped ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections(); // SDK clients keep connections alive; don't wait for them
        await engine.shutdown();
        await closed;
      })();
      return stopped;
    },
  };
}
