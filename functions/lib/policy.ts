/**
 * Who may read or act on which case, and who may act for whom: the one authorisation policy every
 * handler asks. Denials that would reveal a case exists (another person's, department's or hall's)
 * are 'none', which handlers answer exactly like a missing case.
 */
import type { Principal } from './principal.ts';

export interface CaseScope {
  hallId: string;
  deptCode: string;
  /** The applicant: a person (sub), or an enterprise (uscc) filed by one of its people. */
  applicant: { sub: string; uscc?: string };
  /** The agent (代办员) who filed for the applicant, if any. */
  agent?: { sub: string };
  /** Departments with a step in the case's process (multi-level and joint items involve several). */
  plan?: { depts: string[] }[];
}

export type CaseAccess = 'none' | 'read' | 'act';

/** Access of `who` to `c`; 'act' means staff of the case's department holding `post`. */
export function caseAccess(who: Principal, c: CaseScope, post?: string): CaseAccess {
  const involved = who.dept === c.deptCode || !!c.plan?.some((step) => step.depts.includes(who.dept ?? ''));
  if (who.roles.includes('staff') && who.hall === c.hallId && involved) {
    return post && who.dept === c.deptCode && who.posts.includes(post) ? 'act' : 'read';
  }
  if (who.roles.includes('supervisor') && (who.hall === '*' || who.hall === c.hallId)) return 'read';
  if (who.sub === c.applicant.sub) return 'read';
  // An enterprise's case: whoever currently acts for that enterprise (signed claim act_uscc).
  if (c.applicant.uscc && who.actingFor?.uscc === c.applicant.uscc) return 'read';
  // The agent who filed it follows it too; the applicant still sees it as their own (above).
  if (c.agent && who.roles.includes('agent') && who.sub === c.agent.sub) return 'read';
  return 'none';
}

/** Staff may act on an open task of a case only in their own hall, department and post. */
export function canActOnTask(
  who: Principal,
  hallId: string,
  task: { kind: string; dept?: string; post: string },
) {
  return (
    task.kind === 'staff' &&
    who.roles.includes('staff') &&
    who.hall === hallId &&
    who.dept === task.dept &&
    who.posts.includes(task.post)
  );
}

/** Staff of this hall and department act for the department as a whole (评价申诉, 在线咨询 answers). */
export function actsForDepartment(who: Principal, hallId: string, deptCode: string): boolean {
  return who.roles.includes('staff') && who.hall === hallId && !!who.dept && who.dept === deptCode;
}

/** A supervisor of this hall, or a city-wide one. */
export function supervisesHall(who: Principal, hallId: string): boolean {
  return who.roles.includes('supervisor') && (who.hall === '*' || who.hall === hallId);
}

/** Staff of this hall may see queues of their own department and posts only. */
export function canSeeQueue(who: Principal, hallId: string, deptCode: string, post: string): boolean {
  return (
    who.roles.includes('staff') && who.hall === hallId && who.dept === deptCode && who.posts.includes(post)
  );
}

/** A person's confirmed authorisation of an agent (functions/identity/store.ts keeps them). */
export interface Mandate {
  agentSub: string;
  personSub: string;
  /** Epoch ms after which the agent may no longer act for the person. */
  validUntil: number;
  revoked?: boolean;
}

/** Whether `who` may file or act in the name of person `personSub` at `now`. */
export function mayActForPerson(
  who: Principal,
  personSub: string,
  mandate: Mandate | undefined,
  now: number,
) {
  if (who.sub === personSub) return true;
  return (
    who.roles.includes('agent') &&
    mandate !== undefined &&
    !mandate.revoked &&
    mandate.agentSub === who.sub &&
    mandate.personSub === personSub &&
    mandate.validUntil > now
  );
}

/** Whether `who` may file in the name of enterprise `uscc` (only while acting for it). */
export function mayActForEnterprise(who: Principal, uscc: string): boolean {
  return who.actingFor?.uscc === uscc;
}

/** Platform administration (accounts, roles, audit log, catalogue import): operators only. */
export function isOperator(who: Principal | undefined): boolean {
  return who?.roles.includes('operator') ?? false;
}

/** Whether `who` sees `owner`'s identity numbers and phone in the clear: the owner alone. */
export function seesUnmasked(who: Principal | undefined, ownerSub: string): boolean {
  return who?.sub === ownerSub;
}
