/**
 * A bounded log of records (the last `limit`), in memory and, with `file`, in a JSON-lines file that
 * is read back at start, so what a developer looks at survives a restart. Appends are chained, so
 * lines never interleave; once the file holds twice the limit it is rewritten with the last `limit`
 * records (temp file + rename), so it never grows without bound either.
 */
import { existsSync, readFileSync } from 'node:fs';
import { appendFile, mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export class MessageLog<T> {
  private records: T[] = [];
  private linesInFile = 0;
  private writes: Promise<void> = Promise.resolve();

  constructor(
    readonly limit: number,
    private readonly file?: string,
  ) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new Error('MessageLog: limit must be a positive integer');
    if (file && existsSync(file)) {
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        if (!line.trim()) continue;
        this.linesInFile++;
        try {
          this.records.push(JSON.parse(line) as T);
        } catch {
          // A torn last line after a crash: keep the rest.
        }
      }
      this.records = this.records.slice(-limit);
    }
  }

  /** Oldest first. */
  list(): T[] {
    return this.records.map((r) => structuredClone(r));
  }

  /** Resolves once the record is on disk (when there is a file). */
  async append(record: T): Promise<void> {
    this.records.push(record);
    if (this.records.length > this.limit) this.records.splice(0, this.records.length - this.limit);
    const file = this.file;
    if (!file) return;
    this.linesInFile++;
    const compact = this.linesInFile >= 2 * this.limit;
    const snapshot = compact ? this.records.map((r) => JSON.stringify(r)).join('\n') : '';
    if (compact) this.linesInFile = this.records.length;
    this.writes = this.writes
      .catch(() => {})
      .then(async () => {
        await mkdir(dirname(file), { recursive: true });
        if (!compact) return appendFile(file, `${JSON.stringify(record)}\n`, 'utf8');
        const temp = `${file}.${process.pid}.tmp`;
        await writeFile(temp, `${snapshot}\n`, 'utf8');
        await rename(temp, file);
      });
    await this.writes;
  }

  /** Waits for pending writes. */
  async flush(): Promise<void> {
    await this.writes.catch(() => {});
  }
}
