/**
 * The guide of one item as GET /api/items/{code} answers it, and as the portal's prerendered page of
 * the item carries it (infra/local/portal-prerender.ts): one shape, built in one place.
 */
import { applicationFormOf, type FormTemplate } from './forms.ts';
import { type Catalogue, type Department, effectiveSteps, type Item } from './model.ts';

export function guideAnswer(cat: Catalogue, departments: Map<string, Department>, item: Item) {
  const template = cat.templates.find((t) => t.id === item.processTemplate);
  const formTemplates: Record<string, FormTemplate> = {};
  for (const m of item.materials) {
    const t = m.formTemplate ? cat.formTemplates?.find((x) => x.id === m.formTemplate) : undefined;
    if (t) formTemplates[t.id] = t;
  }
  return {
    item,
    department: departments.get(item.deptCode) ?? null,
    hall: cat.halls.find((h) => h.id === item.hallId) ?? null,
    jointDepartments: item.jointDepts.map((c) => departments.get(c)).filter(Boolean),
    processTemplate: template ?? null,
    steps: template
      ? effectiveSteps(item, template).map((s) => ({
          ...s,
          deptNames: s.depts.map((d) => departments.get(d)?.name ?? d),
        }))
      : [],
    applicationForm: applicationFormOf(item, cat.applicationForms),
    formTemplates,
  };
}
