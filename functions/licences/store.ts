/**
 * E-licences of one hall, in the hall's materials table (key schema: infra/resources.ts `materials`):
 * `LICENCE#<no> / LICENCE` the signed record, `HOLDER#<sub> / LICENCE#<no>` the holder's library
 * entry (我的证照), both written once in one transaction; the PDF in the materials bucket under
 * `licences/<no>.pdf`.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { LicenceRecord } from '#domain/licences.ts';
import { dynamo, env, queryAll } from '#lib/aws.ts';

const table = () => env('MATERIALS_TABLE');
const licenceKey = (no: string) => ({ pk: `LICENCE#${no}`, sk: 'LICENCE' });
const holderKey = (sub: string, no: string) => ({ pk: `HOLDER#${sub}`, sk: `LICENCE#${no}` });

export const pdfKeyOf = (no: string) => `licences/${no}.pdf`;

export async function getLicence(no: string): Promise<LicenceRecord | undefined> {
  const out = await dynamo.send(
    new GetCommand({ TableName: table(), Key: licenceKey(no), ConsistentRead: true }),
  );
  if (!out.Item) return undefined;
  const { pk: _p, sk: _s, ...rest } = out.Item;
  return rest as LicenceRecord;
}

/** Stores a new licence and its library entry; false when it was already there (a replayed record). */
export async function putLicence(record: LicenceRecord): Promise<boolean> {
  try {
    await dynamo.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: table(),
              Item: { ...licenceKey(record.data.licenceNo), ...record },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Put: {
              TableName: table(),
              Item: {
                ...holderKey(record.data.holderSub, record.data.licenceNo),
                licenceNo: record.data.licenceNo,
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

/** The licence numbers in a holder's library (this hall), newest first. */
export async function holderLicences(sub: string): Promise<string[]> {
  const items = await queryAll({
    TableName: table(),
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
    ExpressionAttributeValues: { ':pk': `HOLDER#${sub}`, ':p': 'LICENCE#' },
  });
  return items
    .map((i) => String(i.licenceNo))
    .sort()
    .reverse();
}
