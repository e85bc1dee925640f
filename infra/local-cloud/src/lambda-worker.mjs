// One group of Lambda "execution environments" (see lambda.ts): a worker thread that loads handler
// modules (TypeScript, via tsx) and serves invocations. Each function has its own environment
// (process.env is a view chosen per invocation) and its own instances of the application's modules.
import { AsyncLocalStorage } from 'node:async_hooks';
import { register } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';
import { register as registerTsx } from 'tsx/esm/api';

registerTsx();
// After tsx, so it runs first: the function's marker follows every application import.
register(new URL('./lambda-hooks.mjs', import.meta.url));

// The dev clock: the main thread moves the shared offset; the application reads this global.
const offset = new Float64Array(workerData.clockBuffer);
globalThis[Symbol.for(workerData.clockGlobal)] = () => Date.now() + offset[0];

// process.env is the environment of the function whose invocation is running; outside any
// invocation (the worker's own start-up) it is the worker's.
const current = new AsyncLocalStorage();
const base = process.env;
const envOf = () => current.getStore()?.env ?? base;
process.env = new Proxy(
  {},
  {
    get: (_, key) => envOf()[key],
    set: (_, key, value) => {
      envOf()[key] = String(value);
      return true;
    },
    has: (_, key) => key in envOf(),
    deleteProperty: (_, key) => delete envOf()[key],
    ownKeys: () => Reflect.ownKeys(envOf()),
    getOwnPropertyDescriptor: (_, key) => {
      const value = envOf()[key];
      return value === undefined
        ? undefined
        : { value, writable: true, enumerable: true, configurable: true };
    },
  },
);

/** Per function: its environment (kept across invocations, as in one execution environment) and module. */
const functions = new Map();

parentPort.on('message', ({ id, name, url, env, event, timeoutMs, memoryMb }) => {
  let fn = functions.get(name);
  if (!fn) {
    fn = { env: { ...env }, module: undefined };
    functions.set(name, fn);
  }
  current.run(fn, async () => {
    const started = Date.now();
    const context = {
      functionName: name,
      functionVersion: '$LATEST',
      awsRequestId: crypto.randomUUID(),
      memoryLimitInMB: String(memoryMb),
      getRemainingTimeInMillis: () => Math.max(0, timeoutMs - (Date.now() - started)),
      callbackWaitsForEmptyEventLoop: false,
    };
    try {
      // A failed init is tried again on the next invocation, as Lambda does.
      fn.module ??= import(url).catch((err) => {
        fn.module = undefined;
        throw err;
      });
      const { handler } = await fn.module;
      if (typeof handler !== 'function') throw new Error(`${url} does not export a handler function`);
      const result = await handler(event, context);
      parentPort.postMessage({ id, result });
    } catch (err) {
      parentPort.postMessage({
        id,
        error: {
          errorType: err?.name ?? 'Error',
          errorMessage: String(err?.message ?? err),
          stack: err?.stack,
        },
      });
    }
  });
});
