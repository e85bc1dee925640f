/**
 * The catalogue as the read handlers see it: loaded from the table at cold start, kept in module
 * scope with its search index, and reloaded when META/version changes (checked at most every
 * few seconds, so a warm Lambda follows an import without a redeploy).
 */

import { nowMs } from '#domain/clock.ts';
import { dynamo, env } from '#lib/aws.ts';
import type { Catalogue } from './model.ts';
import { buildIndex, type CatalogueIndex } from './search/index.ts';
import { readCatalogueVersioned, readMeta } from './store.ts';

const CHECK_EVERY_MS = 5_000;

let current: { version: string; index: CatalogueIndex } | undefined;
let checkedAt = 0;
let loading: Promise<CatalogueIndex> | undefined;

async function load(): Promise<CatalogueIndex> {
  const { version, catalogue } = await readCatalogueVersioned(dynamo, env('CATALOGUE_TABLE'));
  current = { version, index: buildIndex(catalogue) };
  checkedAt = nowMs();
  return current.index;
}

/** The current index; one load at a time even when requests overlap. */
export async function catalogueIndex(): Promise<CatalogueIndex> {
  if (current && nowMs() - checkedAt < CHECK_EVERY_MS) return current.index;
  if (loading) return loading;
  loading = (async () => {
    try {
      if (current) {
        const meta = await readMeta(dynamo, env('CATALOGUE_TABLE'));
        checkedAt = nowMs();
        if ((meta?.version ?? '') === current.version) return current.index;
      }
      return await load();
    } finally {
      loading = undefined;
    }
  })();
  return loading;
}

export async function currentCatalogue(): Promise<Catalogue> {
  return (await catalogueIndex()).catalogue;
}
