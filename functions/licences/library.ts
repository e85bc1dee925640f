/**
 * 免提交 from the e-licence library (证照库): at filing, a slot that an e-licence of the applicant
 * stands in for (#domain/materials.ts `licenceFits`) is filled by reference — the licence number and
 * a hash of its signed fields, never a copy — when the licence is valid and its signature holds.
 * Each use is written to the licence's sharing log (who used which licence, for which case, which
 * slot), which the holder reads in 我的证照. This hall's library only (each hall keeps its own).
 */
import { createHash } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { canonicalLicence, type LicenceRecord, statusOf } from '#domain/licences.ts';
import { type LicenceFill, licenceFits, type Slot } from '#domain/materials.ts';
import { beijingDate } from '#domain/time.ts';
import { dynamo, env, queryAll } from '#lib/aws.ts';
import { signatureHolds } from './keys.ts';
import { getLicence, holderLicences } from './store.ts';

export async function fillsFromLibrary(
  slots: readonly Slot[],
  holderSub: string,
  now: Date,
): Promise<Record<string, LicenceFill>> {
  const nos = await holderLicences(holderSub);
  if (nos.length === 0) return {};
  const today = beijingDate(now);
  const usable = (await Promise.all(nos.map(getLicence))).filter(
    (r): r is LicenceRecord =>
      !!r &&
      r.data.holderSub === holderSub &&
      statusOf(r, today) === 'valid' &&
      signatureHolds(canonicalLicence(r.data), r.signature),
  );
  const fills: Record<string, LicenceFill> = {};
  for (const slot of slots) {
    const r = usable.find((x) => licenceFits(slot, x.data.type));
    if (!r) continue;
    fills[slot.id] = {
      kind: 'licence',
      licenceNo: r.data.licenceNo,
      type: r.data.type,
      validTo: r.data.validTo,
      snapshotHash: createHash('sha256')
        .update(`${canonicalLicence(r.data)}.${r.signature}`)
        .digest('hex'),
    };
  }
  return fills;
}

export interface LicenceUse {
  caseNo: string;
  slotId: string;
  slotName: string;
  itemName: string;
  at: string;
}

/** One line of the sharing log per case and slot (a retried filing writes the same line). */
export async function logUses(
  fills: Record<string, LicenceFill>,
  uses: Omit<LicenceUse, 'slotId' | 'slotName'>,
  slots: readonly Slot[],
) {
  await Promise.all(
    Object.entries(fills).map(([slotId, f]) =>
      dynamo.send(
        new PutCommand({
          TableName: env('MATERIALS_TABLE'),
          Item: {
            pk: `SHARE#${f.licenceNo}`,
            sk: `USE#${uses.caseNo}#${slotId}`,
            ...uses,
            slotId,
            slotName: slots.find((s) => s.id === slotId)?.name ?? '',
          },
        }),
      ),
    ),
  );
}

export async function usesOf(licenceNo: string): Promise<LicenceUse[]> {
  const items = await queryAll({
    TableName: env('MATERIALS_TABLE'),
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
    ExpressionAttributeValues: { ':pk': `SHARE#${licenceNo}`, ':p': 'USE#' },
  });
  return items
    .map(({ pk: _p, sk: _s, ...u }) => u as unknown as LicenceUse)
    .sort((a, b) => b.at.localeCompare(a.at));
}
