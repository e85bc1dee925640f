/**
 * The outbox (outbox.ts) on the hall's cases table, and SMS through SNS. Records live with their
 * case (`CASE#<caseNo>` / `SMS#<key>#<phone>`); a failed one is listed under gsi2pk=SMS_FAILED of the
 * byQueue index (oldest failure first) until it is sent.
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { OutboxRecord, OutboxStore, SmsKey, SmsSender } from './outbox.ts';
import { toE164 } from './templates.ts';

export const FAILED_SMS_INDEX_KEY = 'SMS_FAILED';

const keyOf = (k: SmsKey) => ({ pk: `CASE#${k.caseNo}`, sk: `SMS#${k.key}#${k.phone}` });

const conditionFailed = (err: unknown) => (err as Error).name === 'ConditionalCheckFailedException';

/** An item as a record; records from before the outbox kept caseNo, key and claimedAt are read from the keys. */
function recordOf(item: Record<string, unknown>): OutboxRecord {
  const sk = String(item.sk);
  const cut = sk.lastIndexOf('#');
  return {
    caseNo: String(item.pk).slice('CASE#'.length),
    key: sk.slice('SMS#'.length, cut),
    phone: sk.slice(cut + 1),
    message: String(item.message),
    status: item.status as OutboxRecord['status'],
    createdAt: String(item.createdAt),
    claimedAt: String(item.claimedAt ?? item.createdAt),
    ...(item.sentAt ? { sentAt: String(item.sentAt), messageId: String(item.messageId ?? '') } : {}),
    ...(item.failedAt ? { failedAt: String(item.failedAt) } : {}),
    ...(item.error ? { error: String(item.error) } : {}),
  };
}

const encodeCursor = (key: Record<string, unknown> | undefined) =>
  key && Buffer.from(JSON.stringify(key)).toString('base64url');
const decodeCursor = (cursor: string | undefined) =>
  cursor
    ? (JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>)
    : undefined;

export function dynamoOutbox(doc: DynamoDBDocumentClient, table: string): OutboxStore {
  return {
    async create(record) {
      try {
        await doc.send(
          new PutCommand({
            TableName: table,
            Item: { ...keyOf(record), ...record },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return true;
      } catch (err) {
        if (conditionFailed(err)) return false;
        throw err;
      }
    },

    async get(key) {
      const out = await doc.send(new GetCommand({ TableName: table, Key: keyOf(key), ConsistentRead: true }));
      return out.Item && recordOf(out.Item);
    },

    async update(key, when, fields) {
      const set: Record<string, unknown> = { ...fields };
      const remove: string[] = [];
      if (fields.status === 'failed') {
        set.gsi2pk = FAILED_SMS_INDEX_KEY;
        set.gsi2sk = `${fields.failedAt}#${key.caseNo}#${key.key}`;
      }
      if (fields.status === 'sent') remove.push('gsi2pk', 'gsi2sk');
      const names: Record<string, string> = { '#status': 'status', '#claimedAt': 'claimedAt' };
      const values: Record<string, unknown> = { ':claimedAt': when.claimedAt };
      const sets = Object.entries(set).map(([name, value], i) => {
        names[`#s${i}`] = name;
        values[`:s${i}`] = value;
        return `#s${i} = :s${i}`;
      });
      const removes = remove.map((name, i) => {
        names[`#r${i}`] = name;
        return `#r${i}`;
      });
      const statuses = when.status.map((status, i) => {
        values[`:w${i}`] = status;
        return `:w${i}`;
      });
      try {
        await doc.send(
          new UpdateCommand({
            TableName: table,
            Key: keyOf(key),
            UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
            // Records from before claims were kept have none: their creation was the claim.
            ConditionExpression: `#status IN (${statuses.join(', ')}) AND (#claimedAt = :claimedAt OR (attribute_not_exists(#claimedAt) AND createdAt = :claimedAt))`,
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          }),
        );
        return true;
      } catch (err) {
        if (conditionFailed(err)) return false;
        throw err;
      }
    },

    async listFailed(limit, cursor) {
      const out = await doc.send(
        new QueryCommand({
          TableName: table,
          IndexName: 'byQueue',
          KeyConditionExpression: 'gsi2pk = :p',
          ExpressionAttributeValues: { ':p': FAILED_SMS_INDEX_KEY },
          Limit: limit,
          ExclusiveStartKey: decodeCursor(cursor),
        }),
      );
      return { records: (out.Items ?? []).map(recordOf), cursor: encodeCursor(out.LastEvaluatedKey) };
    },
  };
}

/** SMS through SNS (transactional), as AWS sends them. */
export const snsSender =
  (client: SNSClient): SmsSender =>
  async (phone, message) => {
    const out = await client.send(
      new PublishCommand({
        PhoneNumber: toE164(phone),
        Message: message,
        MessageAttributes: { 'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' } },
      }),
    );
    return out.MessageId ?? '';
  };
