import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderSms } from '#functions/notify/templates.ts';
import { LocalClock, parseDuration } from '#infra/local/clock.ts';

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

describe('SMS templates', () => {
  it('fill every variable and refuse a missing one', () => {
    const text = renderSms('accepted', {
      itemName: '居民身份证补领',
      caseNo: '341602-20261126-000001',
      queryCode: '123456',
      promisedDays: 15,
    });
    expect(text).toBe(
      '【亳州政务服务】您申办的“居民身份证补领”已受理，办件编号341602-20261126-000001，查询码123456，承诺15个工作日内办结。可凭编号和查询码在网上办事大厅查询进度。',
    );
    expect(() => renderSms('refused', { itemName: 'x', caseNo: 'y', phone: '12345' })).toThrow('{reason}');
  });
});
