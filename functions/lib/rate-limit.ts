/**
 * Fixed-window rate limits kept in DynamoDB, so they hold across Lambda instances. One counter per
 * key and window; counters expire by TTL (which DynamoDB compares with real time, hence Date.now).
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from './aws.ts';
import { httpErrors } from './http.ts';

export interface Limit {
  key: string;
  max: number;
  windowSeconds: number;
}

/** Counts one request against every limit; throws 429 when any is exceeded. */
export async function enforceLimits(tableName: string, limits: Limit[]): Promise<void> {
  const nowS = Math.floor(Date.now() / 1000);
  const counts = await Promise.all(
    limits.map(async (limit) => {
      const window = Math.floor(nowS / limit.windowSeconds);
      const out = await dynamo.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { pk: `RATE#${limit.key}#${window}`, sk: 'RATE' },
          UpdateExpression: 'ADD n :one SET expiresAt = if_not_exists(expiresAt, :exp)',
          ExpressionAttributeValues: { ':one': 1, ':exp': (window + 2) * limit.windowSeconds },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return { limit, n: out.Attributes?.n as number };
    }),
  );
  if (counts.some(({ limit, n }) => n > limit.max)) throw httpErrors.tooManyRequests();
}
