/**
 * Where the callback page sends someone who just signed in. A sign-in started from a page (a case
 * link such as /staff/case/?no=…, an apply form, the supervision console) returns to that page,
 * whatever the role; only a plain sign-in (the default return, 我的账户) goes to the role's own
 * landing page (staff → /staff/, supervisors → /supervise/, agents → /agent/). Pure.
 */
export const DEFAULT_RETURN = '/account/';

export function destinationAfterLogin(
  returnTo: string,
  roles: string[],
  landingFor: (roles: string[]) => string,
): string {
  return returnTo === DEFAULT_RETURN ? landingFor(roles) : returnTo;
}
