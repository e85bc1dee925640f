/**
 * The SMS outbox: one record per (case, event, recipient) — the idempotency key of an SMS — written
 * before the message is sent, so a stream record delivered twice never texts anyone twice.
 *
 * One failing number must never hold up anyone else's SMS: a send that fails is kept as a dead
 * letter of its own (status `failed`, with the reason) and the stream moves on; `resendFailed`
 * (`npm run replay -- sms`) sends those again. Only what is not about one recipient (the case
 * cannot be read, the outbox cannot be written) fails the stream record and is retried.
 */

/** The idempotency key of one SMS. */
export interface SmsKey {
  caseNo: string;
  /** The event it is about: an event's sequence, `T#<task>#<since>`, `A#<alert>`. */
  key: string;
  phone: string;
}

export type OutboxStatus = 'pending' | 'sent' | 'failed';

export interface OutboxRecord extends SmsKey {
  message: string;
  status: OutboxStatus;
  createdAt: string;
  /** When the current attempt began; an attempt records its outcome only if it is still its own. */
  claimedAt: string;
  sentAt?: string;
  messageId?: string;
  failedAt?: string;
  /** Why the last attempt failed, in words. */
  error?: string;
}

/** Where outbox records live (the cases table in Lambdas, memory in unit tests). */
export interface OutboxStore {
  /** Create a record; false if one with this key exists. */
  create(record: OutboxRecord): Promise<boolean>;
  get(key: SmsKey): Promise<OutboxRecord | undefined>;
  /**
   * Change a record if its status is one of `when.status` and its claim is `when.claimedAt`; false
   * if it changed meanwhile. `failed` lists it among the failed, `sent` takes it off the list
   * (`pending` leaves the list as it is, so a resend that stops midway stays listed).
   */
  update(
    key: SmsKey,
    when: { status: OutboxStatus[]; claimedAt: string },
    fields: Partial<OutboxRecord>,
  ): Promise<boolean>;
  /** Failed records, oldest failure first. */
  listFailed(limit: number, cursor?: string): Promise<{ records: OutboxRecord[]; cursor?: string }>;
}

/** Sends one SMS; resolves to the provider's message id. */
export type SmsSender = (phone: string, message: string) => Promise<string>;

export type SendOutcome = 'sent' | 'failed' | 'skipped';

const reasonOf = (err: unknown) => {
  const e = err as { name?: string; message?: string };
  return `${e.name ?? 'Error'}: ${e.message ?? String(err)}`.slice(0, 500);
};

/** One attempt on a record we hold the claim of: the outcome is recorded either way, never thrown. */
async function attempt(
  store: OutboxStore,
  sender: SmsSender,
  record: Pick<OutboxRecord, 'caseNo' | 'key' | 'phone' | 'message' | 'claimedAt'>,
  now: () => string,
): Promise<'sent' | 'failed'> {
  let messageId: string;
  try {
    messageId = await sender(record.phone, record.message);
  } catch (err) {
    await store.update(
      record,
      { status: ['pending'], claimedAt: record.claimedAt },
      { status: 'failed', failedAt: now(), error: reasonOf(err) },
    );
    return 'failed';
  }
  // Sent wins even over a "failed: outcome unknown" another delivery wrote meanwhile.
  await store.update(
    record,
    { status: ['pending', 'failed'], claimedAt: record.claimedAt },
    { status: 'sent', messageId, sentAt: now() },
  );
  return 'sent';
}

/**
 * Send one message of a stream record once. An existing record means an earlier delivery got here:
 * sent or failed, it is left alone (a failure is resent by `resendFailed`); still pending, that
 * delivery stopped before recording the outcome (timed out, crashed), so whether it went out is
 * unknown — it becomes a failure to resend by hand rather than a message lost or sent twice unseen.
 */
export async function sendOnce(
  store: OutboxStore,
  sender: SmsSender,
  sms: SmsKey & { message: string },
  now: () => string,
): Promise<SendOutcome> {
  const at = now();
  const record: OutboxRecord = { ...sms, status: 'pending', createdAt: at, claimedAt: at };
  if (await store.create(record)) return attempt(store, sender, record, now);
  const existing = await store.get(sms);
  if (existing?.status !== 'pending') return 'skipped';
  const marked = await store.update(
    sms,
    { status: ['pending'], claimedAt: existing.claimedAt },
    { status: 'failed', failedAt: at, error: 'OutcomeUnknown: 上次发送未记录结果（超时或中断），可能已发出' },
  );
  return marked ? 'failed' : 'skipped';
}

export interface ResendSummary {
  sent: number;
  failed: number;
  /** Taken by another resend meanwhile. */
  skipped: number;
  /** Failed records not looked at (more than `limit`). */
  more: boolean;
}

/** A resend that has held its claim this long stopped midway (a Lambda runs 15 minutes at most). */
const STALE_CLAIM_MS = 15 * 60_000;

/**
 * Send the listed failures again, oldest first, each claimed first so two resends never both send
 * it; one whose resend stopped midway (still pending after STALE_CLAIM_MS) is taken over.
 */
export async function resendFailed(
  store: OutboxStore,
  sender: SmsSender,
  now: () => string,
  opts: { limit?: number; filter?: (r: OutboxRecord) => boolean } = {},
): Promise<ResendSummary> {
  const limit = opts.limit ?? 1000;
  const summary: ResendSummary = { sent: 0, failed: 0, skipped: 0, more: false };
  const seen: OutboxRecord[] = [];
  let cursor: string | undefined;
  // Read the list first: records that fail again are listed anew (later), not looked at twice.
  do {
    const page = await store.listFailed(Math.min(100, limit - seen.length), cursor);
    seen.push(...page.records);
    cursor = page.cursor;
  } while (cursor && seen.length < limit);
  summary.more = cursor !== undefined;
  for (const failed of seen.filter(opts.filter ?? (() => true))) {
    const claimedAt = now();
    const stale =
      failed.status === 'pending' && Date.parse(claimedAt) - Date.parse(failed.claimedAt) > STALE_CLAIM_MS;
    const claimed =
      (failed.status === 'failed' || stale) &&
      (await store.update(
        failed,
        { status: [failed.status], claimedAt: failed.claimedAt },
        { status: 'pending', claimedAt },
      ));
    if (!claimed) {
      summary.skipped++;
      continue;
    }
    summary[await attempt(store, sender, { ...failed, claimedAt }, now)]++;
  }
  return summary;
}
