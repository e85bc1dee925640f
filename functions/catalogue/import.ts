/**
 * POST /api/catalogue/import[?dryRun=1][&confirmRemoval=N] — operators load a catalogue: body JSON
 * (application/json) or CSV (text/csv). Every row is validated first; anything wrong → 422 with
 * every error (row, field, Chinese message) and nothing is loaded. An import that would remove more
 * than a tenth of the current items → 409 REMOVAL_UNCONFIRMED unless confirmRemoval names exactly
 * how many. Otherwise the whole catalogue is written as a new version and the pointer flips at the
 * end (see store.ts; the previous version is kept).
 *
 * Not the house `api()` wrapper: a catalogue is far larger than its 64 KiB JSON limit and may be CSV.
 * The same error shape and the same principal reading are used.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { halls } from '#infra/halls.ts';
import { dynamo, env } from '#lib/aws.ts';
import { errorReply, HttpError, httpErrors, json } from '#lib/http.ts';
import { logger } from '#lib/logger.ts';
import { principalFromClaims } from '#lib/principal.ts';
import { prepareImport, removalUnconfirmed } from './csv.ts';
import { CatalogueConflictError, readCatalogue, writeCatalogue } from './store.ts';

export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;

async function run(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyResultV2> {
  const claims = (event.requestContext as { authorizer?: { jwt?: { claims?: Record<string, unknown> } } })
    .authorizer?.jwt?.claims;
  const principal = claims ? principalFromClaims(claims) : undefined;
  if (!principal) throw httpErrors.unauthenticated();
  if (!principal.roles.includes('operator')) throw httpErrors.forbidden('只有运营中心人员可以导入事项目录');

  const headers = Object.fromEntries(
    Object.entries(event.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v ?? '']),
  );
  const type = (headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (!event.body) throw new HttpError(400, 'EMPTY_BODY', '请上传目录文件（JSON 或 CSV）');
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (Buffer.byteLength(text) > MAX_IMPORT_BYTES) throw httpErrors.tooLarge();
  let input: Parameters<typeof prepareImport>[1];
  if (type === 'application/json') {
    try {
      input = { kind: 'json', data: JSON.parse(text) };
    } catch {
      throw httpErrors.badJson();
    }
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
  const query = event.queryStringParameters ?? {};
  const dryRun = /^(1|true)$/.test(query.dryRun ?? '');
  if (dryRun) return json(200, { dryRun: true, summary: prepared.summary });
  const confirmed = /^\d{1,6}$/.test(query.confirmRemoval ?? '') ? Number(query.confirmRemoval) : undefined;
  const unconfirmed = removalUnconfirmed(prepared.summary!, current.items.length, confirmed);
  if (unconfirmed) throw new HttpError(409, 'REMOVAL_UNCONFIRMED', unconfirmed, prepared.summary);
  try {
    const meta = await writeCatalogue(dynamo, table, prepared.catalogue);
    logger.info('catalogue imported', { by: principal.sub, version: meta.version, ...prepared.summary });
    return json(200, { version: meta.version, summary: prepared.summary });
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
