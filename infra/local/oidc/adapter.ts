/**
 * Storage of the local identity provider (sessions, interactions, codes, refresh tokens, grants):
 * oidc-provider's adapter interface over one in-memory map, snapshotted to `.data/oidc/store.json`
 * when the local cloud has a data dir, so a restart keeps everyone signed in. Writes are batched
 * (one snapshot per 200 ms at most); `flush()` at stop writes the rest. In AWS there is no such
 * store: Cognito (or the external issuer) keeps its own.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

interface Entry {
  payload: Record<string, unknown>;
  /** Epoch seconds; undefined = no expiry. */
  exp?: number;
}

export class AdapterStore {
  private readonly entries = new Map<string, Entry>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly file?: string,
    private readonly nowSeconds: () => number = () => Math.floor(Date.now() / 1000),
  ) {
    if (file && existsSync(file)) {
      try {
        for (const [k, v] of Object.entries(JSON.parse(readFileSync(file, 'utf8')) as Record<string, Entry>))
          this.entries.set(k, v);
      } catch {
        // A torn snapshot only signs people out; start empty rather than refuse to start.
      }
    }
  }

  get(key: string): Entry | undefined {
    const e = this.entries.get(key);
    if (e?.exp !== undefined && e.exp <= this.nowSeconds()) {
      this.entries.delete(key);
      return undefined;
    }
    return e;
  }

  set(key: string, entry: Entry) {
    this.entries.set(key, entry);
    this.schedule();
  }

  delete(key: string) {
    if (this.entries.delete(key)) this.schedule();
  }

  keys() {
    return this.entries.keys();
  }

  private schedule() {
    if (!this.file || this.timer) return;
    this.timer = setTimeout(() => this.flush(), 200);
    this.timer.unref();
  }

  flush() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.file) return;
    const now = this.nowSeconds();
    const live = Object.fromEntries([...this.entries].filter(([, e]) => e.exp === undefined || e.exp > now));
    writeFileSync(`${this.file}.tmp`, JSON.stringify(live), { mode: 0o600 });
    renameSync(`${this.file}.tmp`, this.file);
  }

  /** The oidc-provider adapter class bound to this store. */
  adapterClass() {
    const store = this;
    return class Adapter {
      constructor(readonly model: string) {}

      private key(id: string) {
        return `${this.model}:${id}`;
      }

      async upsert(id: string, payload: Record<string, unknown>, expiresIn?: number) {
        const exp = expiresIn ? store.nowSeconds() + expiresIn : undefined;
        store.set(this.key(id), { payload, exp });
        if (typeof payload.grantId === 'string') {
          const grantKey = `grant:${payload.grantId}`;
          const members = (store.get(grantKey)?.payload.keys as string[] | undefined) ?? [];
          store.set(grantKey, { payload: { keys: [...members, this.key(id)] }, exp });
        }
        if (typeof payload.uid === 'string') store.set(`sessionUid:${payload.uid}`, { payload: { id }, exp });
        if (typeof payload.userCode === 'string')
          store.set(`userCode:${payload.userCode}`, { payload: { id }, exp });
      }

      async find(id: string) {
        return store.get(this.key(id))?.payload;
      }

      async findByUid(uid: string) {
        const ref = store.get(`sessionUid:${uid}`)?.payload.id as string | undefined;
        return ref ? this.find(ref) : undefined;
      }

      async findByUserCode(userCode: string) {
        const ref = store.get(`userCode:${userCode}`)?.payload.id as string | undefined;
        return ref ? this.find(ref) : undefined;
      }

      async consume(id: string) {
        const e = store.get(this.key(id));
        if (e) store.set(this.key(id), { ...e, payload: { ...e.payload, consumed: store.nowSeconds() } });
      }

      async destroy(id: string) {
        store.delete(this.key(id));
      }

      async revokeByGrantId(grantId: string) {
        const grantKey = `grant:${grantId}`;
        for (const k of (store.get(grantKey)?.payload.keys as string[] | undefined) ?? []) store.delete(k);
        store.delete(grantKey);
      }
    };
  }
}
