/** GET /api/departments?hallId= — 部门服务 navigation: departments with their item counts. */
import { z } from 'zod';
import { api } from '#lib/http.ts';
import { catalogueIndex } from './runtime.ts';

const query = z.object({
  hallId: z
    .string()
    .max(30)
    .regex(/^[a-z][a-z0-9-]*$/, '厅编号格式不正确')
    .optional(),
});

export const handler = api({ auth: 'public', query }, async ({ query }) => {
  const index = await catalogueIndex();
  const counts = new Map<string, number>();
  for (const it of index.catalogue.items) counts.set(it.deptCode, (counts.get(it.deptCode) ?? 0) + 1);
  const departments = index.catalogue.departments
    .filter((d) => !query.hallId || d.hallId === query.hallId)
    .map((d) => ({
      code: d.code,
      name: d.name,
      hallId: d.hallId,
      level: d.level,
      phone: d.phone,
      itemCount: counts.get(d.code) ?? 0,
    }));
  return { body: { departments } };
});
