/**
 * The one source of "now" for business rules (deadlines, timers, event times).
 * In AWS it is the system clock. The local cloud may install a dev clock under the global symbol
 * below (the local cloud's Lambda worker, infra/local-cloud/src/lambda-worker.mjs, does), so a demo or a test can move time forward and see
 * timers fire; handlers never know.
 */
const DEV_CLOCK = Symbol.for('online-hall.dev-clock');

type ClockSource = () => number;

export function nowMs(): number {
  const source = (globalThis as { [DEV_CLOCK]?: ClockSource })[DEV_CLOCK];
  return source ? source() : Date.now();
}

export function now(): Date {
  return new Date(nowMs());
}
