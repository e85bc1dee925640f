/**
 * Operators: the catalogue's versions and the one-step rollback.
 *
 *   GET  /api/catalogue/versions               the current version and the one a rollback restores
 *   POST /api/catalogue/rollback { version }   undo `version` (the current one): back to the previous
 *
 * The body names the version to undo, so a repeated or late click cannot undo something else: a
 * rollback already done answers 200 with `changed: false`; a catalogue that moved on answers 409
 * ROLLBACK_STALE. Audited (catalogue_rollback).
 */
import { z } from 'zod';
import { auditEntry } from '#functions/identity/audit.ts';
import { context, routes } from '#functions/identity/runtime.ts';
import { dynamo, env } from '#lib/aws.ts';
import { api, HttpError, httpErrors } from '#lib/http.ts';
import { logger } from '#lib/logger.ts';
import { isOperator } from '#lib/policy.ts';
import type { Principal } from '#lib/principal.ts';
import { CatalogueRollbackError, readMeta, rollbackCatalogue } from './store.ts';

const rollbackBody = z.object({
  version: z.string().regex(/^v\d{6}$/, '版本号应形如 v000012（见 GET /api/catalogue/versions）'),
});

function requireOperator(who: Principal | undefined): asserts who is Principal {
  if (!isOperator(who)) throw httpErrors.forbidden('只有运营中心人员可以管理事项目录');
}

export const handler = routes({
  'GET /api/catalogue/versions': api({ auth: 'user' }, async ({ principal }) => {
    requireOperator(principal);
    const meta = await readMeta(dynamo, env('CATALOGUE_TABLE'));
    return { body: { current: meta ?? null, rollbackTo: meta?.previous ?? null } };
  }),
  'POST /api/catalogue/rollback': api(
    { auth: 'user', body: rollbackBody },
    async ({ event, principal, body }) => {
      requireOperator(principal);
      let outcome: Awaited<ReturnType<typeof rollbackCatalogue>>;
      try {
        outcome = await rollbackCatalogue(dynamo, env('CATALOGUE_TABLE'), body.version);
      } catch (err) {
        if (err instanceof CatalogueRollbackError) throw new HttpError(409, err.code, err.message);
        throw err;
      }
      const { meta, changed } = outcome;
      if (changed) {
        const ctx = context(event);
        await ctx.store.audit(
          auditEntry(
            {
              type: 'catalogue_rollback',
              actor: principal.sub,
              ip: ctx.ip,
              details: { from: body.version, to: meta.version, items: meta.counts.items },
            },
            new Date(ctx.now),
          ),
        );
        logger.info('catalogue rolled back', { by: principal.sub, from: body.version, to: meta.version });
      }
      return { body: { changed, version: meta.version, rolledBackFrom: body.version, counts: meta.counts } };
    },
  ),
});
