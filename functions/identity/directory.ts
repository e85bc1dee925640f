/**
 * The staff directory: who holds a post (受理/审查/决定/窗口) in a department of a hall, and at which
 * mobile number they get the SMS when a task lands in that queue or an alert is raised.
 *
 * A DynamoDB item has one value per index key, and a staff member may hold several posts, so the
 * directory is made of small "post membership" items, one per (account, post), under the account's
 * own partition — `USER#<sub> / POST#<hall>#<dept>#<post>` — projected into the `byPost` index by
 * `gsi2pk = POST#<hall>#<dept>#<post>`. AccountStore writes them in the same transaction as the
 * profile (creation and every role or status change), so they never drift from it; they carry the
 * name, phone and status so one Query answers "whom to text" without reading each profile.
 */
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { validateMobile } from '#domain/ids.ts';
import type { Account } from './model.ts';

export interface PostQuery {
  hall: string;
  dept: string;
  post: string;
}

/** A post membership item (without its table keys). */
export interface PostMembership extends PostQuery {
  sub: string;
  username: string;
  name: string;
  phone?: string;
  status: Account['status'];
}

export const POST_INDEX = 'byPost';

/** The `byPost` partition of one post of one department of one hall. */
export const postPartition = (q: PostQuery) => `POST#${q.hall}#${q.dept}#${q.post}`;

/** Sort key of a membership under the account's partition `USER#<sub>`. */
export const postSortKey = (q: PostQuery) => `POST#${q.hall}#${q.dept}#${q.post}`;

/** The memberships an account should have: one per post, staff accounts only. Pure. */
export function postMemberships(account: Account): PostMembership[] {
  if (!account.roles.includes('staff') || !account.hall || !account.dept) return [];
  const { hall, dept } = account;
  return [...new Set(account.posts ?? [])].map((post) => ({
    hall,
    dept,
    post,
    sub: account.sub,
    username: account.username,
    name: account.name,
    phone: account.phone,
    status: account.status,
  }));
}

/** The full item of a membership: its keys in the account's partition and in `byPost`. */
export function postMembershipItem(m: PostMembership): Record<string, unknown> {
  return { pk: `USER#${m.sub}`, sk: postSortKey(m), gsi2pk: postPartition(m), gsi2sk: m.sub, ...m };
}

/**
 * Mobile numbers of the active staff holding post `q.post` in department `q.dept` of hall
 * `q.hall`, as stored (11-digit mainland numbers), each once, in account order. Staff without a
 * valid mainland mobile are left out (nobody to text), not an error. Reads the `byPost` index,
 * which is eventually consistent: a role change reaches the directory within a second or so.
 */
export async function staffPhones(
  doc: DynamoDBDocumentClient,
  accountsTable: string,
  q: { hall: string; dept: string; post: string },
): Promise<string[]> {
  const phones = new Set<string>();
  let start: Record<string, unknown> | undefined;
  do {
    const out = await doc.send(
      new QueryCommand({
        TableName: accountsTable,
        IndexName: POST_INDEX,
        KeyConditionExpression: 'gsi2pk = :p',
        FilterExpression: '#status = :active',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':p': postPartition(q), ':active': 'active' },
        ProjectionExpression: 'phone',
        ExclusiveStartKey: start,
      }),
    );
    for (const item of out.Items ?? []) {
      const phone = typeof item.phone === 'string' ? validateMobile(item.phone) : undefined;
      if (phone?.ok) phones.add(phone.value);
    }
    start = out.LastEvaluatedKey;
  } while (start);
  return [...phones];
}
