import { describe, expect, it } from 'vitest';
import { canSeeQueue, caseAccess } from '#lib/policy.ts';
import type { Principal } from '#lib/principal.ts';

const c = { hallId: 'qiaocheng', deptCode: '341602-gaj', applicant: { sub: 'p1' } };
const who = (p: Partial<Principal>): Principal => ({ sub: 'x', name: '', roles: [], posts: [], ...p });

describe('caseAccess', () => {
  it.each([
    ['the applicant reads their own case', who({ sub: 'p1', roles: ['applicant'] }), '受理', 'read'],
    ['another applicant sees nothing', who({ sub: 'p2', roles: ['applicant'] }), '受理', 'none'],
    [
      'staff of the post acts',
      who({ roles: ['staff'], hall: 'qiaocheng', dept: '341602-gaj', posts: ['受理'] }),
      '受理',
      'act',
    ],
    [
      'staff of another post reads',
      who({ roles: ['staff'], hall: 'qiaocheng', dept: '341602-gaj', posts: ['决定'] }),
      '受理',
      'read',
    ],
    [
      'staff of another department sees nothing',
      who({ roles: ['staff'], hall: 'qiaocheng', dept: '341602-mzj', posts: ['受理'] }),
      '受理',
      'none',
    ],
    [
      'staff of another hall sees nothing',
      who({ roles: ['staff'], hall: 'lixin', dept: '341602-gaj', posts: ['受理'] }),
      '受理',
      'none',
    ],
    ['the hall supervisor reads', who({ roles: ['supervisor'], hall: 'qiaocheng' }), '受理', 'read'],
    ['the city supervisor reads', who({ roles: ['supervisor'], hall: '*' }), '受理', 'read'],
    ['another hall supervisor sees nothing', who({ roles: ['supervisor'], hall: 'lixin' }), '受理', 'none'],
    ['the operator sees no cases', who({ roles: ['operator'] }), '受理', 'none'],
  ] as const)('%s', (_, principal, post, expected) => {
    expect(caseAccess(principal, c, post)).toBe(expected);
  });

  it('limits queues to own department and post', () => {
    const staff = who({ roles: ['staff'], hall: 'qiaocheng', dept: '341602-gaj', posts: ['受理'] });
    expect(canSeeQueue(staff, 'qiaocheng', '341602-gaj', '受理')).toBe(true);
    expect(canSeeQueue(staff, 'qiaocheng', '341602-gaj', '决定')).toBe(false);
    expect(canSeeQueue(staff, 'lixin', '341602-gaj', '受理')).toBe(false);
  });
});
