/** store.ts against DynamoDB Local (started here, in memory, on a free port; needs Java 17+). */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import {
  ensureTables,
  type LocalDynamo,
  localCredentials,
  startDynamo,
} from '@online-hall/local-cloud/dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Catalogue } from '#functions/catalogue/model.ts';
import {
  loadSeedCatalogue,
  readCatalogueVersioned,
  readItem,
  readItemForFiling,
  readMeta,
  rollbackCatalogue,
  writeCatalogue,
} from '#functions/catalogue/store.ts';
import { platformResources } from '#infra/resources.ts';

const TABLE = 'catalogue-test';
let local: LocalDynamo;
let raw: DynamoDBClient;
let doc: DynamoDBDocumentClient;
const seed = loadSeedCatalogue();

beforeAll(async () => {
  local = await startDynamo({});
  raw = new DynamoDBClient({ endpoint: local.endpoint, region: 'cn-north-1', credentials: localCredentials });
  doc = DynamoDBDocumentClient.from(raw);
  await ensureTables(raw, [{ name: TABLE, spec: platformResources.tables.catalogue }]);
}, 60_000);

afterAll(async () => {
  raw?.destroy();
  await local?.stop();
});

const small = (n: number): Catalogue => ({ ...seed, items: seed.items.slice(0, n) });

describe('catalogue store', () => {
  it('an empty table reads as an empty catalogue', async () => {
    const r = await readCatalogueVersioned(doc, TABLE);
    expect(r.version).toBe('');
    expect(r.catalogue.items).toEqual([]);
  });

  it('writes the seed with progress and reads it back whole', async () => {
    const progress: number[] = [];
    const meta = await writeCatalogue(doc, TABLE, seed, { onProgress: (d) => progress.push(d) });
    const forms = seed.applicationForms.length + seed.formTemplates.length;
    const total =
      seed.items.length + seed.departments.length + seed.templates.length + seed.halls.length + forms + 1;
    expect(progress.at(-1)).toBe(total);
    const r = await readCatalogueVersioned(doc, TABLE);
    expect(r.version).toBe(meta.version);
    expect(r.catalogue.items.length).toBe(seed.items.length);
    expect(r.catalogue.departments.length).toBe(seed.departments.length);
    expect(r.catalogue.synonyms).toEqual(seed.synonyms);
    expect(r.catalogue.applicationForms).toEqual(seed.applicationForms);
    expect(r.catalogue.formTemplates).toEqual(seed.formTemplates);
    const one = seed.items[100];
    expect(r.catalogue.items.find((i) => i.code === one.code)).toEqual(one);
    expect(await readItem(doc, TABLE, one.code)).toEqual(one);
    expect(await readItem(doc, TABLE, 'NOPE')).toBeUndefined();
    // Filing reads the item with the application form it names, of the same version.
    const filing = await readItemForFiling(doc, TABLE, one.code);
    expect(filing?.applicationForm).toEqual(seed.applicationForms.find((f) => f.id === one.applicationForm));
  }, 60_000);

  it('a new version flips at the end, keeps the previous one and drops older ones', async () => {
    const v1 = (await readMeta(doc, TABLE))?.version;
    const m2 = await writeCatalogue(doc, TABLE, small(10));
    expect(m2.previous).toBe(v1);
    expect((await readCatalogueVersioned(doc, TABLE)).catalogue.items).toHaveLength(10);
    const m3 = await writeCatalogue(doc, TABLE, small(5));
    const scan = await doc.send(new ScanCommand({ TableName: TABLE, ProjectionExpression: 'pk' }));
    const versions = new Set((scan.Items ?? []).map((i) => String(i.pk).split('#')[1]).filter(Boolean));
    expect([...versions].sort()).toEqual([m2.version, m3.version].sort());
  }, 60_000);

  it('a writer that lost the race cleans up and says so', async () => {
    const before = await readMeta(doc, TABLE);
    // Another import flips the pointer while ours is writing: simulate by moving META under it.
    const sneaky: DynamoDBDocumentClient = {
      send: async (cmd: unknown) => {
        if (cmd instanceof PutCommand && cmd.input.Item?.pk === 'META')
          await doc.send(
            new PutCommand({
              TableName: TABLE,
              Item: { ...before, pk: 'META', sk: 'version', version: 'v999999' },
            }),
          );
        return doc.send(cmd as never);
      },
    } as unknown as DynamoDBDocumentClient;
    await expect(writeCatalogue(sneaky, TABLE, small(3))).rejects.toThrow('另一次目录导入');
    expect((await readMeta(doc, TABLE))?.version).toBe('v999999');
  }, 60_000);
});

describe('one-step rollback', () => {
  const versionsStored = async (table: string) => {
    const scan = await doc.send(new ScanCommand({ TableName: table, ProjectionExpression: 'pk' }));
    return [...new Set((scan.Items ?? []).map((i) => String(i.pk).split('#')[1]).filter(Boolean))].sort();
  };

  it('points back at the previous version once; the next import drops the undone one', async () => {
    const first = await writeCatalogue(doc, TABLE, small(10));
    const second = await writeCatalogue(doc, TABLE, small(3));
    const back = await rollbackCatalogue(doc, TABLE, second.version);
    expect(back).toMatchObject({
      changed: true,
      meta: { version: first.version, previous: second.version, rolledBackFrom: second.version },
    });
    expect(back.meta.counts).toMatchObject({ items: 10, departments: seed.departments.length });
    const read = await readCatalogueVersioned(doc, TABLE);
    expect(read.version).toBe(first.version);
    expect(read.catalogue.items.map((i) => i.code)).toEqual(small(10).items.map((i) => i.code));

    // Asked again (a retry, a second click): nothing more happens.
    expect(await rollbackCatalogue(doc, TABLE, second.version)).toMatchObject({
      changed: false,
      meta: { version: first.version },
    });
    // A version that is not the current one is not undone.
    await expect(rollbackCatalogue(doc, TABLE, 'v999998')).rejects.toMatchObject({ code: 'ROLLBACK_STALE' });

    const third = await writeCatalogue(doc, TABLE, small(5));
    expect(third.previous).toBe(first.version);
    expect(await versionsStored(TABLE)).toEqual([first.version, third.version].sort());
  }, 60_000);

  it('has nothing to go back to after the first import', async () => {
    const table = 'catalogue-rollback-test';
    await ensureTables(raw, [{ name: table, spec: platformResources.tables.catalogue }]);
    const only = await writeCatalogue(doc, table, small(2));
    await expect(rollbackCatalogue(doc, table, only.version)).rejects.toMatchObject({
      code: 'NOTHING_TO_ROLL_BACK',
    });
    expect((await readMeta(doc, table))?.version).toBe(only.version);
  }, 60_000);
});
