/**
 * The dev clock: wall time plus an offset that only moves forward. The offset lives in a
 * SharedArrayBuffer so the Lambda workers read the same "now" without messages, and in `file` (if
 * given) so a restart keeps the demo's time. Step Functions' Wait states and task timeouts run on it.
 * AWS has no such clock. Its refusals are worded in Chinese (the project's UI language).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export class DevClockError extends Error {}

export class LocalClock {
  readonly shared = new SharedArrayBuffer(8);
  private readonly offset = new Float64Array(this.shared);
  private readonly listeners = new Set<() => void>();

  /** `startAt` sets the initial time (tests pin the calendar this way); after that time only moves forward. */
  constructor(
    private readonly file?: string,
    startAt?: number,
  ) {
    if (file && existsSync(file)) this.offset[0] = JSON.parse(readFileSync(file, 'utf8')).offsetMs ?? 0;
    else if (startAt !== undefined) {
      this.offset[0] = startAt - Date.now();
      // Kept at once, not only after the first advance: a restart must not jump to the wall clock.
      this.save();
    }
  }

  private save() {
    if (this.file) writeFileSync(this.file, JSON.stringify({ offsetMs: this.offset[0] }));
  }

  now(): number {
    return Date.now() + this.offset[0];
  }

  get offsetMs(): number {
    return this.offset[0];
  }

  /** Move forward by `ms` (> 0). */
  advance(ms: number): number {
    if (!Number.isFinite(ms) || ms <= 0) throw new DevClockError('时间只能向前拨动');
    this.offset[0] += ms;
    this.save();
    for (const listener of this.listeners) listener();
    return this.now();
  }

  /** Move forward to a later instant. */
  advanceTo(instant: number): number {
    return this.advance(instant - this.now());
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** "PT2H", "P3D", "P1DT12H" → ms; plain numbers are ms. Days are 24 h (the calendar decides working days). */
export function parseDuration(text: string | number): number {
  if (typeof text === 'number') return text;
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(text);
  if (!m || text === 'P' || text.endsWith('T'))
    throw new DevClockError(`无法识别的时长：${text}（例如 P1D、PT2H）`);
  const [d, h, min, s] = m.slice(1).map((v) => Number(v ?? 0));
  return (((d * 24 + h) * 60 + min) * 60 + s) * 1000;
}
