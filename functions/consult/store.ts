/**
 * Consultations in the hall's cases table (key schema: infra/resources.ts):
 *
 *   CASE#<consultNo> / CONSULT          the consultation (ZX… numbers are never case numbers); beside it,
 *                                        as for a case, its ALERT# items and SMS# outbox records
 *   CASE#<consultNo> / NOTICE#answered  written with the answer: the SMS consumer texts the asker
 *   FAQ#<itemCode> / <consultNo>        a published FAQ of the item (the department's edited texts only)
 *   IDEM#CONSULT#<asker>#<key> / IDEM   idempotency of an ask (expiresAt TTL)
 *   byApplicant gsi1pk=ASKER#<sub> | ASKER#PHONE#<phone>, gsi1sk=<askedAt>   “我的咨询”
 *   byQueue     gsi2pk=CONSULTS#<dept>#<status>, gsi2sk=<deadline>#<askedAt>#<no> (open, most urgent
 *               first) or <answeredAt>#<no> (answered)                      the department's list
 *
 * Every change is one conditional write on the version, so parallel answers or ratings give one winner.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { ConsultState, ConsultStatus, ConsultTimers } from '#domain/consultation.ts';
import { dynamo, env } from '#lib/aws.ts';

const table = () => env('CASES_TABLE');

export interface Asker {
  /** Signed in: the account. */
  sub?: string;
  name?: string;
  /** The phone to text (the account's, or the one proved by SMS code). */
  phone?: string;
}

export interface ConsultRecord extends ConsultState {
  consultNo: string;
  /** = consultNo: the alert and SMS machinery key everything of a “case” by `caseNo`. */
  caseNo: string;
  hallId: string;
  itemCode: string;
  itemName: string;
  deptCode: string;
  deptName: string;
  asker: Asker;
  question: string;
  deadlines: { answer?: string; provisional?: boolean };
  timers: ConsultTimers;
  version: number;
  supervisionError?: string;
}

export interface FaqRecord {
  consultNo: string;
  itemCode: string;
  question: string;
  answer: string;
  deptName: string;
  answeredAt: string;
  publishedAt: string;
}

const key = (no: string) => ({ pk: `CASE#${no}`, sk: 'CONSULT' });
export const askerPartition = (a: Asker) => (a.sub ? `ASKER#${a.sub}` : `ASKER#PHONE#${a.phone}`);
export const phonePartition = (phone: string) => `ASKER#PHONE#${phone}`;
const deptPartition = (dept: string, status: ConsultStatus) => `CONSULTS#${dept}#${status}`;

function item(r: ConsultRecord) {
  return {
    ...key(r.consultNo),
    ...r,
    gsi1pk: askerPartition(r.asker),
    gsi1sk: r.askedAt,
    gsi2pk: deptPartition(r.deptCode, r.status),
    gsi2sk:
      r.status === 'open'
        ? `${r.deadlines.answer ?? '9999'}#${r.askedAt}#${r.consultNo}`
        : `${r.answer?.at ?? r.askedAt}#${r.consultNo}`,
  };
}

const strip = (i: Record<string, unknown>) => {
  const { pk: _a, sk: _b, gsi1pk: _c, gsi1sk: _d, gsi2pk: _e, gsi2sk: _f, ...rest } = i;
  return rest as unknown as ConsultRecord;
};

const failed = (err: unknown, index?: number) =>
  err instanceof TransactionCanceledException &&
  (index === undefined
    ? (err.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed')
    : err.CancellationReasons?.[index]?.Code === 'ConditionalCheckFailed');

export class StaleError extends Error {}

/**
 * A new consultation, with its idempotency record if the caller sent a key: 'duplicate' when that
 * key was already used (the caller reads it back), 'taken' when the number is (draw another).
 */
export async function createConsultation(
  r: ConsultRecord,
  idem?: { pk: string; requestHash: string; expiresAt: number },
): Promise<'created' | 'duplicate' | 'taken'> {
  const items: TransactWriteCommandInput['TransactItems'] = [
    { Put: { TableName: table(), Item: item(r), ConditionExpression: 'attribute_not_exists(pk)' } },
  ];
  if (idem)
    items.push({
      Put: {
        TableName: table(),
        Item: {
          pk: idem.pk,
          sk: 'IDEM',
          consultNo: r.consultNo,
          requestHash: idem.requestHash,
          expiresAt: idem.expiresAt,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    });
  try {
    await dynamo.send(new TransactWriteCommand({ TransactItems: items }));
    return 'created';
  } catch (err) {
    if (idem && failed(err, 1)) return 'duplicate';
    if (failed(err, 0)) return 'taken';
    throw err;
  }
}

export async function getIdem(pk: string): Promise<{ consultNo: string; requestHash: string } | undefined> {
  const out = await dynamo.send(
    new GetCommand({ TableName: table(), Key: { pk, sk: 'IDEM' }, ConsistentRead: true }),
  );
  return out.Item as { consultNo: string; requestHash: string } | undefined;
}

export async function getConsultation(no: string): Promise<ConsultRecord | undefined> {
  const out = await dynamo.send(new GetCommand({ TableName: table(), Key: key(no), ConsistentRead: true }));
  return out.Item ? strip(out.Item) : undefined;
}

/**
 * `after` replaces the consultation read at `before.version`, with whatever else belongs to the same
 * change (the SMS notice of an answer, an FAQ put or deleted) — all or nothing. StaleError if it moved.
 */
export async function saveConsultation(
  before: Pick<ConsultRecord, 'version'>,
  after: ConsultRecord,
  extra: { notice?: boolean; faq?: FaqRecord | 'delete' } = {},
): Promise<void> {
  const items: TransactWriteCommandInput['TransactItems'] = [
    {
      Put: {
        TableName: table(),
        Item: item(after),
        ConditionExpression: 'version = :v',
        ExpressionAttributeValues: { ':v': before.version },
      },
    },
  ];
  if (extra.notice)
    items.push({
      Put: {
        TableName: table(),
        Item: {
          pk: `CASE#${after.consultNo}`,
          sk: 'NOTICE#answered',
          caseNo: after.consultNo,
          consultNo: after.consultNo,
          itemName: after.itemName,
          deptName: after.deptName,
          phone: after.asker.phone,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    });
  const faqKey = { pk: `FAQ#${after.itemCode}`, sk: after.consultNo };
  if (extra.faq === 'delete') items.push({ Delete: { TableName: table(), Key: faqKey } });
  else if (extra.faq) items.push({ Put: { TableName: table(), Item: { ...faqKey, ...extra.faq } } });
  try {
    await dynamo.send(new TransactWriteCommand({ TransactItems: items }));
  } catch (err) {
    if (err instanceof TransactionCanceledException) throw new StaleError('consultation moved');
    throw err;
  }
}

async function query(
  index: 'byApplicant' | 'byQueue',
  partition: string,
  newestFirst: boolean,
  limit: number,
) {
  const attribute = index === 'byApplicant' ? 'gsi1pk' : 'gsi2pk';
  const out = await dynamo.send(
    new QueryCommand({
      TableName: table(),
      IndexName: index,
      KeyConditionExpression: `${attribute} = :p`,
      ExpressionAttributeValues: { ':p': partition },
      ScanIndexForward: !newestFirst,
      Limit: limit,
    }),
  );
  return (out.Items ?? []).map(strip);
}

/** An asker's consultations (an account's and those asked with its phone), newest first, at most 50. */
export async function listByAsker(partitions: string[]): Promise<ConsultRecord[]> {
  const lists = await Promise.all(partitions.map((p) => query('byApplicant', p, true, 50)));
  const seen = new Set<string>();
  return lists
    .flat()
    .filter((c) => !seen.has(c.consultNo) && !!seen.add(c.consultNo))
    .sort((a, b) => (a.askedAt < b.askedAt ? 1 : -1))
    .slice(0, 50);
}

/** A department's open questions (most urgent first) or answered ones (newest first), at most 100. */
export const listByDept = (dept: string, status: ConsultStatus) =>
  query('byQueue', deptPartition(dept, status), status === 'answered', 100);

/** The published FAQ of an item, newest first, at most 50. */
export async function listFaq(itemCode: string): Promise<FaqRecord[]> {
  const out = await dynamo.send(
    new QueryCommand({
      TableName: table(),
      KeyConditionExpression: 'pk = :p',
      ExpressionAttributeValues: { ':p': `FAQ#${itemCode}` },
      Limit: 50,
    }),
  );
  return (out.Items ?? [])
    .map(({ pk: _p, sk: _s, ...rest }) => rest as FaqRecord)
    .sort((a, b) => (a.publishedAt < b.publishedAt ? 1 : -1));
}
