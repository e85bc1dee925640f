/**
 * The local Lambda service: one worker thread per stack scope ('platform', 'hall-<id>'), started on
 * first use, each with that stack's environment (so module-scope clients read their own table
 * names). Functions are invoked by name or ARN, as Step Functions and the gateway do in AWS.
 */
import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FunctionSpec } from '../resources.ts';
import type { LocalClock } from './clock.ts';
import { localName, type Scope } from './names.ts';

export class LambdaError extends Error {
  constructor(
    readonly errorType: string,
    message: string,
  ) {
    super(message);
    this.name = errorType;
  }
}

interface Registered {
  scope: Scope;
  entry: string;
  timeoutMs: number;
}

interface Pending {
  resolve(value: unknown): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

const ROOT = resolve(import.meta.dirname, '../..');

export class LocalLambdas {
  private readonly functions = new Map<string, Registered>();
  private readonly envs = new Map<Scope, Record<string, string>>();
  private readonly workers = new Map<Scope, Worker>();
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  /** Invocation counts per function name, for benchmarks. */
  readonly invocations = new Map<string, number>();

  constructor(private readonly clock: LocalClock) {}

  register(scope: Scope, env: Record<string, string>, functions: Record<string, FunctionSpec>) {
    this.envs.set(scope, env);
    for (const [id, spec] of Object.entries(functions)) {
      this.functions.set(localName(scope, id), {
        scope,
        entry: resolve(ROOT, spec.entry),
        timeoutMs: (spec.timeoutSeconds ?? 30) * 1000,
      });
    }
  }

  has(nameOrArn: string): boolean {
    return this.functions.has(nameOf(nameOrArn));
  }

  invoke(nameOrArn: string, event: unknown): Promise<unknown> {
    const name = nameOf(nameOrArn);
    const fn = this.functions.get(name);
    if (!fn)
      return Promise.reject(new LambdaError('ResourceNotFoundException', `Function not found: ${name}`));
    this.invocations.set(name, (this.invocations.get(name) ?? 0) + 1);
    const worker = this.worker(fn.scope);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new LambdaError('Sandbox.Timedout', `Task timed out after ${fn.timeoutMs / 1000} seconds`));
      }, fn.timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      worker.postMessage({ id, entry: fn.entry, functionName: name, event, timeoutMs: fn.timeoutMs });
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

  private worker(scope: Scope): Worker {
    const existing = this.workers.get(scope);
    if (existing) return existing;
    const worker = new Worker(new URL('./lambda-worker.mjs', import.meta.url), {
      env: { ...process.env, ...this.envs.get(scope) },
      workerData: { clockBuffer: this.clock.shared },
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
      console.error(`[lambda ${scope}] worker crashed:`, err);
      this.workers.delete(scope);
    });
    this.workers.set(scope, worker);
    return worker;
  }
}

function nameOf(nameOrArn: string): string {
  const m = /:function:([^:]+)/.exec(nameOrArn);
  return m ? m[1] : nameOrArn;
}
