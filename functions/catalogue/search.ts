/** GET /api/items?q=&audience=&theme=&deptCode=&hallId=&level=&onlineDepth=&limit=&offset= */
import { z } from 'zod';
import { ALL_THEMES, AUDIENCES, LEVELS } from '#domain/vocabulary.ts';
import { api } from '#lib/http.ts';
import { catalogueIndex } from './runtime.ts';
import { MAX_QUERY_LENGTH } from './search/index.ts';
import { itemSummary } from './views.ts';

const int = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,4}$/, '必须是整数')
    .transform(Number)
    .pipe(z.number().int().min(min, `不能小于 ${min}`).max(max, `不能大于 ${max}`));

export const searchQuery = z.object({
  q: z.string().max(MAX_QUERY_LENGTH, `搜索内容不能超过 ${MAX_QUERY_LENGTH} 个字`).optional(),
  audience: z.enum(AUDIENCES, '服务对象只能是 person 或 enterprise').optional(),
  theme: z
    .string()
    .refine((t) => ALL_THEMES.includes(t), '没有这个主题')
    .optional(),
  deptCode: z
    .string()
    .max(40, '部门编码格式不正确')
    .regex(/^[0-9a-z-]+$/, '部门编码格式不正确')
    .optional(),
  hallId: z
    .string()
    .max(30, '厅编号格式不正确')
    .regex(/^[a-z][a-z0-9-]*$/, '厅编号格式不正确')
    .optional(),
  level: z.enum(LEVELS, '层级只能是 city、county、town 或 village').optional(),
  onlineDepth: int(1, 4).optional(),
  limit: int(1, 50).optional(),
  offset: int(0, 10000).optional(),
});

export const handler = api({ auth: 'public', query: searchQuery }, async ({ query }) => {
  const index = await catalogueIndex();
  const r = index.search(query);
  return {
    body: {
      total: r.total,
      items: r.hits.map((h) => itemSummary(h.item, index.departments, h.highlight)),
      ...(r.suggestions ? { suggestions: r.suggestions } : {}),
    },
  };
});
