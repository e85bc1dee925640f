/** The roles an account can hold, and where each one starts its work in the portal. */
export const ROLES = ['applicant', 'agent', 'staff', 'supervisor', 'operator'] as const;
export type Role = (typeof ROLES)[number];

export const isRole = (v: string): v is Role => (ROLES as readonly string[]).includes(v);

/** The workspace a person lands on after signing in (staff and supervisors have their own). */
export function landingPath(roles: readonly string[]): string {
  if (roles.includes('staff')) return '/staff/';
  if (roles.includes('supervisor')) return '/supervise/';
  if (roles.includes('operator')) return '/operate/';
  if (roles.includes('agent')) return '/agent/';
  return '/account/';
}
