/**
 * Demo accounts of the local cloud, one for every role and every hall, all with the same
 * password so a newcomer can try each. Staff accounts are made for the departments that handle
 * the most items of each hall, three posts each (受理/审查/决定), each with a demo mobile for the
 * SMS of new tasks and alerts (`staffPhone`). Listed at /dev/ and in the README.
 * The local cloud stores them in the accounts table (infra/local/oidc/seed.ts) with exactly these
 * claims, so signing in through the identity provider or POST /api/dev/token gives the same token.
 */
import { halls } from '../halls.ts';
import { population } from './registries.ts';

export const DEMO_PASSWORD = 'Demo@2026';

export interface DemoAccount {
  username: string;
  password: string;
  role: 'applicant' | 'agent' | 'staff' | 'supervisor' | 'operator';
  name: string;
  hall?: string;
  dept?: string;
  deptName?: string;
  posts?: string[];
  /** Mainland mobile (applicants, the agent, staff): SMS goes here, shown on the dev page. */
  phone?: string;
  /** Claims of the access token (as the identity provider would issue them). */
  claims: Record<string, unknown>;
  /** Persons: the resident ID of their population record (infra/seed/registries.ts). */
  idNumber?: string;
  agentPoint?: string;
  village?: string;
}

interface DeptRef {
  code: string;
  name: string;
  hallId: string;
  itemCount: number;
}

/** The hall whose every department has demo staff. */
export const PILOT_HALL = 'qiaocheng';

/** Acceptance staff also work the window (领取登记). */
const postsOf = (post: string) => (post === '受理' ? ['受理', '窗口'] : [post]);

const POSTS = [
  { post: '受理', suffix: 'sl', title: '受理员' },
  { post: '审查', suffix: 'sc', title: '审查员' },
  { post: '决定', suffix: 'jd', title: '审批负责人' },
] as const;

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗';

/**
 * Demo staff mobiles: 139 and the staff member's 8-digit number in the order of this list
 * (13900000001, 13900000002, …). Distinct from each other and from the registry's people
 * (1380000000x, 1391234xxxx), and not in the population registry, so nobody can register them.
 */
export const staffPhone = (serial: number) => `139${String(serial).padStart(8, '0')}`;

export function demoAccounts(departments: DeptRef[], staffDeptsPerHall = 3): DemoAccount[] {
  const accounts: DemoAccount[] = [
    applicant('zhangsan', '张三', '13800000001', population[0].idNumber),
    applicant('lisi', '李四', '13800000002', population[1].idNumber),
    {
      username: 'daiban-xuege',
      password: DEMO_PASSWORD,
      role: 'agent',
      name: '孙代办',
      hall: 'qiaocheng',
      idNumber: population[2].idNumber,
      phone: '13800000009',
      agentPoint: '薛阁街道代办点',
      village: '薛阁街道',
      claims: {
        sub: 'demo-daiban-xuege',
        name: '孙代办',
        roles: ['agent'],
        hall: 'qiaocheng',
        phone_number: '13800000009',
        agent_point: '薛阁街道代办点',
        village: '薛阁街道',
      },
    },
    {
      username: 'operator',
      password: DEMO_PASSWORD,
      role: 'operator',
      name: '运营中心管理员',
      claims: { sub: 'demo-operator', name: '运营中心管理员', roles: ['operator'] },
    },
    {
      username: 'supervisor',
      password: DEMO_PASSWORD,
      role: 'supervisor',
      name: '市效能监察员',
      hall: '*',
      claims: { sub: 'demo-supervisor-all', name: '市效能监察员', roles: ['supervisor'], hall: '*' },
    },
  ];
  let n = 0;
  for (const hall of halls) {
    accounts.push({
      username: `${hall.id}-jc`,
      password: DEMO_PASSWORD,
      role: 'supervisor',
      name: `${hall.name}监察员`,
      hall: hall.id,
      claims: {
        sub: `demo-supervisor-${hall.id}`,
        name: `${hall.name}监察员`,
        roles: ['supervisor'],
        hall: hall.id,
      },
    });
    const top = departments
      .filter((d) => d.hallId === hall.id)
      .sort((a, b) => b.itemCount - a.itemCount || a.code.localeCompare(b.code))
      // The pilot hall has staff in every department (town streets included), so every process
      // template — joint and multi-level too — can be walked through; other halls their top three.
      .slice(0, hall.id === PILOT_HALL ? undefined : staffDeptsPerHall);
    for (const dept of top) {
      const short = dept.code.split('-').slice(1).join('-');
      for (const { post, suffix, title } of POSTS) {
        const name = `${SURNAMES[n % SURNAMES.length]}${title}`;
        const phone = staffPhone(++n);
        const username = `${hall.id}-${short}-${suffix}`;
        accounts.push({
          username,
          password: DEMO_PASSWORD,
          role: 'staff',
          name,
          hall: hall.id,
          dept: dept.code,
          deptName: dept.name,
          posts: postsOf(post),
          phone,
          claims: {
            sub: `demo-${username}`,
            name,
            roles: ['staff'],
            phone_number: phone,
            hall: hall.id,
            dept: dept.code,
            posts: postsOf(post),
            level: hall.level,
          },
        });
      }
    }
  }
  return accounts;
}

function applicant(username: string, name: string, phone: string, idNumber: string): DemoAccount {
  return {
    username,
    password: DEMO_PASSWORD,
    role: 'applicant',
    name,
    idNumber,
    phone,
    claims: { sub: `demo-${username}`, name, roles: ['applicant'], phone_number: phone, verified: 'true' },
  };
}
