/**
 * The seam to `aws-local-stepfunctions`: the Node 20 polyfill it needs, and the capture of its per-task
 * wall-clock timer so task timeouts can be driven by the dev clock instead.
 */
import { LIBRARY_TIMEOUT_SECONDS } from './transform.ts';

// The library calls Promise.withResolvers (ES2024) in every Task; Node 20 lacks it.
type WithResolvers = <T>() => { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void };
const PromiseCtor = Promise as unknown as { withResolvers?: WithResolvers };
if (typeof PromiseCtor.withResolvers !== 'function') {
  PromiseCtor.withResolvers = <T>() => {
    let resolve!: (v: T) => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}

export { ExecutionAbortedError, ExecutionError, StateMachine } from 'aws-local-stepfunctions';

const LIBRARY_TIMEOUT_MS = LIBRARY_TIMEOUT_SECONDS * 1000;
const INERT_HANDLE = Object.freeze({});

export interface LibraryTimeout {
  /** Rejects the library's task race with its own StatesTimeoutError; false if nothing was captured. */
  fire(): boolean;
}

/**
 * Call synchronously at the start of a Task override handler. The library arms its task timer right
 * after calling the handler, in the same synchronous stretch, with the TimeoutSeconds of the state;
 * transform.ts set that to LIBRARY_TIMEOUT_SECONDS on every Task, so the one setTimeout call with exactly
 * that delay is the library's. We keep its callback instead of arming it: firing it later makes the task
 * fail with a genuine StatesTimeoutError, which the library's Retry/Catch treat as AWS does (States.Timeout
 * is not matched by States.TaskFailed), and no 24.8-day wall timer ever exists.
 */
export function captureLibraryTimeout(): LibraryTimeout {
  const real = globalThis.setTimeout;
  let callback: (() => void) | undefined;
  const interceptor = ((handler: unknown, ms?: number, ...args: unknown[]) => {
    if (ms === LIBRARY_TIMEOUT_MS && callback === undefined && typeof handler === 'function') {
      callback = handler as () => void;
      restore();
      return INERT_HANDLE;
    }
    return (real as (...a: unknown[]) => unknown)(handler, ms, ...args);
  }) as unknown as typeof setTimeout;
  const restore = () => {
    if (globalThis.setTimeout === interceptor) globalThis.setTimeout = real;
  };
  globalThis.setTimeout = interceptor;
  // Safety net: never leave the interceptor installed past this synchronous stretch.
  queueMicrotask(restore);
  return {
    fire() {
      const cb = callback;
      if (!cb) return false;
      callback = () => {};
      cb();
      return true;
    },
  };
}
