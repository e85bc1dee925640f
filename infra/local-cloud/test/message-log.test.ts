import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MessageLog } from '../src/message-log.ts';

const dir = mkdtempSync(join(tmpdir(), 'local-cloud-log-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a bounded message log', () => {
  it('keeps the last `limit` records, on disk too, and reads them back', async () => {
    const file = join(dir, 'nested', 'log.jsonl');
    const log = new MessageLog<{ n: number }>(3, file);
    for (let n = 1; n <= 5; n++) await log.append({ n });
    expect(log.list()).toEqual([{ n: 3 }, { n: 4 }, { n: 5 }]);
    // The file is compacted once it holds twice the limit; never more than that.
    await log.append({ n: 6 });
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(3);
    await log.append({ n: 7 });
    expect(new MessageLog<{ n: number }>(3, file).list()).toEqual([{ n: 5 }, { n: 6 }, { n: 7 }]);
  });

  it('hands out copies and works in memory', async () => {
    const log = new MessageLog<{ tags: string[] }>(10);
    await log.append({ tags: ['a'] });
    log.list()[0].tags.push('changed');
    expect(log.list()).toEqual([{ tags: ['a'] }]);
    expect(() => new MessageLog(0)).toThrow();
  });
});
