/**
 * GET /api/items/{code} — one item with its guide, department, hall and process (steps as they run),
 * its application form (申请表, resolved from the catalogue's library or the standard form of its
 * audience) and the printable templates its materials name.
 */
import { api, httpErrors } from '#lib/http.ts';
import { guideAnswer } from './guide.ts';
import { catalogueIndex } from './runtime.ts';

export const handler = api({ auth: 'public' }, async ({ params }) => {
  const index = await catalogueIndex();
  const code = (params.code ?? '').trim();
  const item = code.length <= 60 ? index.item(code) : undefined;
  if (!item) throw httpErrors.notFound('未找到该事项，可能已调整或下线');
  return { body: guideAnswer(index.catalogue, index.departments, item) };
});
