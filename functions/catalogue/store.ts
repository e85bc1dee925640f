/**
 * The catalogue in the platform DynamoDB table (`CATALOGUE_TABLE`).
 *
 * Versioned-prefix scheme, so a reader never sees half a catalogue:
 *   META / version              { version, previous, writtenAt, counts }   the pointer readers follow
 *   META / seq                  { seq }                                   counter that names versions
 *   HALL#<v> / <hallId>, DEPT#<v> / <deptCode>, TEMPLATE#<v> / <id>, ITEM#<v> / <itemCode>,
 *   APPFORM#<v> / <formId>, FORMTPL#<v> / <templateId>, SYN#<v> / all
 *                               one catalogue version, written completely before META points at it
 * A writer takes a fresh version number from the counter, writes every record of it, then flips
 * META/version with a condition on the version it started from (a concurrent import loses with a
 * clear error instead of mixing). Readers read META first and then only that version's partitions,
 * so a read during an import sees the old catalogue whole. The previous version is kept for readers
 * still paging through it, and for a one-step rollback (rollbackCatalogue: META points back at it);
 * older ones (and leftovers of crashed writes) are deleted after the flip.
 */
import { readFileSync } from 'node:fs';
import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { type ApplicationForm, applicationFormOf } from './forms.ts';
import {
  type Catalogue,
  catalogueSchema,
  type Department,
  type Item,
  type ProcessTemplate,
} from './model.ts';

const KINDS = {
  halls: 'HALL',
  departments: 'DEPT',
  templates: 'TEMPLATE',
  items: 'ITEM',
  applicationForms: 'APPFORM',
  formTemplates: 'FORMTPL',
} as const;
/** Lists whose records are keyed by `id` (the others by `code`). */
const BY_ID = new Set<string>(['halls', 'templates', 'applicationForms', 'formTemplates']);

export class CatalogueConflictError extends Error {}

export class CatalogueRollbackError extends Error {
  constructor(
    readonly code: 'ROLLBACK_STALE' | 'NOTHING_TO_ROLL_BACK',
    message: string,
  ) {
    super(message);
  }
}

export interface CatalogueMeta {
  version: string;
  previous?: string;
  /** Set by a rollback: the version it undid (which is then `previous`). */
  rolledBackFrom?: string;
  writtenAt: string;
  counts: Record<string, number>;
}

/** Strip undefined (the caller's document client may not be configured to drop them). */
function plain<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function batchWrite(
  doc: DynamoDBDocumentClient,
  table: string,
  requests: Record<string, unknown>[],
  onBatch?: (n: number) => void,
): Promise<void> {
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < requests.length; i += 25) batches.push(requests.slice(i, i + 25));
  // A few batches in flight at once: an import of a thousand items takes a second, not several.
  let next = 0;
  const worker = async () => {
    while (next < batches.length) await writeBatch(batches[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(4, batches.length) }, worker));

  async function writeBatch(batch: Record<string, unknown>[]) {
    let pending = batch;
    const size = pending.length;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) {
        if (attempt > 8)
          throw new Error(`DynamoDB kept ${pending.length} unprocessed writes after ${attempt} tries`);
        await sleep(Math.min(2000, 50 * 2 ** attempt) * (0.5 + Math.random() / 2));
      }
      const out = await doc.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
      pending = (out.UnprocessedItems?.[table] ?? []) as Record<string, unknown>[];
    }
    onBatch?.(size);
  }
}

export async function readMeta(
  doc: DynamoDBDocumentClient,
  tableName: string,
): Promise<CatalogueMeta | undefined> {
  const out = await doc.send(
    new GetCommand({ TableName: tableName, Key: { pk: 'META', sk: 'version' }, ConsistentRead: true }),
  );
  return out.Item as CatalogueMeta | undefined;
}

export async function writeCatalogue(
  doc: DynamoDBDocumentClient,
  tableName: string,
  catalogue: Catalogue,
  opts: { onProgress?(done: number, total: number): void } = {},
): Promise<CatalogueMeta> {
  const before = await readMeta(doc, tableName);
  const seqOut = await doc.send(
    new UpdateCommand({
      TableName: tableName,
      Key: { pk: 'META', sk: 'seq' },
      UpdateExpression: 'ADD #s :one',
      ExpressionAttributeNames: { '#s': 'seq' },
      ExpressionAttributeValues: { ':one': 1 },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  const version = `v${String(seqOut.Attributes?.seq ?? 1).padStart(6, '0')}`;

  const puts: Record<string, unknown>[] = [];
  for (const [list, kind] of Object.entries(KINDS) as [keyof typeof KINDS, string][]) {
    for (const rec of catalogue[list] as unknown as Record<string, unknown>[]) {
      const id = (BY_ID.has(list) ? rec.id : rec.code) as string;
      puts.push({ PutRequest: { Item: { ...plain(rec), pk: `${kind}#${version}`, sk: id } } });
    }
  }
  puts.push({
    PutRequest: { Item: { pk: `SYN#${version}`, sk: 'all', synonyms: plain(catalogue.synonyms) } },
  });
  const total = puts.length;
  let done = 0;
  opts.onProgress?.(0, total);
  await batchWrite(doc, tableName, puts, (n) => {
    done += n;
    opts.onProgress?.(done, total);
  });

  const meta: CatalogueMeta = {
    version,
    ...(before ? { previous: before.version } : {}),
    writtenAt: new Date().toISOString(),
    counts: Object.fromEntries(Object.keys(KINDS).map((k) => [k, catalogue[k as keyof typeof KINDS].length])),
  };
  try {
    await doc.send(
      new PutCommand({
        TableName: tableName,
        Item: { pk: 'META', sk: 'version', ...meta },
        ConditionExpression: before ? 'version = :v' : 'attribute_not_exists(pk)',
        ...(before ? { ExpressionAttributeValues: { ':v': before.version } } : {}),
      }),
    );
  } catch (err) {
    if ((err as { name?: string }).name === 'ConditionalCheckFailedException') {
      await deleteVersions(doc, tableName, (v) => v === version);
      throw new CatalogueConflictError('另一次目录导入已先完成，请刷新后重新导入');
    }
    throw err;
  }
  // Keep the previous version for readers still paging through it; drop everything older.
  const keep = new Set([version, before?.version]);
  await deleteVersions(doc, tableName, (v) => !keep.has(v) && v < version);
  return meta;
}

async function deleteVersions(doc: DynamoDBDocumentClient, tableName: string, drop: (v: string) => boolean) {
  const keys: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await doc.send(
      new ScanCommand({ TableName: tableName, ProjectionExpression: 'pk, sk', ExclusiveStartKey: start }),
    );
    for (const k of out.Items ?? []) {
      const m = /#(v\d+)$/.exec(String(k.pk));
      if (m && drop(m[1])) keys.push({ DeleteRequest: { Key: { pk: k.pk, sk: k.sk } } });
    }
    start = out.LastEvaluatedKey;
  } while (start);
  await batchWrite(doc, tableName, keys);
}

/** How many records of each kind a stored version has. */
async function countVersion(
  doc: DynamoDBDocumentClient,
  tableName: string,
  version: string,
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const [list, kind] of Object.entries(KINDS)) {
    let n = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const page = await doc.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `${kind}#${version}` },
          Select: 'COUNT',
          ExclusiveStartKey: start,
        }),
      );
      n += page.Count ?? 0;
      start = page.LastEvaluatedKey;
    } while (start);
    counts[list] = n;
  }
  return counts;
}

/**
 * One-step rollback: META points back at the previous version (every import keeps it), on the
 * condition that `from` — the version the operator means to undo — is still the current one.
 * Asking again after it was undone answers the state as it is (`changed: false`). The undone version
 * becomes `previous`, so a second rollback would bring it back; the next import drops it.
 */
export async function rollbackCatalogue(
  doc: DynamoDBDocumentClient,
  tableName: string,
  from: string,
): Promise<{ meta: CatalogueMeta; changed: boolean }> {
  const meta = await readMeta(doc, tableName);
  if (meta && meta.version !== from && meta.rolledBackFrom === from) return { meta, changed: false };
  if (!meta || meta.version !== from)
    throw new CatalogueRollbackError(
      'ROLLBACK_STALE',
      `目录当前版本是 ${meta?.version ?? '（无）'}，不是 ${from}，请刷新后再确认是否回退`,
    );
  const counts = meta.previous ? await countVersion(doc, tableName, meta.previous) : undefined;
  if (!meta.previous || !counts?.items)
    throw new CatalogueRollbackError('NOTHING_TO_ROLL_BACK', `目录版本 ${from} 没有可回退的上一版本`);
  const next: CatalogueMeta = {
    version: meta.previous,
    previous: from,
    rolledBackFrom: from,
    writtenAt: new Date().toISOString(),
    counts,
  };
  try {
    await doc.send(
      new PutCommand({
        TableName: tableName,
        Item: { pk: 'META', sk: 'version', ...next },
        ConditionExpression: 'version = :v',
        ExpressionAttributeValues: { ':v': from },
      }),
    );
  } catch (err) {
    if ((err as { name?: string }).name !== 'ConditionalCheckFailedException') throw err;
    // Someone else moved the catalogue first: the same rollback (harmless), or an import.
    return rollbackCatalogue(doc, tableName, from);
  }
  return { meta: next, changed: true };
}

async function queryAll(
  doc: DynamoDBDocumentClient,
  tableName: string,
  pk: string,
): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ExclusiveStartKey: start,
      }),
    );
    for (const it of page.Items ?? []) {
      const { pk: _p, sk: _s, ...rest } = it;
      out.push(rest);
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return out;
}

/** The current catalogue and its version; an empty table gives an empty catalogue (version ''). */
export async function readCatalogueVersioned(
  doc: DynamoDBDocumentClient,
  tableName: string,
): Promise<{ version: string; catalogue: Catalogue }> {
  const meta = await readMeta(doc, tableName);
  if (!meta)
    return {
      version: '',
      catalogue: {
        halls: [],
        departments: [],
        templates: [],
        items: [],
        synonyms: {},
        applicationForms: [],
        formTemplates: [],
      },
    };
  const v = meta.version;
  const [halls, departments, templates, items, syn, applicationForms, formTemplates] = await Promise.all([
    queryAll(doc, tableName, `HALL#${v}`),
    queryAll(doc, tableName, `DEPT#${v}`),
    queryAll(doc, tableName, `TEMPLATE#${v}`),
    queryAll(doc, tableName, `ITEM#${v}`),
    queryAll(doc, tableName, `SYN#${v}`),
    queryAll(doc, tableName, `APPFORM#${v}`),
    queryAll(doc, tableName, `FORMTPL#${v}`),
  ]);
  // Records were validated on the way in; cast instead of re-parsing 1,000+ items at every cold start.
  const catalogue = {
    halls,
    departments,
    templates,
    items,
    synonyms: (syn[0]?.synonyms ?? {}) as Record<string, string[]>,
    applicationForms,
    formTemplates,
  } as unknown as Catalogue;
  return { version: v, catalogue };
}

export async function readCatalogue(doc: DynamoDBDocumentClient, tableName: string): Promise<Catalogue> {
  return (await readCatalogueVersioned(doc, tableName)).catalogue;
}

async function readRecord<T>(doc: DynamoDBDocumentClient, tableName: string, pk: string, sk: string) {
  const out = await doc.send(new GetCommand({ TableName: tableName, Key: { pk, sk } }));
  if (!out.Item) return undefined;
  const { pk: _p, sk: _s, ...record } = out.Item;
  return record as T;
}

/** One item of the current catalogue, or undefined. */
export async function readItem(
  doc: DynamoDBDocumentClient,
  tableName: string,
  code: string,
): Promise<Item | undefined> {
  const meta = await readMeta(doc, tableName);
  return meta ? readRecord<Item>(doc, tableName, `ITEM#${meta.version}`, code) : undefined;
}

/**
 * An item with its department, process template and application form, all of one catalogue
 * version (for filing a case). The form is the library form the item names, else the standard
 * form of its audience.
 */
export async function readItemForFiling(
  doc: DynamoDBDocumentClient,
  tableName: string,
  code: string,
): Promise<
  | { item: Item; department: Department; template: ProcessTemplate; applicationForm: ApplicationForm }
  | undefined
> {
  const meta = await readMeta(doc, tableName);
  if (!meta) return undefined;
  const item = await readRecord<Item>(doc, tableName, `ITEM#${meta.version}`, code);
  if (!item) return undefined;
  const [department, template, form] = await Promise.all([
    readRecord<Department>(doc, tableName, `DEPT#${meta.version}`, item.deptCode),
    readRecord<ProcessTemplate>(doc, tableName, `TEMPLATE#${meta.version}`, item.processTemplate),
    item.applicationForm
      ? readRecord<ApplicationForm>(doc, tableName, `APPFORM#${meta.version}`, item.applicationForm)
      : undefined,
  ]);
  if (!department || !template) return undefined;
  return { item, department, template, applicationForm: applicationFormOf(item, form ? [form] : []) };
}

const SEED_DIR = new URL('../../infra/seed/catalogue/', import.meta.url);

/** The seed catalogue shipped in infra/seed/catalogue (generated items + the synonym table). */
export function loadSeedCatalogue(): Catalogue {
  const base = JSON.parse(readFileSync(new URL('catalogue.json', SEED_DIR), 'utf8'));
  const synonyms = JSON.parse(readFileSync(new URL('synonyms.json', SEED_DIR), 'utf8'));
  return catalogueSchema.parse({ ...base, synonyms });
}
