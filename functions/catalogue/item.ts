/**
 * GET /api/items/{code} — one item with its guide, department, hall and process (steps as they run),
 * its application form (申请表, resolved from the catalogue's library or the standard form of its
 * audience) and the printable templates its materials name.
 */
import { api, httpErrors } from '#lib/http.ts';
import { applicationFormOf, type FormTemplate } from './forms.ts';
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
  const formTemplates: Record<string, FormTemplate> = {};
  for (const m of item.materials) {
    const t = m.formTemplate ? cat.formTemplates?.find((x) => x.id === m.formTemplate) : undefined;
    if (t) formTemplates[t.id] = t;
  }
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
      applicationForm: applicationFormOf(item, cat.applicationForms),
      formTemplates,
    },
  };
});
