/**
 * The materials table of one hall (key schema: infra/resources.ts `materials`). A draft is the set
 * of materials an applicant is putting together for one item; it becomes the case's at filing. Its
 * limits (files per slot, per draft) are counters on the draft item, so parallel verdicts cannot
 * overshoot them, and every change bumps `rev`, so filing seals exactly the files it checked.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  correctionCounter,
  type FileFormat,
  type FileView,
  type MaterialOpenView,
  type RejectCode,
  type Rejection,
  type Slot,
  type UploadView,
} from '#domain/materials.ts';
import { beijingIso } from '#domain/time.ts';
import { dynamo, env, queryAll } from '#lib/aws.ts';

const table = () => env('MATERIALS_TABLE');

export interface Owner {
  sub: string;
  /** Acting for an enterprise: its drafts are the enterprise's, apart from the person's own. */
  uscc?: string;
  /** An agent (代办员) putting together the materials of the person they file for. */
  forPerson?: string;
}

export const ownerKey = (o: Owner) =>
  `${o.sub}${o.uscc ? `@${o.uscc}` : ''}${o.forPerson ? `>${o.forPerson}` : ''}`;

/** The same owner: the account, and the enterprise or person it acts for. */
export const sameOwner = (a: Owner, b: Owner) => ownerKey(a) === ownerKey(b);

export interface DraftRecord {
  draftId: string;
  hallId: string;
  itemCode: string;
  itemName: string;
  owner: Owner;
  state: 'open' | 'filing' | 'filed';
  /** The item's slots when the draft began (filing checks against the catalogue of the day). */
  slots: Slot[];
  /** Accepted files per slot id, and over all slots. */
  counts: Record<string, number>;
  fileCount: number;
  /** Bumped by every change of the draft's files. */
  rev: number;
  createdAt: string;
  updatedAt: string;
  /** TTL while open (epoch seconds); removed when sealed for filing. */
  expiresAt?: number;
  filingKey?: string;
  sealedAt?: string;
  caseNo?: string;
}

export interface TicketRecord {
  draftId: string;
  uploadId: string;
  slotId: string;
  fileName: string;
  format: FileFormat;
  contentType: string;
  maxBytes: number;
  key: string;
  sub: string;
  createdAt: string;
  expiresAt: number;
  verdict?: 'accepted' | 'rejected';
  code?: RejectCode;
  reason?: string;
  fileId?: string;
  decidedAt?: string;
  /** An upload into a filed case's slot for its `round`-th 补交告知 (POST …/cases/{caseNo}/materials/uploads). */
  correction?: { caseNo: string; round: number };
}

export interface FileRecord extends FileView {
  draftId: string;
  uploadId: string;
  /** Where the accepted copy is in the bucket. */
  key: string;
  uploadedSha256?: string;
  expiresAt?: number;
}

export interface OpenRecord extends MaterialOpenView {
  caseNo: string;
}

const draftKey = (draftId: string) => ({ pk: `DRAFT#${draftId}`, sk: 'DRAFT' });
const ticketKey = (draftId: string, uploadId: string) => ({
  pk: `DRAFT#${draftId}`,
  sk: `UPLOAD#${uploadId}`,
});
const fileKey = (draftId: string, fileId: string) => ({ pk: `DRAFT#${draftId}`, sk: `FILE#${fileId}` });
const pointerKey = (owner: Owner, itemCode: string) => ({
  pk: `OWNER#${ownerKey(owner)}#${itemCode}`,
  sk: 'DRAFT',
});

const strip = <T>(item: Record<string, unknown>): T => {
  const { pk: _pk, sk: _sk, ...rest } = item;
  return rest as T;
};

const reasons = (err: unknown) =>
  err instanceof TransactionCanceledException
    ? (err.CancellationReasons ?? []).map((r) => r.Code)
    : undefined;

export async function getDraft(draftId: string): Promise<DraftRecord | undefined> {
  const out = await dynamo.send(
    new GetCommand({ TableName: table(), Key: draftKey(draftId), ConsistentRead: true }),
  );
  return out.Item ? strip<DraftRecord>(out.Item) : undefined;
}

/** The draft with its files (removed ones included) and its upload tickets. */
export async function getDraftItems(
  draftId: string,
): Promise<{ draft: DraftRecord; files: FileRecord[]; tickets: TicketRecord[] } | undefined> {
  const items = await queryAll({
    TableName: table(),
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': `DRAFT#${draftId}` },
    ConsistentRead: true,
  });
  const draft = items.find((i) => i.sk === 'DRAFT');
  if (!draft) return undefined;
  const of = <T>(prefix: string) =>
    items.filter((i) => String(i.sk).startsWith(prefix)).map((i) => strip<T>(i));
  return {
    draft: strip<DraftRecord>(draft),
    files: of<FileRecord>('FILE#'),
    tickets: of<TicketRecord>('UPLOAD#'),
  };
}

/**
 * The owner's open draft of an item, or a new one. One open draft per owner and item: two tabs
 * starting at once get the same draft (the pointer is written under a condition).
 */
export async function openDraft(fresh: DraftRecord): Promise<{ draft: DraftRecord; created: boolean }> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const pointer = await dynamo.send(
      new GetCommand({
        TableName: table(),
        Key: pointerKey(fresh.owner, fresh.itemCode),
        ConsistentRead: true,
      }),
    );
    const current = pointer.Item?.draftId as string | undefined;
    if (current) {
      const draft = await getDraft(current);
      // A filed draft belongs to its case; an expired one is gone: start anew.
      if (draft && draft.state !== 'filed' && (draft.expiresAt ?? Infinity) * 1000 > Date.now())
        return { draft, created: false };
    }
    try {
      await dynamo.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: table(),
                Item: { ...draftKey(fresh.draftId), ...fresh },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Put: {
                TableName: table(),
                Item: { ...pointerKey(fresh.owner, fresh.itemCode), draftId: fresh.draftId },
                ...(current
                  ? { ConditionExpression: 'draftId = :old', ExpressionAttributeValues: { ':old': current } }
                  : { ConditionExpression: 'attribute_not_exists(pk)' }),
              },
            },
          ],
        }),
      );
      return { draft: fresh, created: true };
    } catch (err) {
      // Another request started one first: take that one.
      if (!reasons(err)) throw err;
    }
  }
  throw new Error('could not open a draft');
}

/** The item's slots changed in the catalogue since the draft began: the open draft follows them. */
export async function refreshSlots(draftId: string, slots: Slot[]): Promise<void> {
  try {
    await dynamo.send(
      new UpdateCommand({
        TableName: table(),
        Key: draftKey(draftId),
        UpdateExpression: 'SET slots = :slots',
        ConditionExpression: '#state = :open',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':slots': slots, ':open': 'open' },
      }),
    );
  } catch (err) {
    if ((err as Error).name !== 'ConditionalCheckFailedException') throw err;
  }
}

export async function putTicket(ticket: TicketRecord): Promise<void> {
  await dynamo.send(
    new PutCommand({
      TableName: table(),
      Item: { ...ticketKey(ticket.draftId, ticket.uploadId), ...ticket },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

export async function getTicket(draftId: string, uploadId: string): Promise<TicketRecord | undefined> {
  const out = await dynamo.send(
    new GetCommand({ TableName: table(), Key: ticketKey(draftId, uploadId), ConsistentRead: true }),
  );
  return out.Item ? strip<TicketRecord>(out.Item) : undefined;
}

export type AcceptOutcome = 'accepted' | 'closed' | 'slot-full' | 'draft-full' | 'decided';

/**
 * The verdict "accepted", all or nothing: the file, the draft's counters (under their limits and
 * only while the draft is open) and the ticket (only once).
 */
export async function recordAccepted(
  ticket: TicketRecord,
  file: FileRecord,
  limits: { slotMax: number; draftMax: number },
  at: string,
): Promise<AcceptOutcome> {
  try {
    await dynamo.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: table(),
              Key: draftKey(ticket.draftId),
              UpdateExpression:
                'SET counts.#s = if_not_exists(counts.#s, :zero) + :one, fileCount = fileCount + :one, rev = rev + :one, updatedAt = :at',
              ConditionExpression:
                '#state = :open AND (attribute_not_exists(counts.#s) OR counts.#s < :slotMax) AND fileCount < :draftMax',
              ExpressionAttributeNames: { '#s': ticket.slotId, '#state': 'state' },
              ExpressionAttributeValues: {
                ':zero': 0,
                ':one': 1,
                ':at': at,
                ':open': 'open',
                ':slotMax': limits.slotMax,
                ':draftMax': limits.draftMax,
              },
            },
          },
          ...acceptedFileWrites(ticket, file, at),
        ],
      }),
    );
    return 'accepted';
  } catch (err) {
    const codes = reasons(err);
    if (!codes) throw err;
    if (codes[2] === 'ConditionalCheckFailed') return 'decided';
    if (codes[0] !== 'ConditionalCheckFailed') throw err;
    const draft = await getDraft(ticket.draftId);
    if (draft?.state !== 'open') return 'closed';
    return (draft.counts[ticket.slotId] ?? 0) >= limits.slotMax ? 'slot-full' : 'draft-full';
  }
}

/** The file stored and its ticket decided (only once): the end of both accepted verdicts. */
function acceptedFileWrites(ticket: TicketRecord, file: FileRecord, at: string) {
  return [
    {
      Put: {
        TableName: table(),
        Item: { ...fileKey(file.draftId, file.fileId), ...file },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    {
      Update: {
        TableName: table(),
        Key: ticketKey(ticket.draftId, ticket.uploadId),
        UpdateExpression: 'SET verdict = :v, fileId = :f, decidedAt = :at',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(verdict)',
        ExpressionAttributeValues: { ':v': 'accepted', ':f': file.fileId, ':at': at },
      },
    },
  ];
}

/**
 * The verdict "accepted" of a file uploaded again for a 补交告知, all or nothing: the filed draft's
 * counter of that round and slot (under the slot's limit), the file, the ticket (only once). The
 * slot's earlier files stay: the case shows both.
 */
export async function recordCorrectionAccepted(
  ticket: TicketRecord & { correction: { caseNo: string; round: number } },
  file: FileRecord,
  slotMax: number,
  at: string,
): Promise<'accepted' | 'closed' | 'slot-full' | 'decided'> {
  try {
    await dynamo.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: table(),
              Key: draftKey(ticket.draftId),
              UpdateExpression: 'SET #k = if_not_exists(#k, :zero) + :one, rev = rev + :one, updatedAt = :at',
              ConditionExpression:
                '#state = :filed AND caseNo = :case AND (attribute_not_exists(#k) OR #k < :max)',
              ExpressionAttributeNames: {
                '#k': correctionCounter(ticket.correction.round, ticket.slotId),
                '#state': 'state',
              },
              ExpressionAttributeValues: {
                ':zero': 0,
                ':one': 1,
                ':at': at,
                ':filed': 'filed',
                ':case': ticket.correction.caseNo,
                ':max': slotMax,
              },
            },
          },
          ...acceptedFileWrites(ticket, file, at),
        ],
      }),
    );
    return 'accepted';
  } catch (err) {
    const codes = reasons(err);
    if (!codes) throw err;
    if (codes[2] === 'ConditionalCheckFailed') return 'decided';
    if (codes[0] !== 'ConditionalCheckFailed') throw err;
    const draft = await getDraft(ticket.draftId);
    return draft?.state === 'filed' ? 'slot-full' : 'closed';
  }
}

/** Files uploaded again into each slot for the correction `round` (the filed draft's counters). */
export function resubmitted(draft: DraftRecord, round: number, slotId: string): number {
  const n = (draft as unknown as Record<string, unknown>)[correctionCounter(round, slotId)];
  return typeof n === 'number' ? n : 0;
}

/** The verdict "rejected", once; false if the ticket already had one. */
export async function recordRejected(
  ticket: TicketRecord,
  rejection: Rejection,
  at: string,
): Promise<boolean> {
  try {
    await dynamo.send(
      new UpdateCommand({
        TableName: table(),
        Key: ticketKey(ticket.draftId, ticket.uploadId),
        UpdateExpression: 'SET verdict = :v, code = :c, reason = :r, decidedAt = :at',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(verdict)',
        ExpressionAttributeValues: {
          ':v': 'rejected',
          ':c': rejection.code,
          ':r': rejection.message,
          ':at': at,
        },
      }),
    );
    return true;
  } catch (err) {
    if ((err as Error).name === 'ConditionalCheckFailedException') return false;
    throw err;
  }
}

/** The applicant takes a file out of an open draft (it stays recorded as removed). */
export async function removeFile(
  draft: DraftRecord,
  file: FileRecord,
  at: string,
): Promise<'removed' | 'closed'> {
  try {
    await dynamo.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: table(),
              Key: draftKey(draft.draftId),
              UpdateExpression:
                'SET counts.#s = counts.#s - :one, fileCount = fileCount - :one, rev = rev + :one, updatedAt = :at',
              ConditionExpression: '#state = :open AND counts.#s > :zero',
              ExpressionAttributeNames: { '#s': file.slotId, '#state': 'state' },
              ExpressionAttributeValues: { ':one': 1, ':zero': 0, ':at': at, ':open': 'open' },
            },
          },
          {
            Update: {
              TableName: table(),
              Key: fileKey(draft.draftId, file.fileId),
              UpdateExpression: 'SET removed = :t',
              ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(removed)',
              ExpressionAttributeValues: { ':t': true },
            },
          },
        ],
      }),
    );
    return 'removed';
  } catch (err) {
    if (!reasons(err)) throw err;
    return 'closed';
  }
}

/** A sealed draft whose filing never finished may be sealed again by another filing after this long. */
export const SEAL_STALE_MS = 2 * 60_000;

/**
 * Seals a draft for filing with `filingKey`: only as it was read (`rev`), or again by the same
 * filing (a retry), or after an earlier filing stalled. Its records stop expiring. Returns false if
 * the draft changed or another filing holds it.
 */
export async function sealDraft(
  draft: DraftRecord,
  files: FileRecord[],
  filingKey: string,
  now: Date,
): Promise<boolean> {
  const items: TransactWriteCommandInput['TransactItems'] = [
    {
      Update: {
        TableName: table(),
        Key: draftKey(draft.draftId),
        UpdateExpression: 'SET #state = :filing, filingKey = :key, sealedAt = :at REMOVE expiresAt',
        ConditionExpression:
          '(#state = :open AND rev = :rev) OR (#state = :filing AND (filingKey = :key OR sealedAt < :stale))',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ':open': 'open',
          ':filing': 'filing',
          ':rev': draft.rev,
          ':key': filingKey,
          ':at': now.toISOString(),
          ':stale': new Date(now.getTime() - SEAL_STALE_MS).toISOString(),
        },
      },
    },
    ...files.map((f) => ({
      Update: {
        TableName: table(),
        Key: fileKey(draft.draftId, f.fileId),
        UpdateExpression: 'REMOVE expiresAt',
      },
    })),
  ];
  try {
    await dynamo.send(new TransactWriteCommand({ TransactItems: items }));
    return true;
  } catch (err) {
    if (reasons(err)) return false;
    throw err;
  }
}

/** The sealed draft is the case's now (idempotent for the same case). */
export async function markFiled(draftId: string, filingKey: string, caseNo: string): Promise<void> {
  try {
    await dynamo.send(
      new UpdateCommand({
        TableName: table(),
        Key: draftKey(draftId),
        UpdateExpression: 'SET #state = :filed, caseNo = :c',
        ConditionExpression: '(#state = :filing AND filingKey = :key) OR (#state = :filed AND caseNo = :c)',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ':filed': 'filed',
          ':filing': 'filing',
          ':key': filingKey,
          ':c': caseNo,
        },
      }),
    );
  } catch (err) {
    if ((err as Error).name !== 'ConditionalCheckFailedException') throw err;
  }
}

export async function logOpen(open: OpenRecord): Promise<void> {
  await dynamo.send(
    new PutCommand({
      TableName: table(),
      Item: { pk: `CASE#${open.caseNo}`, sk: `OPEN#${open.at}#${crypto.randomUUID()}`, ...open },
    }),
  );
}

/** Opens of a case's files, newest first. */
export async function listOpens(caseNo: string, limit = 200): Promise<OpenRecord[]> {
  const out = await dynamo.send(
    new QueryCommand({
      TableName: table(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
      ExpressionAttributeValues: { ':pk': `CASE#${caseNo}`, ':p': 'OPEN#' },
      ScanIndexForward: false,
      Limit: limit,
    }),
  );
  return (out.Items ?? []).map((i) => strip<OpenRecord>(i));
}

// ---------------------------------------------------------------------------------------------
// Views

export function fileView(f: FileRecord): FileView {
  const { draftId: _d, uploadId: _u, key: _k, uploadedSha256: _s, expiresAt: _e, ...view } = f;
  return { ...view, uploadedAt: beijingIso(view.uploadedAt) ?? view.uploadedAt };
}

export function uploadView(t: TicketRecord): UploadView {
  return {
    uploadId: t.uploadId,
    slotId: t.slotId,
    fileName: t.fileName,
    state: t.verdict ?? 'verifying',
    ...(t.reason ? { reason: t.reason } : {}),
    ...(t.code ? { code: t.code } : {}),
    ...(t.fileId ? { fileId: t.fileId } : {}),
  };
}
