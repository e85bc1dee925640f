/** Who reads this hall's alerts: its supervisors (or the city's), and its staff for their own department. */
import type { Principal } from '#lib/principal.ts';

export type AlertReader = { kind: 'supervisor' } | { kind: 'staff'; dept: string };

export function alertReader(who: Principal, hallId: string): AlertReader | undefined {
  if (who.roles.includes('supervisor') && (who.hall === '*' || who.hall === hallId))
    return { kind: 'supervisor' };
  if (who.roles.includes('staff') && who.hall === hallId && who.dept)
    return { kind: 'staff', dept: who.dept };
  return undefined;
}
