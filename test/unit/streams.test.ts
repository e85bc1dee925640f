/** The house stream handler: parsed images, records in order, a failing record reported alone. */
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
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
