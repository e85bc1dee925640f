import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalClock, parseDuration } from '../src/clock.ts';

describe('the dev clock', () => {
  it('only moves forward, tells listeners, and persists', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'clock-')), 'clock.json');
    const clock = new LocalClock(file);
    let told = 0;
    clock.onChange(() => told++);
    const before = clock.now();
    clock.advance(parseDuration('P1DT2H'));
    expect(clock.now() - before).toBeGreaterThanOrEqual(26 * 3600_000);
    expect(told).toBe(1);
    expect(() => clock.advance(-1)).toThrow('向前');
    expect(() => clock.advanceTo(before)).toThrow();
    expect(new LocalClock(file).offsetMs).toBe(clock.offsetMs);
  });

  it('parses ISO 8601 durations and refuses others', () => {
    expect(parseDuration('PT90M')).toBe(90 * 60_000);
    expect(parseDuration('P2D')).toBe(48 * 3600_000);
    expect(() => parseDuration('2 days')).toThrow('无法识别');
    expect(() => parseDuration('P')).toThrow();
  });
});
