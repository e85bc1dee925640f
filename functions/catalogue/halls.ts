/** GET /api/halls — the halls of the city with their item counts. */
import { halls as configured } from '#infra/halls.ts';
import { api } from '#lib/http.ts';
import { catalogueIndex } from './runtime.ts';

export const handler = api({ auth: 'public' }, async () => {
  const index = await catalogueIndex();
  const counts = new Map<string, number>();
  for (const it of index.catalogue.items) counts.set(it.hallId, (counts.get(it.hallId) ?? 0) + 1);
  // Before the first import the table is empty; the halls still exist.
  const source = index.catalogue.halls.length ? index.catalogue.halls : configured;
  // The table returns halls by id; show them in the deployment's own order (city first).
  const rank = (id: string) => {
    const i = configured.findIndex((h) => h.id === id);
    return i < 0 ? configured.length : i;
  };
  const halls = [...source]
    .sort((a, b) => rank(a.id) - rank(b.id) || a.code.localeCompare(b.code))
    .map((h) => ({
      id: h.id,
      code: h.code,
      name: h.name,
      fullName: h.fullName,
      level: h.level,
      itemCount: counts.get(h.id) ?? 0,
    }));
  return { body: { halls } };
});
