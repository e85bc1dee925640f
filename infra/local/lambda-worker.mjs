// One Lambda "execution environment" of the local cloud: a worker thread with the env of one stack
// scope. It loads the handler modules (TypeScript, via tsx) once and serves invocations.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();

// The dev clock: the main thread moves the shared offset; `#lib/clock.ts` reads this source.
const offset = new Float64Array(workerData.clockBuffer);
globalThis[Symbol.for('online-hall.dev-clock')] = () => Date.now() + offset[0];

const modules = new Map();
function load(entry) {
  let module = modules.get(entry);
  if (!module) {
    module = import(entry);
    modules.set(entry, module);
  }
  return module;
}

parentPort.on('message', async ({ id, entry, functionName, event, timeoutMs }) => {
  const started = Date.now();
  const context = {
    functionName,
    functionVersion: '$LATEST',
    awsRequestId: crypto.randomUUID(),
    memoryLimitInMB: '1024',
    getRemainingTimeInMillis: () => Math.max(0, timeoutMs - (Date.now() - started)),
    callbackWaitsForEmptyEventLoop: false,
  };
  try {
    const { handler } = await load(entry);
    if (typeof handler !== 'function') throw new Error(`${entry} does not export a handler function`);
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
