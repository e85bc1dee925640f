/**
 * POST /api/catalogue/import[?dryRun=1][&confirmRemovals=N] — operators load a catalogue: body JSON
 * (application/json) or CSV (text/csv). Every row is validated first; anything wrong → 422 with
 * every error (row, field, Chinese message) and nothing is loaded. An import that would remove more
 * than the configured share of the current items (infra/config/catalogue.json) → 409
 * REMOVAL_UNCONFIRMED, with the number in Chinese, unless `confirmRemovals` (a field of the JSON
 * body, or the query parameter for CSV) names exactly how many. Otherwise the whole catalogue is
 * written as a new version and the pointer flips at the end (see store.ts; the previous version is
 * kept, and POST /api/catalogue/rollback puts it back). Every import is audited.
 *
 * Not the house `api()` wrapper: a catalogue is far larger than its 64 KiB JSON limit and may be CSV.
 * The same error shape and the same principal reading are used.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { auditEntry } from '#functions/identity/audit.ts';
import { context } from '#functions/identity/runtime.ts';
import { tokenIsLive } from '#functions/identity/token-check.ts';
import { halls } from '#infra/halls.ts';
import { dynamo, env } from '#lib/aws.ts';
import { cameThroughEdge } from '#lib/client.ts';
import { errorReply, HttpError, httpErrors, json } from '#lib/http.ts';
import { logger } from '#lib/logger.ts';
import { isOperator } from '#lib/policy.ts';
import { principalFromClaims } from '#lib/principal.ts';
import { prepareImport, removalUnconfirmed } from './csv.ts';
import { CatalogueConflictError, readCatalogue, writeCatalogue } from './store.ts';

export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;

/** `confirmRemovals` (a JSON number, or digits in the query): absent, or the number confirmed removed. */
function confirmedRemovals(value: unknown, inQuery = false): number | undefined {
  if (value === undefined) return undefined;
  const n = inQuery && typeof value === 'string' && /^\d{1,7}$/.test(value) ? Number(value) : value;
  if (typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 1_000_000) return n;
  throw new HttpError(400, 'VALIDATION_FAILED', '确认删除的事项数（confirmRemovals）应为 0 或正整数', [
    { field: 'confirmRemovals', message: '应为 0 或正整数' },
  ]);
}

async function run(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyResultV2> {
  // As the house api() wrapper: through the portal only, then a live operator token.
  if (!(await cameThroughEdge(event))) throw httpErrors.notThroughPortal();
  const claims = (event.requestContext as { authorizer?: { jwt?: { claims?: Record<string, unknown> } } })
    .authorizer?.jwt?.claims;
  const principal = claims ? principalFromClaims(claims) : undefined;
  if (!principal) throw httpErrors.unauthenticated();
  if (!(await tokenIsLive(principal))) throw httpErrors.tokenRevoked();
  if (!isOperator(principal)) throw httpErrors.forbidden('只有运营中心人员可以导入事项目录');

  const headers = Object.fromEntries(
    Object.entries(event.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v ?? '']),
  );
  const type = (headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (!event.body) throw new HttpError(400, 'EMPTY_BODY', '请上传目录文件（JSON 或 CSV）');
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (Buffer.byteLength(text) > MAX_IMPORT_BYTES) throw httpErrors.tooLarge();
  const query = event.queryStringParameters ?? {};
  let input: Parameters<typeof prepareImport>[1];
  let confirmed = confirmedRemovals(query.confirmRemovals, true);
  if (type === 'application/json') {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      throw httpErrors.badJson();
    }
    // The confirmation travels with the catalogue it confirms; it is not part of the catalogue.
    if (data && typeof data === 'object' && !Array.isArray(data) && 'confirmRemovals' in data) {
      const { confirmRemovals, ...rest } = data as Record<string, unknown>;
      confirmed = confirmedRemovals(confirmRemovals);
      data = rest;
    }
    input = { kind: 'json', data };
  } else if (type === 'text/csv') input = { kind: 'csv', text };
  else throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', '请以 application/json 或 text/csv 格式提交目录');

  const table = env('CATALOGUE_TABLE');
  const current = await readCatalogue(dynamo, table);
  if (current.halls.length === 0) current.halls = halls.map((h) => ({ ...h }));
  const prepared = prepareImport(current, input);
  if (!prepared.catalogue) {
    throw new HttpError(
      422,
      'CATALOGUE_INVALID',
      `目录校验未通过，共 ${prepared.errors.length} 处错误，未导入任何内容`,
      prepared.errors,
    );
  }
  const dryRun = /^(1|true)$/.test(query.dryRun ?? '');
  if (dryRun) return json(200, { dryRun: true, summary: prepared.summary });
  const unconfirmed = removalUnconfirmed(prepared.summary!, current.items.length, confirmed);
  if (unconfirmed) throw new HttpError(409, 'REMOVAL_UNCONFIRMED', unconfirmed, prepared.summary);
  try {
    const meta = await writeCatalogue(dynamo, table, prepared.catalogue);
    const ctx = context(event);
    await ctx.store.audit(
      auditEntry(
        {
          type: 'catalogue_import',
          actor: principal.sub,
          ip: ctx.ip,
          details: {
            version: meta.version,
            previous: meta.previous,
            ...prepared.summary,
            ...(confirmed !== undefined ? { confirmRemovals: confirmed } : {}),
          },
        },
        new Date(ctx.now),
      ),
    );
    logger.info('catalogue imported', { by: principal.sub, version: meta.version, ...prepared.summary });
    return json(200, { version: meta.version, previous: meta.previous, summary: prepared.summary });
  } catch (err) {
    if (err instanceof CatalogueConflictError) throw httpErrors.conflict(err.message);
    throw err;
  }
}

export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyResultV2> {
  try {
    return await run(event);
  } catch (err) {
    if (err instanceof HttpError) {
      logger.info('import refused', { status: err.status, code: err.code });
      return errorReply(err);
    }
    logger.error('unhandled error', err as Error);
    return errorReply(new HttpError(500, 'INTERNAL', '系统繁忙，请稍后再试'));
  }
}
