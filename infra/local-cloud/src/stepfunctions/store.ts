/**
 * JSON files under dataDir, written atomically (temp file + rename) and coalesced per file: a write
 * requested while another is in flight serialises the newest state once that one is done.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export class JsonStore {
  private readonly queued = new Map<string, Promise<void>>();
  private readonly inflight = new Map<string, Promise<void>>();
  private closed = false;

  constructor(readonly dir: string) {}

  async init(...subdirs: string[]): Promise<void> {
    for (const sub of subdirs) await mkdir(join(this.dir, sub), { recursive: true });
  }

  async readAll<T>(subdir: string): Promise<T[]> {
    const dir = join(this.dir, subdir);
    const out: T[] = [];
    for (const file of await readdir(dir)) {
      if (!file.endsWith('.json')) continue; // leftovers of an interrupted write end in .tmp
      try {
        out.push(JSON.parse(await readFile(join(dir, file), 'utf8')) as T);
      } catch (err) {
        console.error(`[stepfunctions] skipping unreadable ${join(dir, file)}`, err);
      }
    }
    return out;
  }

  /** Schedules a write of `snapshot()` (taken when the write starts); resolves once it is on disk. */
  write(relPath: string, snapshot: () => unknown): Promise<void> {
    const queued = this.queued.get(relPath);
    if (queued) return queued;
    const previous = this.inflight.get(relPath) ?? Promise.resolve();
    const file = join(this.dir, relPath);
    const next: Promise<void> = previous
      .catch(() => {})
      .then(async () => {
        this.queued.delete(relPath);
        this.inflight.set(relPath, next);
        if (this.closed) return;
        const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
        await writeFile(tmp, JSON.stringify(snapshot()));
        await rename(tmp, file);
      })
      .finally(() => {
        if (this.inflight.get(relPath) === next) this.inflight.delete(relPath);
      });
    this.queued.set(relPath, next);
    return next;
  }

  async remove(relPath: string): Promise<void> {
    await this.write(relPath, () => null).catch(() => {});
    await rm(join(this.dir, relPath), { force: true });
  }

  /** Waits for every write requested so far; later writes are ignored. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.queued.values(), ...this.inflight.values()]);
    this.closed = true;
    await Promise.allSettled([...this.queued.values(), ...this.inflight.values()]);
  }
}
