/**
 * The one rate limiter: sliding-window counters kept in DynamoDB, so they hold across Lambda
 * instances (identity's abuse limits and lockouts, the progress query's guessing limits).
 *
 * Sliding windows, not fixed ones: a fixed "10 per minute" lets 20 through around a minute boundary.
 * Each counter is one item holding SLOTS sub-window slots (`c<i>` = count, `t<i>` = which
 * sub-window the slot holds); a hit is one conditional UpdateItem that returns the whole item, so
 * parallel hits are serialised by DynamoDB and each sees a distinct total — at most `max` of them
 * see a total within the limit, whatever arrives at once. The window counted is the current slot
 * plus the SLOTS−1 before it, i.e. between 90 % and 100 % of `windowMs` long.
 *
 * The arithmetic (`judge`) is pure; `SlidingLimiter` is the storage. Counters never live on a
 * streamed table: every hit would wake the stream consumers for nothing.
 */
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';

export const SLOTS = 10;

export interface SlidingLimit {
  /** Counter key, e.g. `code-ip#1.2.3.4`. */
  key: string;
  max: number;
  windowMs: number;
}

export interface LimitCount {
  /** Hits in the window, including this one for a hit. */
  count: number;
  /** Within the limit. */
  allowed: boolean;
  /** When refused: how long until the window frees enough (ms). */
  retryAfterMs: number;
}

export const slotMs = (limit: Pick<SlidingLimit, 'windowMs'>) => Math.ceil(limit.windowMs / SLOTS);
export const slotIndex = (now: number, limit: Pick<SlidingLimit, 'windowMs'>) =>
  Math.floor(now / slotMs(limit));

/** The slots of a counter item that are inside the window ending with slot `idx`. */
function liveSlots(item: Record<string, unknown> | undefined, idx: number): { t: number; c: number }[] {
  const out: { t: number; c: number }[] = [];
  if (!item) return out;
  for (let s = 0; s < SLOTS; s++) {
    const t = Number(item[`t${s}`]);
    const c = Number(item[`c${s}`]);
    if (Number.isFinite(t) && Number.isFinite(c) && c > 0 && t > idx - SLOTS && t <= idx) out.push({ t, c });
  }
  return out.sort((a, b) => a.t - b.t);
}

/**
 * The verdict for a counter item. `counted`: the item already includes the request being judged
 * (a hit); otherwise (a peek) the question is whether one more would be allowed.
 */
export function judge(
  item: Record<string, unknown> | undefined,
  limit: SlidingLimit,
  now: number,
  counted: boolean,
): LimitCount {
  const idx = slotIndex(now, limit);
  const slots = liveSlots(item, idx);
  const count = slots.reduce((n, s) => n + s.c, 0);
  const allowed = counted ? count <= limit.max : count < limit.max;
  if (allowed) return { count, allowed, retryAfterMs: 0 };
  // The oldest slots leave the window first; wait until enough have left for one more request.
  let left = counted ? count - 1 : count;
  let retryAfterMs = limit.windowMs;
  for (const s of slots) {
    left -= s.c;
    if (left < limit.max) {
      retryAfterMs = Math.max(1000, (s.t + SLOTS) * slotMs(limit) - now);
      break;
    }
  }
  return { count, allowed, retryAfterMs };
}

const conditionFailed = (err: unknown) => (err as Error).name === 'ConditionalCheckFailedException';
const counterKey = (key: string) => ({ pk: `RATE#${key}`, sk: 'SLIDING' });

/** The counters of one table (key `RATE#<key>` / `SLIDING`, TTL attribute `expiresAt`). */
export class SlidingLimiter {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /**
   * Counts one request against `limit` and says whether it is within it. One conditional update per
   * try (the slot is either the current sub-window's, or a stale one that is reset), returning the
   * whole item: DynamoDB serialises updates of an item, so parallel hits see distinct totals.
   * With `refund`, a refused hit is taken back, so refusals do not extend the refusal.
   */
  async hit(limit: SlidingLimit, now: number, refund = true): Promise<LimitCount> {
    const idx = slotIndex(now, limit);
    const s = idx % SLOTS;
    const names = { '#c': `c${s}`, '#t': `t${s}`, '#e': 'expiresAt' };
    // TTL: DynamoDB deletes the item some time after the window has passed.
    const expiresAt = Math.ceil((now + limit.windowMs) / 1000) + 60;
    /** One conditional update returning the whole item, or undefined when its condition failed. */
    const update = (expression: string, condition: string) =>
      this.doc
        .send(
          new UpdateCommand({
            TableName: this.table,
            Key: counterKey(limit.key),
            UpdateExpression: expression,
            ConditionExpression: condition,
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: { ':one': 1, ':idx': idx, ':exp': expiresAt },
            ReturnValues: 'ALL_NEW',
          }),
        )
        .then(
          (out) => out.Attributes,
          (err) => {
            if (!conditionFailed(err)) throw err;
            return undefined;
          },
        );
    let item: Record<string, unknown> | undefined;
    // Count in the current slot; else reset a stale slot to it. If another request reset it first,
    // both conditions fail: count in it on the next round.
    for (let i = 0; i < 5 && !item; i++) {
      item =
        (await update('ADD #c :one SET #e = :exp', '#t = :idx')) ??
        (await update('SET #c = :one, #t = :idx, #e = :exp', 'attribute_not_exists(#t) OR #t < :idx'));
    }
    // Could not count (a clock far behind another instance's): refuse rather than let it through.
    if (!item) return { count: limit.max + 1, allowed: false, retryAfterMs: limit.windowMs / SLOTS };
    const verdict = judge(item, limit, now, true);
    if (!verdict.allowed && refund) {
      await this.doc
        .send(
          new UpdateCommand({
            TableName: this.table,
            Key: counterKey(limit.key),
            UpdateExpression: 'ADD #c :minus',
            ConditionExpression: '#t = :idx AND #c > :zero',
            ExpressionAttributeNames: { '#c': `c${s}`, '#t': `t${s}` },
            ExpressionAttributeValues: { ':minus': -1, ':idx': idx, ':zero': 0 },
          }),
        )
        .catch((err) => {
          if (!conditionFailed(err)) throw err;
        });
    }
    return verdict;
  }

  /** Whether one more request would be within `limit`, without counting it. */
  async peek(limit: SlidingLimit, now: number): Promise<LimitCount> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: counterKey(limit.key), ConsistentRead: true }),
    );
    return judge(out.Item, limit, now, false);
  }

  /** `peek` for several limits in one read (at most 100 distinct keys). */
  async peekAll(limits: SlidingLimit[], now: number): Promise<LimitCount[]> {
    const keys = [...new Set(limits.map((l) => l.key))];
    const items = new Map<string, Record<string, unknown>>();
    let request: Record<string, unknown>[] | undefined = keys.map(counterKey);
    // Unprocessed keys (throttling in AWS) are asked for again: a limit is never judged unread.
    for (let i = 0; request?.length; i++) {
      if (i === 5) throw new Error('rate-limit counters could not be read');
      const out: BatchGetCommandOutput = await this.doc.send(
        new BatchGetCommand({
          RequestItems: { [this.table]: { Keys: request, ConsistentRead: true } },
        }),
      );
      for (const item of out.Responses?.[this.table] ?? []) items.set(String(item.pk), item);
      request = out.UnprocessedKeys?.[this.table]?.Keys;
    }
    return limits.map((l) => judge(items.get(counterKey(l.key).pk), l, now, false));
  }

  async clear(limit: SlidingLimit): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.table, Key: counterKey(limit.key) }));
  }
}
