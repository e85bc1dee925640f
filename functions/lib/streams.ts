/**
 * The house stream handler: each DynamoDB stream record is parsed by the Powertools parser schema
 * (images unmarshalled and checked, no casts) and handled alone, in order. A record that fails is
 * reported as a partial batch failure: the records before it count as done, and the mapping
 * retries from it (a stream keeps its order, so the records after it wait for those retries; after
 * the last one (STREAM_MAPPING in infra/resources.ts) they go to the dead letters — the mapping's
 * on-failure queue in AWS — and `npm run replay` delivers them again). Handlers must be idempotent:
 * a retry or a replay delivers records again. So a handler should throw only for what retrying can
 * fix for the whole stream; a failure that concerns one recipient is better kept apart (as the SMS
 * outbox does) than allowed to hold up every record after it.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { DynamoDBStreamRecord } from '@aws-lambda-powertools/parser/schemas/dynamodb';
import type { Context, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';

export interface Change {
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  newImage?: Record<string, unknown>;
  oldImage?: Record<string, unknown>;
}

export function streamHandler(handle: (change: Change) => Promise<void>) {
  const processor = new BatchProcessor(EventType.DynamoDBStreams);
  const recordHandler = async (record: DynamoDBRecord) => {
    const { eventName, dynamodb } = DynamoDBStreamRecord.parse(record);
    await handle({ eventName, newImage: dynamodb.NewImage, oldImage: dynamodb.OldImage });
  };
  return (event: DynamoDBStreamEvent, context?: Context) =>
    processPartialResponse(event, recordHandler, processor, { context, processInParallel: false });
}
