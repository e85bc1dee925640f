/**
 * The house stream handler: parsed images, records in order, a failing record reported alone; and
 * the SMS outbox on it: a failing number is kept apart and resent, nobody is texted twice.
 */
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  type OutboxRecord,
  type OutboxStore,
  resendFailed,
  type SmsKey,
  type SmsSender,
  sendOnce,
} from '#functions/notify/outbox.ts';
import { type Change, streamHandler } from '#lib/streams.ts';

const record = (seq: string, image: Record<string, unknown>): DynamoDBRecord => ({
  eventID: `e${seq}`,
  eventName: 'INSERT',
  eventVersion: '1.1',
  eventSource: 'aws:dynamodb',
  awsRegion: 'cn-north-1',
  eventSourceARN: 'arn:aws-cn:dynamodb:cn-north-1:000000000000:table/cases/stream/2026-01-01T00:00:00.000',
  dynamodb: {
    ApproximateCreationDateTime: 1_772_000_000,
    Keys: marshall({ pk: image.pk, sk: image.sk }) as never,
    NewImage: marshall(image) as never,
    SequenceNumber: seq,
    SizeBytes: 100,
    StreamViewType: 'NEW_AND_OLD_IMAGES',
  },
});

describe('streamHandler', () => {
  it('hands each record unmarshalled, in order, and reports only the failed one', async () => {
    const seen: Change[] = [];
    const handler = streamHandler(async (change) => {
      seen.push(change);
      if (change.newImage?.sk === 'EVT#0002') throw new Error('SMS gateway down');
    });
    const result = await handler({
      Records: [
        record('100', { pk: 'CASE#1', sk: 'EVT#0001', n: 1, tags: ['a'] }),
        record('200', { pk: 'CASE#1', sk: 'EVT#0002' }),
        record('300', { pk: 'CASE#1', sk: 'EVT#0003' }),
      ],
    });
    expect(seen.map((c) => c.newImage?.sk)).toEqual(['EVT#0001', 'EVT#0002', 'EVT#0003']);
    expect(seen[0]).toMatchObject({ eventName: 'INSERT', newImage: { n: 1, tags: ['a'] } });
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '200' }] });
  });
});

/** The outbox in memory, with DynamoDB's conditional semantics (one record per key, checked updates). */
function memoryOutbox(): OutboxStore & { records: Map<string, OutboxRecord> } {
  const records = new Map<string, OutboxRecord>();
  const id = (k: SmsKey) => `${k.caseNo}|${k.key}|${k.phone}`;
  return {
    records,
    async create(r) {
      if (records.has(id(r))) return false;
      records.set(id(r), { ...r });
      return true;
    },
    async get(k) {
      const r = records.get(id(k));
      return r && { ...r };
    },
    async update(k, when, fields) {
      const r = records.get(id(k));
      if (!r || !when.status.includes(r.status) || r.claimedAt !== when.claimedAt) return false;
      records.set(id(k), { ...r, ...fields });
      return true;
    },
    async listFailed(limit) {
      const failed = [...records.values()]
        .filter((r) => r.failedAt && r.status !== 'sent')
        .sort((a, b) => a.failedAt!.localeCompare(b.failedAt!));
      return { records: failed.slice(0, limit).map((r) => ({ ...r })) };
    },
  };
}

describe('SMS from the stream: one failing number holds up nobody', () => {
  let tick = 0;
  const now = () => new Date(Date.UTC(2026, 2, 2, 1, 0, 0, tick++)).toISOString();
  /** An SMS gateway that refuses one number (an opted-out or unreachable phone) while `down` holds it. */
  const gateway = (down: Set<string>) => {
    const sent: string[] = [];
    const sender: SmsSender = async (phone, message) => {
      if (down.has(phone))
        throw Object.assign(new Error(`cannot deliver to ${phone}`), { name: 'InvalidParameter' });
      sent.push(`${phone}:${message}`);
      return `m${sent.length}`;
    };
    return { sender, sent };
  };
  /** The SMS consumer's shape: each record texts its recipients through the outbox, never throws for one of them. */
  const consumer = (store: OutboxStore, sender: SmsSender) =>
    streamHandler(async ({ newImage }) => {
      for (const phone of newImage!.to as string[])
        await sendOnce(
          store,
          sender,
          {
            caseNo: String(newImage!.caseNo),
            key: String(newImage!.sk),
            phone,
            message: `办件 ${newImage!.caseNo}`,
          },
          now,
        );
    });
  const batch = () => ({
    Records: [
      record('100', { pk: 'CASE#1', sk: 'EVT#0001', caseNo: '1', to: ['13800000001'] }),
      record('200', { pk: 'CASE#2', sk: 'EVT#0001', caseNo: '2', to: ['13800000002', '13800000009'] }),
      record('300', { pk: 'CASE#3', sk: 'EVT#0001', caseNo: '3', to: ['13800000003'] }),
    ],
  });

  it('sends everyone else’s, keeps the failure with its reason, and the batch succeeds', async () => {
    const store = memoryOutbox();
    const { sender, sent } = gateway(new Set(['13800000009']));
    const result = await consumer(store, sender)(batch());
    expect(result).toEqual({ batchItemFailures: [] });
    expect(sent.map((s) => s.split(':')[0])).toEqual(['13800000001', '13800000002', '13800000003']);
    const { records: failed } = await store.listFailed(10);
    expect(failed).toMatchObject([
      {
        caseNo: '2',
        key: 'EVT#0001',
        phone: '13800000009',
        status: 'failed',
        error: expect.stringContaining('InvalidParameter'),
      },
    ]);
  });

  it('a batch delivered again texts nobody twice; a resend sends the failed one once, even two resends at once', async () => {
    const store = memoryOutbox();
    const down = new Set(['13800000009']);
    const { sender, sent } = gateway(down);
    const handler = consumer(store, sender);
    await handler(batch());
    await handler(batch());
    expect(sent).toHaveLength(3);
    // Still down: the resend fails again and keeps it listed.
    expect(await resendFailed(store, sender, now)).toEqual({ sent: 0, failed: 1, skipped: 0, more: false });
    expect((await store.listFailed(10)).records).toHaveLength(1);
    down.clear();
    const both = await Promise.all([resendFailed(store, sender, now), resendFailed(store, sender, now)]);
    expect(both.map((s) => s.sent).sort()).toEqual([0, 1]);
    expect(sent.filter((s) => s.startsWith('13800000009'))).toHaveLength(1);
    expect((await store.listFailed(10)).records).toEqual([]);
    await handler(batch());
    expect(sent).toHaveLength(4);
  });

  it('a send whose outcome was never recorded (timed out midway) becomes a failure to resend, not a silent loss', async () => {
    const store = memoryOutbox();
    const { sender, sent } = gateway(new Set());
    // An earlier delivery claimed it and stopped before SNS answered.
    await store.create({
      caseNo: '1',
      key: 'EVT#0001',
      phone: '13800000001',
      message: '办件 1',
      status: 'pending',
      createdAt: now(),
      claimedAt: now(),
    });
    expect(
      await sendOnce(
        store,
        sender,
        { caseNo: '1', key: 'EVT#0001', phone: '13800000001', message: '办件 1' },
        now,
      ),
    ).toBe('failed');
    expect(sent).toEqual([]);
    const [unknown] = (await store.listFailed(10)).records;
    expect(unknown.error).toMatch(/^OutcomeUnknown/);
    expect(await resendFailed(store, sender, now)).toMatchObject({ sent: 1 });
    expect(sent).toEqual(['13800000001:办件 1']);
  });
});
