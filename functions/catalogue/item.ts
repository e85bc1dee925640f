/** GET /api/items/{code} — one item with its guide, department, hall and process (steps as they run). */
import { api, httpErrors } from '#lib/http.ts';
import { effectiveSteps } from './model.ts';
import { catalogueIndex } from './runtime.ts';

export const handler = api({ auth: 'public' }, async ({ params }) => {
  const index = await catalogueIndex();
  const code = (params.code ?? '').trim();
  const item = code.length <= 60 ? index.item(code) : undefined;
  if (!item) throw httpErrors.notFound('未找到该事项，可能已调整或下线');
  const cat = index.catalogue;
  const template = cat.templates.find((t) => t.id === item.processTemplate);
  const dept = index.departments.get(item.deptCode);
  return {
    body: {
      item,
      department: dept ?? null,
      hall: cat.halls.find((h) => h.id === item.hallId) ?? null,
      jointDepartments: item.jointDepts.map((c) => index.departments.get(c)).filter(Boolean),
      processTemplate: template ?? null,
      steps: template
        ? effectiveSteps(item, template).map((s) => ({
            ...s,
            deptNames: s.depts.map((d) => index.departments.get(d)?.name ?? d),
          }))
        : [],
    },
  };
});
