/**
 * Who may read or act on which case: the one authorisation policy every handler asks.
 * Denials that would reveal a case exists (another person's, department's or hall's) are 'none',
 * which handlers answer exactly like a missing case.
 */
import type { Principal } from './principal.ts';

export interface CaseScope {
  hallId: string;
  deptCode: string;
  applicant: { sub: string };
}

export type CaseAccess = 'none' | 'read' | 'act';

/** Access of `who` to `c`; 'act' means staff of the case's department holding `post`. */
export function caseAccess(who: Principal, c: CaseScope, post?: string): CaseAccess {
  if (who.roles.includes('staff') && who.hall === c.hallId && who.dept === c.deptCode) {
    return post && who.posts.includes(post) ? 'act' : 'read';
  }
  if (who.roles.includes('supervisor') && (who.hall === '*' || who.hall === c.hallId)) return 'read';
  if (who.sub === c.applicant.sub) return 'read';
  return 'none';
}

/** Staff of this hall may see queues of their own department and posts only. */
export function canSeeQueue(who: Principal, hallId: string, deptCode: string, post: string): boolean {
  return (
    who.roles.includes('staff') && who.hall === hallId && who.dept === deptCode && who.posts.includes(post)
  );
}
