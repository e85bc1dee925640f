/**
 * The local Lambda service. Functions are registered with their module, their own environment and
 * a group; each group runs in one worker thread, started on first use (a worker per function would
 * cost ~60 MB each). Inside a worker every function still gets what Lambda gives it:
 *
 * - **its own environment**: `process.env` in a worker is a view of the environment of the function
 *   whose invocation is running (AsyncLocalStorage), so two functions of a group never see each
 *   other's variables, even when their invocations interleave;
 * - **its own module instances**: the function's module and every module of the application it
 *   imports are loaded once per function (node_modules are shared), so module-scope state (SDK
 *   clients, caches) belongs to one function, as in its own execution environment;
 * - **its own credentials**: AWS_ACCESS_KEY_ID is the function's name, so the emulators know which
 *   function calls them and check its grants (see iam.ts), as IAM checks the execution role.
 *
 * Functions are invoked by name or ARN, as Step Functions and API Gateway do.
 */
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { DEFAULT_REGION } from './names.ts';

export class LambdaError extends Error {
  constructor(
    readonly errorType: string,
    message: string,
  ) {
    super(message);
    this.name = errorType;
  }
}

export interface LambdaFunction {
  /** The function name; also its access key id (its principal for the emulators' grants). */
  name: string;
  /** Absolute path of the module that exports `handler`. */
  entry: string;
  /** The function's own environment (the Environment of its AWS::Lambda::Function). */
  environment?: Record<string, string>;
  /** Default 3 s, as in Lambda. */
  timeoutSeconds?: number;
  /** Reported to the handler (context, AWS_LAMBDA_FUNCTION_MEMORY_SIZE); not enforced. Default 128. */
  memoryMb?: number;
  /** Functions of one group share a worker thread. Default: 'default'. */
  group?: string;
}

export interface LocalLambdasOptions {
  /** The dev clock whose offset the workers read (a LocalClock); without it workers see wall time. */
  clock?: { shared: SharedArrayBuffer };
  /**
   * Workers install `() => now` on `globalThis[Symbol.for(clockGlobal)]`, for the application's
   * clock module to read. Default 'local-cloud.dev-clock'.
   */
  clockGlobal?: string;
  region?: string;
  /** Environment every function gets beneath its own (endpoints, log level …). */
  baseEnvironment?: Record<string, string>;
}

interface Registered {
  fn: LambdaFunction;
  /** The module URL with this function's marker: its own module graph in the worker. */
  url: string;
  env: Record<string, string>;
  timeoutMs: number;
}

interface Pending {
  resolve(value: unknown): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

/** What the Lambda runtime passes through from the host: enough to run, nothing of the application. */
const HOST_VARIABLES = ['PATH', 'HOME', 'LANG', 'TMPDIR'];

export class LocalLambdas {
  private readonly functions = new Map<string, Registered>();
  private readonly workers = new Map<string, Worker>();
  private readonly pending = new Map<number, Pending>();
  private readonly fallbackClock = new SharedArrayBuffer(8);
  private nextId = 1;
  /** Invocation counts per function name, for benchmarks. */
  readonly invocations = new Map<string, number>();

  constructor(private readonly opts: LocalLambdasOptions = {}) {}

  register(fn: LambdaFunction) {
    const region = this.opts.region ?? DEFAULT_REGION;
    const memory = fn.memoryMb ?? 128;
    const host = Object.fromEntries(
      HOST_VARIABLES.filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]!]),
    );
    const env: Record<string, string> = {
      ...host,
      ...this.opts.baseEnvironment,
      ...fn.environment,
      // Reserved variables: Lambda sets them and a function cannot override them.
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      AWS_LAMBDA_FUNCTION_NAME: fn.name,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memory),
      AWS_ACCESS_KEY_ID: fn.name,
      AWS_SECRET_ACCESS_KEY: 'local',
    };
    const url = new URL(pathToFileURL(fn.entry));
    url.searchParams.set('lambda-fn', fn.name);
    this.functions.set(fn.name, { fn, url: url.href, env, timeoutMs: (fn.timeoutSeconds ?? 3) * 1000 });
  }

  has(nameOrArn: string): boolean {
    return this.functions.has(nameOf(nameOrArn));
  }

  /** The environment a function runs with (for tests and the curious). */
  environmentOf(nameOrArn: string): Record<string, string> | undefined {
    const r = this.functions.get(nameOf(nameOrArn));
    return r && { ...r.env };
  }

  invoke(nameOrArn: string, event: unknown): Promise<unknown> {
    const name = nameOf(nameOrArn);
    const r = this.functions.get(name);
    if (!r)
      return Promise.reject(new LambdaError('ResourceNotFoundException', `Function not found: ${name}`));
    this.invocations.set(name, (this.invocations.get(name) ?? 0) + 1);
    const worker = this.worker(r.fn.group ?? 'default');
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new LambdaError('Sandbox.Timedout', `Task timed out after ${r.timeoutMs / 1000} seconds`));
      }, r.timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      worker.postMessage({
        id,
        name,
        url: r.url,
        env: r.env,
        event,
        timeoutMs: r.timeoutMs,
        memoryMb: r.fn.memoryMb ?? 128,
      });
    });
  }

  async stop() {
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new LambdaError('Shutdown', 'local cloud stopped'));
    }
    this.pending.clear();
    await Promise.all([...this.workers.values()].map((w) => w.terminate()));
    this.workers.clear();
  }

  private worker(group: string): Worker {
    const existing = this.workers.get(group);
    if (existing) return existing;
    const worker = new Worker(new URL('./lambda-worker.mjs', import.meta.url), {
      workerData: {
        clockBuffer: this.opts.clock?.shared ?? this.fallbackClock,
        clockGlobal: this.opts.clockGlobal ?? 'local-cloud.dev-clock',
      },
    });
    worker.unref();
    worker.on('message', ({ id, result, error }) => {
      const p = this.pending.get(id);
      if (!p) return;
      this.pending.delete(id);
      clearTimeout(p.timer);
      if (error) p.reject(new LambdaError(error.errorType, error.errorMessage));
      else p.resolve(result);
    });
    worker.on('error', (err) => {
      // A crashed environment is replaced on the next invocation, as Lambda does.
      console.error(`[lambda ${group}] worker crashed:`, err);
      this.workers.delete(group);
    });
    this.workers.set(group, worker);
    return worker;
  }
}

function nameOf(nameOrArn: string): string {
  const m = /:function:([^:]+)/.exec(nameOrArn);
  return m ? m[1] : nameOrArn;
}
