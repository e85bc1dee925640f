/** GET /api/suggest?q=&hallId= — type-ahead names for the search box. */
import { z } from 'zod';
import { api } from '#lib/http.ts';
import { catalogueIndex } from './runtime.ts';
import { MAX_QUERY_LENGTH } from './search/index.ts';

const query = z.object({
  q: z.string().max(MAX_QUERY_LENGTH, `搜索内容不能超过 ${MAX_QUERY_LENGTH} 个字`).default(''),
  hallId: z
    .string()
    .max(30)
    .regex(/^[a-z][a-z0-9-]*$/, '厅编号格式不正确')
    .optional(),
});

export const handler = api({ auth: 'public', query }, async ({ query }) => {
  const index = await catalogueIndex();
  const suggestions = query.q.trim() ? index.suggest(query.q, { hallId: query.hallId }) : [];
  return { body: { suggestions }, headers: { 'cache-control': 'public, max-age=60' } };
});
