/**
 * Timers on the dev clock. Dev time runs with wall time and can jump forward; a due check runs when the
 * single wall timer fires and whenever the clock reports a jump, so a jump fires everything now due at once.
 * Wall delays are capped, so no setTimeout overflows however far away the instant is.
 */
export interface DevClock {
  now(): number;
  onChange(listener: () => void): () => void;
}

/** Cap of one wall timer; re-armed as needed (also absorbs drift between dev and wall time). */
const MAX_WALL_DELAY_MS = 60 * 60 * 1000;

interface Entry {
  at: number;
  fire: () => void;
}

export class DevTimers {
  private readonly entries = new Set<Entry>();
  private handle: ReturnType<typeof setTimeout> | undefined;
  private readonly unsubscribe: () => void;
  private stopped = false;
  // Bound now so a later stub of the global (see library.ts) never sees our timers.
  private readonly setTimer = globalThis.setTimeout.bind(globalThis);
  private readonly clearTimer = globalThis.clearTimeout.bind(globalThis);

  constructor(private readonly clock: DevClock) {
    this.unsubscribe = clock.onChange(() => this.check());
  }

  now(): number {
    return this.clock.now();
  }

  /** Calls `fire` once dev time reaches `at`; returns a cancel function. */
  at(at: number, fire: () => void): () => void {
    if (this.stopped) return () => {};
    const entry: Entry = { at, fire };
    this.entries.add(entry);
    this.arm();
    return () => {
      if (this.entries.delete(entry)) this.arm();
    };
  }

  /** Resolves once dev time reaches `at`; after cancel() or stop() it never settles (nothing is left armed). */
  until(at: number): { promise: Promise<void>; cancel: () => void } {
    let cancel: () => void = () => {};
    const promise = new Promise<void>((resolve) => {
      cancel = this.at(at, resolve);
    });
    return { promise, cancel };
  }

  stop(): void {
    this.stopped = true;
    this.entries.clear();
    if (this.handle) this.clearTimer(this.handle);
    this.handle = undefined;
    this.unsubscribe();
  }

  private check(): void {
    if (this.stopped) return;
    const now = this.clock.now();
    for (const entry of [...this.entries]) {
      if (entry.at <= now && this.entries.delete(entry)) {
        try {
          entry.fire();
        } catch (err) {
          console.error('[stepfunctions] timer callback failed', err);
        }
      }
    }
    this.arm();
  }

  private arm(): void {
    if (this.handle) this.clearTimer(this.handle);
    this.handle = undefined;
    if (this.stopped || this.entries.size === 0) return;
    let next = Number.POSITIVE_INFINITY;
    for (const entry of this.entries) next = Math.min(next, entry.at);
    const delay = Math.min(Math.max(next - this.clock.now(), 0), MAX_WALL_DELAY_MS);
    this.handle = this.setTimer(() => this.check(), delay);
    // Pending timers alone must not keep a process alive; the HTTP server does that while it runs.
    this.handle.unref?.();
  }
}
