/**
 * The accounts table (platform stack): accounts with uniqueness guards, enterprises and their
 * people, agent mandates, login-failure counters, the audit log and the data center's registries.
 * Key schema: `platformResources.tables.accounts.doc` in infra/resources.ts.
 *
 * Takes its DynamoDB client and table name as arguments, so the Lambda handlers and the local
 * identity provider (infra/local/oidc) share this one implementation.
 */

import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Role } from '#domain/roles.ts';
import { beijingDate } from '#domain/time.ts';
import { type LimitCount, type SlidingLimit, SlidingLimiter } from '#lib/limiter.ts';
import type { Mandate } from '#lib/policy.ts';
import {
  AUDIT_SHARDS,
  type AuditClass,
  type AuditEntry,
  type AuditQuery,
  auditClass,
  auditShard,
} from './audit.ts';
import { postMembershipItem, postMemberships } from './directory.ts';
import type { FailureCounter } from './lockout.ts';
import type { Account, Enterprise, Membership } from './model.ts';
import type { Purpose, SmsChallenge } from './otp.ts';
import type { LegalPersonRecord, PopulationRecord } from './registry.ts';
import { TOKEN_STATE_ATTRIBUTES, type TokenState } from './revocation.ts';

/** Which uniqueness guard refused an account. */
export class DuplicateError extends Error {
  constructor(readonly field: 'username' | 'phone' | 'idNumber' | 'account' | 'enterprise' | 'member') {
    super(`duplicate ${field}`);
  }
}

export class ConflictError extends Error {}

/** The SMS code was consumed (or replaced by a newer one) between its check and its use. */
export class CodeUsedError extends Error {}

const userKey = (sub: string) => ({ pk: `USER#${sub}`, sk: 'PROFILE' });
const loginKey = (username: string) => ({ pk: `LOGIN#${username.toLowerCase()}`, sk: 'LOGIN' });
const phoneKey = (phone: string) => ({ pk: `PHONE#${phone}`, sk: 'UNIQUE' });
const idKey = (id: string) => ({ pk: `IDNO#${id}`, sk: 'UNIQUE' });
const entKey = (uscc: string) => ({ pk: `ENT#${uscc}`, sk: 'PROFILE' });
const memberKey = (uscc: string, sub: string) => ({ pk: `ENT#${uscc}`, sk: `MEMBER#${sub}` });
const myEntKey = (sub: string, uscc: string) => ({ pk: `USER#${sub}`, sk: `MEMBER#${uscc}` });
const mandateKey = (agentSub: string, personSub: string) => ({
  pk: `USER#${agentSub}`,
  sk: `MANDATE#${personSub}`,
});
const mandateRequestKey = (id: string) => ({ pk: `MANDREQ#${id}`, sk: 'REQUEST' });
export type CounterKind = 'pair' | 'account' | 'ip';
const counterKey = (kind: CounterKind, id: string) => ({
  pk: `FAIL#${kind.toUpperCase()}#${id}`,
  sk: 'COUNTER',
});
const challengeKey = (purpose: Purpose, target: string) => ({ pk: `OTP#${purpose}#${target}`, sk: 'CODE' });

const conditionFailed = (err: unknown) => (err as Error).name === 'ConditionalCheckFailedException';

const auditPartition = (c: AuditClass, day: string, shard: number) => `AUDIT#${c}#${day}#${shard}`;
const auditSortKey = (e: Pick<AuditEntry, 'at' | 'id'>) => `${e.at}#${e.id}`;
/** Items one listing may look at before it answers with what it has and a cursor. */
const AUDIT_READ_BUDGET = 5000;
const previousDay = (day: string) =>
  new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);

/** The transaction item that consumes a matched code: only this code (its salt), only once. */
function consumeItem(table: string, challenge: SmsChallenge) {
  return {
    Delete: {
      TableName: table,
      Key: challengeKey(challenge.purpose, challenge.target),
      ConditionExpression: 'salt = :salt',
      ExpressionAttributeValues: { ':salt': challenge.salt },
    },
  };
}

const strip = <T>(item: Record<string, unknown> | undefined): T | undefined => {
  if (!item) return undefined;
  const {
    pk: _pk,
    sk: _sk,
    gsi1pk: _g1,
    gsi1sk: _g2,
    gsi2pk: _g3,
    gsi2sk: _g4,
    expiresAt: _e,
    v: _v,
    ...rest
  } = item;
  return rest as T;
};

export interface MandateRequest {
  id: string;
  agentSub: string;
  agentName: string;
  personSub: string;
  personName: string;
  materialRef: string;
  codeHash: string;
  attempts: number;
  /** Epoch ms. */
  expiresAtMs: number;
  createdAt: string;
}

export interface MandateRecord extends Mandate {
  personName: string;
  materialRef: string;
  confirmedAt: string;
  requestId: string;
}

/** A unique key (phone, login name) taken for an account: only while nobody holds it. */
const claim = (table: string, key: Record<string, string>, sub: string) => ({
  Put: { TableName: table, Item: { ...key, sub }, ConditionExpression: 'attribute_not_exists(pk)' },
});

/** A unique key given up by the account holding it (and only by it). */
const release = (table: string, key: Record<string, string>, sub: string) => ({
  Delete: {
    TableName: table,
    Key: key,
    ConditionExpression: '#sub = :sub',
    ExpressionAttributeNames: { '#sub': 'sub' },
    ExpressionAttributeValues: { ':sub': sub },
  },
});

export class AccountStore {
  private readonly limiter: SlidingLimiter;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    readonly table: string,
  ) {
    this.limiter = new SlidingLimiter(doc, table);
  }

  private async get<T>(key: { pk: string; sk: string }, consistent = false): Promise<T | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: key, ConsistentRead: consistent }),
    );
    return strip<T>(out.Item);
  }

  // -------------------------------------------------------------------------------------------
  // Accounts

  getAccount(sub: string): Promise<Account | undefined> {
    return this.get<Account>(userKey(sub), true);
  }

  /** By username, then by phone number (persons sign in with their phone). */
  async findByLogin(login: string): Promise<Account | undefined> {
    const name = login.trim();
    if (!name) return undefined;
    const ref =
      (await this.get<{ sub: string }>(loginKey(name), true)) ??
      (await this.get<{ sub: string }>(phoneKey(name), true));
    return ref ? this.getAccount(ref.sub) : undefined;
  }

  async findByIdNumber(idNumber: string): Promise<string | undefined> {
    return (await this.get<{ sub: string }>(idKey(idNumber), true))?.sub;
  }

  /**
   * Creates an account and its uniqueness guards (username, phone, ID number) in one transaction:
   * either all exist afterwards or none does. With `challenge`, the SMS code that proved the phone
   * is consumed in the same transaction (CodeUsedError if it was used or replaced meanwhile).
   */
  async createAccount(account: Account, challenge?: SmsChallenge): Promise<void> {
    const guards: { key: { pk: string; sk: string }; field: DuplicateError['field'] }[] = [
      { key: userKey(account.sub), field: 'account' },
      { key: loginKey(account.username), field: 'username' },
    ];
    if (account.phone) guards.push({ key: phoneKey(account.phone), field: 'phone' });
    if (account.idNumber) guards.push({ key: idKey(account.idNumber), field: 'idNumber' });
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            ...guards.map(({ key }, i) => ({
              Put: {
                TableName: this.table,
                Item:
                  i === 0 ? { ...key, ...this.indexOf(account), ...account } : { ...key, sub: account.sub },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            })),
            // The staff directory (directory.ts) is born with the account.
            ...postMemberships(account).map((m) => ({
              Put: { TableName: this.table, Item: postMembershipItem(m) },
            })),
            ...(challenge ? [consumeItem(this.table, challenge)] : []),
          ],
        }),
      );
    } catch (err) {
      if (err instanceof TransactionCanceledException) {
        const reasons = err.CancellationReasons ?? [];
        const i = reasons.findIndex((r) => r.Code === 'ConditionalCheckFailed');
        if (i >= 0 && i < guards.length) throw new DuplicateError(guards[i].field);
        if (i >= 0) throw new CodeUsedError();
        throw new ConflictError('transaction conflict');
      }
      throw err;
    }
  }

  private indexOf(account: Account) {
    return { gsi1pk: `ROLE#${account.roles[0] ?? 'none'}`, gsi1sk: account.username };
  }

  /**
   * Replaces the profile record (not the guards: username, phone and ID number never change here)
   * and brings the account's post memberships (the staff directory) in step, in one transaction.
   * `previous` is the profile the change was computed from: if someone else changed the account
   * meanwhile, nothing is written and ConflictError says so (the memberships read here would be stale).
   */
  async putAccount(account: Account, previous?: Account): Promise<void> {
    const held = await this.postKeysOf(account.sub);
    const wanted = postMemberships(account).map(postMembershipItem);
    const keep = new Set(wanted.map((i) => i.sk as string));
    const stale = held.filter((sk) => !keep.has(sk));
    const unchanged = previous
      ? previous.updatedAt === undefined
        ? ' AND attribute_not_exists(updatedAt)'
        : ' AND updatedAt = :prev'
      : '';
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.table,
                Item: { ...userKey(account.sub), ...this.indexOf(account), ...account },
                ConditionExpression: `attribute_exists(pk)${unchanged}`,
                ExpressionAttributeValues: previous?.updatedAt ? { ':prev': previous.updatedAt } : undefined,
              },
            },
            ...stale.map((sk) => ({
              Delete: { TableName: this.table, Key: { pk: `USER#${account.sub}`, sk } },
            })),
            ...wanted.map((Item) => ({ Put: { TableName: this.table, Item } })),
          ],
        }),
      );
    } catch (err) {
      if (err instanceof TransactionCanceledException) throw new ConflictError('account changed meanwhile');
      throw err;
    }
  }

  /** Every item of a user under a sort-key prefix (memberships, mandates, posts), all pages. */
  private async itemsOf<T>(sub: string, prefix: string): Promise<T[]> {
    const items: T[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)',
          ExpressionAttributeValues: { ':p': `USER#${sub}`, ':s': prefix },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of out.Items ?? []) items.push(item as T);
      start = out.LastEvaluatedKey;
    } while (start);
    return items;
  }

  /** Sort keys of the post memberships an account holds now. */
  private async postKeysOf(sub: string): Promise<string[]> {
    return (await this.itemsOf<{ sk: string }>(sub, 'POST#')).map((item) => String(item.sk));
  }

  /**
   * Gives an account that has no phone yet a phone number with its uniqueness guard (demo staff of
   * a `.data/` seeded before staff had numbers), and its post memberships. False when taken.
   */
  async addPhone(account: Account, phone: string): Promise<boolean> {
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            claim(this.table, phoneKey(phone), account.sub),
            {
              Update: {
                TableName: this.table,
                Key: userKey(account.sub),
                UpdateExpression: 'SET phone = :p',
                ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(phone)',
                ExpressionAttributeValues: { ':p': phone },
              },
            },
            ...postMemberships({ ...account, phone }).map((m) => ({
              Put: { TableName: this.table, Item: postMembershipItem(m) },
            })),
          ],
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof TransactionCanceledException) return false;
      throw err;
    }
  }

  /**
   * What the revocation check needs of an account (revocation.ts): status and the two valid-after
   * instants, nothing else — the functions that ask may read only these (infra/resources.ts).
   */
  async tokenState(sub: string): Promise<TokenState | undefined> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.table,
        Key: userKey(sub),
        // Names, not the bare words: `status` is a DynamoDB reserved word.
        ProjectionExpression: TOKEN_STATE_ATTRIBUTES.map((_, i) => `#a${i}`).join(', '),
        ExpressionAttributeNames: Object.fromEntries(TOKEN_STATE_ATTRIBUTES.map((a, i) => [`#a${i}`, a])),
        ConsistentRead: true,
      }),
    );
    return out.Item as TokenState | undefined;
  }

  /**
   * Ends the account's tokens issued before `atMs` (and, with `sessions`, its sessions begun
   * before it): "sign out everywhere".
   */
  async revokeTokens(sub: string, atMs: number, sessions: boolean, at: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: userKey(sub),
        UpdateExpression: `SET tokensValidAfterMs = :s${sessions ? ', sessionsValidAfterMs = :s' : ''}, updatedAt = :t`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':s': atMs, ':t': at },
      }),
    );
  }

  async setPasswordHash(sub: string, passwordHash: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: userKey(sub),
        UpdateExpression: 'SET passwordHash = :h',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':h': passwordHash },
      }),
    );
  }

  async setActingFor(sub: string, actingFor: Account['actingFor'] | null, at: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: userKey(sub),
        ConditionExpression: 'attribute_exists(pk)',
        ...(actingFor
          ? {
              UpdateExpression: 'SET actingFor = :a, updatedAt = :t',
              ExpressionAttributeValues: { ':a': actingFor, ':t': at },
            }
          : {
              UpdateExpression: 'REMOVE actingFor SET updatedAt = :t',
              ExpressionAttributeValues: { ':t': at },
            }),
      }),
    );
  }

  /**
   * Accounts whose first role is `role`, by username, after the index key `start`; with `contains`,
   * only those whose name or username contains it (read on until the page is full or 20 reads).
   * `next` is the index key to continue from (the caller signs it: #lib/cursor.ts).
   */
  async listAccounts(role: Role, opts: { limit: number; start?: Record<string, string>; contains?: string }) {
    const found: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined = opts.start;
    let reads = 0;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: 'byRole',
          KeyConditionExpression: 'gsi1pk = :r',
          ...(opts.contains
            ? {
                FilterExpression: 'contains(#n, :q) OR contains(#u, :q)',
                ExpressionAttributeNames: { '#n': 'name', '#u': 'username' },
              }
            : {}),
          ExpressionAttributeValues: {
            ':r': `ROLE#${role}`,
            ...(opts.contains ? { ':q': opts.contains } : {}),
          },
          Limit: opts.limit,
          ExclusiveStartKey: start,
        }),
      );
      found.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start && found.length < opts.limit && ++reads < 20);
    const page = found.slice(0, opts.limit);
    const last = page.at(-1);
    const next =
      found.length > opts.limit && last
        ? { pk: last.pk, sk: last.sk, gsi1pk: last.gsi1pk, gsi1sk: last.gsi1sk }
        : start;
    return { accounts: page.map((i) => strip<Account>(i) as Account), next };
  }

  // -------------------------------------------------------------------------------------------
  // Login failure counters (optimistic: read, compute with lockout.ts, write if unchanged)

  async getCounter(kind: CounterKind, id: string): Promise<(FailureCounter & { v: number }) | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: counterKey(kind, id), ConsistentRead: true }),
    );
    if (!out.Item) return undefined;
    const { failures, windowStart, lockedUntil, level, lastLockAt, v } = out.Item;
    return { failures, windowStart, lockedUntil, level, lastLockAt, v };
  }

  /** Writes `next` if the counter is still at version `v` (undefined = absent); false on a race. */
  async saveCounter(
    kind: CounterKind,
    id: string,
    next: FailureCounter,
    v: number | undefined,
    expiresAt: number,
  ) {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...counterKey(kind, id), ...next, v: (v ?? 0) + 1, expiresAt },
          ConditionExpression: v === undefined ? 'attribute_not_exists(pk)' : 'v = :v',
          ExpressionAttributeValues: v === undefined ? undefined : { ':v': v },
        }),
      );
      return true;
    } catch (err) {
      if ((err as Error).name === 'ConditionalCheckFailedException') return false;
      throw err;
    }
  }

  async clearCounter(kind: CounterKind, id: string): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.table, Key: counterKey(kind, id) }));
  }

  // -------------------------------------------------------------------------------------------
  // Sliding-window counters: the house limiter (#lib/limiter.ts) on this table

  /** Counts one request against `limit` (see SlidingLimiter.hit); `refund` takes a refused hit back. */
  hitLimit(limit: SlidingLimit, now: number, refund = true): Promise<LimitCount> {
    return this.limiter.hit(limit, now, refund);
  }

  /** Whether one more request would be within `limit`, without counting it. */
  peekLimit(limit: SlidingLimit, now: number): Promise<LimitCount> {
    return this.limiter.peek(limit, now);
  }

  clearLimit(limit: SlidingLimit): Promise<void> {
    return this.limiter.clear(limit);
  }

  // -------------------------------------------------------------------------------------------
  // SMS codes (otp.ts): one live code per purpose and target

  /**
   * Stores a new code unless one for the same purpose and target was sent less than `resendMs` ago
   * (one conditional put: of parallel requests, one wins). Returns when the earlier one was sent
   * if refused.
   */
  async putChallenge(
    challenge: SmsChallenge,
    resendMs: number,
  ): Promise<{ ok: true } | { ok: false; sentAtMs: number }> {
    const key = challengeKey(challenge.purpose, challenge.target);
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...key, ...challenge, expiresAt: Math.ceil(challenge.expiresAtMs / 1000) + 3600 },
          ConditionExpression: 'attribute_not_exists(pk) OR sentAtMs <= :edge',
          ExpressionAttributeValues: { ':edge': challenge.sentAtMs - resendMs },
        }),
      );
      return { ok: true };
    } catch (err) {
      if (!conditionFailed(err)) throw err;
      const current = await this.getChallenge(challenge.purpose, challenge.target);
      return { ok: false, sentAtMs: current?.sentAtMs ?? challenge.sentAtMs };
    }
  }

  getChallenge(purpose: Purpose, target: string): Promise<SmsChallenge | undefined> {
    return this.get<SmsChallenge>(challengeKey(purpose, target), true);
  }

  /**
   * Claims one try of a code before it is compared: attempts + 1 if the code exists, is live and
   * has tries left — one conditional update, so of any number of parallel tries exactly `max`
   * are ever compared. Returns the code after the claim, or why no try was left.
   */
  async claimChallengeAttempt(
    purpose: Purpose,
    target: string,
    max: number,
    now: number,
  ): Promise<{ ok: true; challenge: SmsChallenge } | { ok: false; why: 'missing' | 'expired' | 'spent' }> {
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: challengeKey(purpose, target),
          UpdateExpression: 'ADD attempts :one',
          ConditionExpression: 'attribute_exists(pk) AND attempts < :max AND expiresAtMs > :now',
          ExpressionAttributeValues: { ':one': 1, ':max': max, ':now': now },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { ok: true, challenge: strip<SmsChallenge>(out.Attributes) as SmsChallenge };
    } catch (err) {
      if (!conditionFailed(err)) throw err;
      const current = await this.getChallenge(purpose, target);
      if (!current) return { ok: false, why: 'missing' };
      if (current.attempts >= max) return { ok: false, why: 'spent' };
      return { ok: false, why: 'expired' };
    }
  }

  /** Removes a code (a send that failed); only the one with this salt, not a newer one. */
  async deleteChallenge(challenge: SmsChallenge): Promise<void> {
    await this.doc
      .send(
        new DeleteCommand({
          TableName: this.table,
          Key: challengeKey(challenge.purpose, challenge.target),
          ConditionExpression: 'salt = :s',
          ExpressionAttributeValues: { ':s': challenge.salt },
        }),
      )
      .catch((err) => {
        if (!conditionFailed(err)) throw err;
      });
  }

  /** Consumes a code that matched: true for exactly one caller. */
  async consumeChallenge(challenge: SmsChallenge): Promise<boolean> {
    try {
      await this.doc.send(new TransactWriteCommand({ TransactItems: [consumeItem(this.table, challenge)] }));
      return true;
    } catch (err) {
      if (err instanceof TransactionCanceledException) return false;
      throw err;
    }
  }

  /**
   * Sets a new password after an SMS code (reset, or reclaim of an identity someone else
   * registered): the code is consumed, the old password stops working, sessions started before now
   * end at their next refresh and tokens issued before now are refused (`sessionsValidAfterMs`,
   * `tokensValidAfterMs`), acting-for-an-enterprise is cleared, and,
   * when the registry's phone is not the account's, the account moves to it (phone and login guards
   * move in the same transaction). False when the code was used meanwhile.
   */
  async resetPassword(
    account: Account,
    change: { passwordHash: string; phone: string; sessionsValidAfterMs: number; at: string },
    challenge: SmsChallenge,
  ): Promise<boolean> {
    const items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']> = [
      consumeItem(this.table, challenge),
    ];
    const moving = account.phone !== change.phone;
    const username = moving && account.username === account.phone ? change.phone : account.username;
    if (moving) {
      if (account.phone) items.push(release(this.table, phoneKey(account.phone), account.sub));
      items.push(claim(this.table, phoneKey(change.phone), account.sub));
      if (username !== account.username)
        items.push(
          release(this.table, loginKey(account.username), account.sub),
          claim(this.table, loginKey(username), account.sub),
        );
    }
    items.push({
      Update: {
        TableName: this.table,
        Key: userKey(account.sub),
        UpdateExpression:
          'SET passwordHash = :h, phone = :p, username = :u, gsi1sk = :u, sessionsValidAfterMs = :s, tokensValidAfterMs = :s, updatedAt = :t REMOVE actingFor',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: {
          ':h': change.passwordHash,
          ':p': change.phone,
          ':u': username,
          ':s': change.sessionsValidAfterMs,
          ':t': change.at,
        },
      },
    });
    try {
      await this.doc.send(new TransactWriteCommand({ TransactItems: items }));
      return true;
    } catch (err) {
      if (err instanceof TransactionCanceledException) {
        const reasons = err.CancellationReasons ?? [];
        if (reasons[0]?.Code === 'ConditionalCheckFailed') return false;
        if (reasons.some((r) => r.Code === 'ConditionalCheckFailed')) throw new DuplicateError('phone');
        throw new ConflictError('transaction conflict');
      }
      throw err;
    }
  }

  // -------------------------------------------------------------------------------------------
  // Audit log: per Beijing day, two classes (audit.ts) of AUDIT_SHARDS partitions each, by time

  async audit(entry: AuditEntry): Promise<void> {
    const day = beijingDate(Date.parse(entry.at));
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          pk: auditPartition(auditClass(entry), day, auditShard(entry.id)),
          sk: auditSortKey(entry),
          ...entry,
        },
      }),
    );
  }

  /**
   * Entries of `q`, newest first: for each day of the range (newest first) every shard of the
   * classes asked for is read in parallel, newest first, and the reads are merged. An entry is
   * returned once every shard has been read past it, so the order is exact and a page ends
   * where the next begins (`next`: the sort key of the last entry seen, or of the point up to
   * which everything was looked at when the read budget ran out before the page filled up).
   */
  async listAudit(q: AuditQuery): Promise<{ entries: AuditEntry[]; next?: string }> {
    const entries: AuditEntry[] = [];
    let budget = AUDIT_READ_BUDGET;
    const filters: string[] = [];
    const names: Record<string, string> = {};
    const values: Record<string, string> = {};
    for (const field of ['type', 'actor', 'subject'] as const) {
      const value = q[field];
      if (value === undefined) continue;
      filters.push(`#${field} = :${field}`);
      names[`#${field}`] = field;
      values[`:${field}`] = value;
    }
    const lower = q.from;
    let upper = q.after ?? `${q.to}#~`;
    // A cursor from another range can point below this one: nothing left.
    if (upper < lower) return { entries };
    const lastDay = beijingDate(Date.parse(q.from));
    for (let day = beijingDate(Date.parse(upper.slice(0, 24))); day >= lastDay; day = previousDay(day)) {
      // Entries written before the classes existed live in one partition per day.
      const shards = [
        ...q.classes.flatMap((c) =>
          Array.from({ length: AUDIT_SHARDS }, (_, i) => auditPartition(c, day, i)),
        ),
        `AUDIT#${day}`,
      ].map((pk) => ({
        pk,
        start: undefined as Record<string, unknown> | undefined,
        seen: upper,
        done: false,
      }));
      let waiting: AuditEntry[] = [];
      while (shards.some((p) => !p.done)) {
        if (budget <= 0) return { entries, next: upper };
        const reading = shards.filter((p) => !p.done);
        const pages = await Promise.all(
          reading.map((p) =>
            this.doc.send(
              new QueryCommand({
                TableName: this.table,
                KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lower AND :upper',
                FilterExpression: filters.length ? filters.join(' AND ') : undefined,
                ExpressionAttributeNames: filters.length ? names : undefined,
                ExpressionAttributeValues: { ':pk': p.pk, ':lower': lower, ':upper': upper, ...values },
                ScanIndexForward: false,
                Limit: Math.min(q.limit + 1, 200),
                ExclusiveStartKey: p.start,
              }),
            ),
          ),
        );
        reading.forEach((p, i) => {
          const page = pages[i];
          budget -= Math.max(1, page.ScannedCount ?? 0);
          for (const item of page.Items ?? []) {
            const entry = strip<AuditEntry>(item) as AuditEntry;
            if (item.sk !== upper && q.classes.includes(auditClass(entry))) waiting.push(entry);
          }
          p.start = page.LastEvaluatedKey;
          p.done = !page.LastEvaluatedKey;
          if (page.LastEvaluatedKey) p.seen = String(page.LastEvaluatedKey.sk);
        });
        // Nothing unread can be newer than the newest point a shard still has to go on from.
        const open = shards.filter((p) => !p.done).map((p) => p.seen);
        const bound = open.sort().at(-1) ?? '';
        waiting.sort((a, b) => (auditSortKey(a) < auditSortKey(b) ? 1 : -1));
        const ready = waiting.filter((e) => auditSortKey(e) >= bound);
        waiting = waiting.slice(ready.length);
        for (const entry of ready) {
          entries.push(entry);
          if (entries.length === q.limit) return { entries, next: auditSortKey(entry) };
        }
        if (bound) upper = bound;
      }
    }
    return { entries };
  }

  // -------------------------------------------------------------------------------------------
  // The data center's registries (read through here, as through the exchange)

  personRecord(idNumber: string): Promise<PopulationRecord | undefined> {
    return this.get<PopulationRecord>({ pk: `REG#PERSON#${idNumber}`, sk: 'REGISTRY' });
  }

  legalPersonRecord(uscc: string): Promise<LegalPersonRecord | undefined> {
    return this.get<LegalPersonRecord>({ pk: `REG#ENT#${uscc}`, sk: 'REGISTRY' });
  }

  async seedRegistry(people: PopulationRecord[], enterprises: LegalPersonRecord[]): Promise<void> {
    const put = (Item: Record<string, unknown>) =>
      this.doc.send(new PutCommand({ TableName: this.table, Item }));
    await Promise.all([
      ...people.map((p) => put({ pk: `REG#PERSON#${p.idNumber}`, sk: 'REGISTRY', ...p })),
      ...enterprises.map((e) => put({ pk: `REG#ENT#${e.uscc}`, sk: 'REGISTRY', ...e })),
    ]);
  }

  // -------------------------------------------------------------------------------------------
  // Enterprises and the people who may act for them

  getEnterprise(uscc: string): Promise<Enterprise | undefined> {
    return this.get<Enterprise>(entKey(uscc), true);
  }

  /** Registers the enterprise with its legal representative as its first member, all or nothing. */
  async createEnterprise(enterprise: Enterprise, legal: Membership): Promise<void> {
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.table,
                Item: { ...entKey(enterprise.uscc), ...enterprise },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            { Put: { TableName: this.table, Item: { ...memberKey(legal.uscc, legal.sub), ...legal } } },
            { Put: { TableName: this.table, Item: { ...myEntKey(legal.sub, legal.uscc), ...legal } } },
          ],
        }),
      );
    } catch (err) {
      if (err instanceof TransactionCanceledException) throw new DuplicateError('enterprise');
      throw err;
    }
  }

  async addMember(member: Membership): Promise<void> {
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.table,
                Item: { ...memberKey(member.uscc, member.sub), ...member },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            { Put: { TableName: this.table, Item: { ...myEntKey(member.sub, member.uscc), ...member } } },
            // The enterprise must still exist when the grant lands.
            {
              ConditionCheck: {
                TableName: this.table,
                Key: entKey(member.uscc),
                ConditionExpression: 'attribute_exists(pk)',
              },
            },
          ],
        }),
      );
    } catch (err) {
      if (err instanceof TransactionCanceledException) throw new DuplicateError('member');
      throw err;
    }
  }

  membership(uscc: string, sub: string): Promise<Membership | undefined> {
    return this.get<Membership>(memberKey(uscc, sub), true);
  }

  async membershipsOf(sub: string): Promise<Membership[]> {
    return (await this.itemsOf<Record<string, unknown>>(sub, 'MEMBER#')).map(
      (i) => strip<Membership>(i) as Membership,
    );
  }

  // -------------------------------------------------------------------------------------------
  // Agent mandates: a request (SMS code to the person), then the confirmed mandate

  async putMandateRequest(request: MandateRequest): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...mandateRequestKey(request.id),
          ...request,
          expiresAt: Math.ceil(request.expiresAtMs / 1000) + 86_400,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  getMandateRequest(id: string): Promise<MandateRequest | undefined> {
    return this.get<MandateRequest>(mandateRequestKey(id), true);
  }

  /**
   * Claims one try of a mandate code before it is compared (attempts + 1 while tries are left and
   * the code is live): one conditional update, so however many tries arrive at once, `max` are
   * compared and the rest find the code dead.
   */
  async claimMandateAttempt(
    id: string,
    max: number,
    now: number,
  ): Promise<{ ok: true; request: MandateRequest } | { ok: false; why: 'missing' | 'expired' | 'spent' }> {
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: mandateRequestKey(id),
          UpdateExpression: 'ADD attempts :one',
          ConditionExpression: 'attribute_exists(pk) AND attempts < :max AND expiresAtMs > :now',
          ExpressionAttributeValues: { ':one': 1, ':max': max, ':now': now },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { ok: true, request: strip<MandateRequest>(out.Attributes) as MandateRequest };
    } catch (err) {
      if (!conditionFailed(err)) throw err;
      const current = await this.getMandateRequest(id);
      if (!current) return { ok: false, why: 'missing' };
      if (current.attempts >= max) return { ok: false, why: 'spent' };
      return { ok: false, why: 'expired' };
    }
  }

  /** Confirms a request into a mandate; the request is consumed in the same transaction (no replay). */
  async confirmMandate(request: MandateRequest, mandate: MandateRecord): Promise<boolean> {
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Delete: {
                TableName: this.table,
                Key: mandateRequestKey(request.id),
                // Consumed once: a second right code arriving at the same time finds it gone.
                ConditionExpression: 'attribute_exists(pk)',
              },
            },
            {
              Put: {
                TableName: this.table,
                Item: {
                  ...mandateKey(mandate.agentSub, mandate.personSub),
                  ...mandate,
                  expiresAt: Math.ceil(mandate.validUntil / 1000) + 30 * 86_400,
                },
              },
            },
          ],
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof TransactionCanceledException) return false;
      throw err;
    }
  }

  getMandate(agentSub: string, personSub: string): Promise<MandateRecord | undefined> {
    return this.get<MandateRecord>(mandateKey(agentSub, personSub), true);
  }

  async mandatesOf(agentSub: string): Promise<MandateRecord[]> {
    return (await this.itemsOf<Record<string, unknown>>(agentSub, 'MANDATE#')).map(
      (i) => strip<MandateRecord>(i) as MandateRecord,
    );
  }
}
