/**
 * The authorisation matrix: every role against every route of infra/resources.ts, with own and
 * foreign resources — the caller's own case, another person's case, another department's case,
 * another hall's case (and own/foreign enterprise, mandate request, account). Where the policy
 * says no, the answer is 401/403/404 with an error body and nothing else; where it says yes,
 * authorisation lets the request through (the handler may still refuse the content with 400/409/422).
 * A route added to infra/resources.ts without a row here fails the coverage test.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleForm } from '#domain/forms.ts';
import { hallResources, platformResources } from '#infra/resources.ts';
import { legalPersons } from '#infra/seed/registries.ts';
import { call, eventually, login } from '../support/client.ts';
import { withMaterials } from '../support/materials.ts';

const HALL = 'qiaocheng';
const OTHER_HALL = 'lixin';
const ROLES = [
  'anonymous',
  'applicant',
  'agent',
  'staff',
  'supervisor',
  'citySupervisor',
  'operator',
] as const;
type Role = (typeof ROLES)[number];
type CaseLabel = 'own' | 'otherPerson' | 'otherDept' | 'otherHall';

const tokens = {} as Record<Role, string | undefined>;
const usernames = {} as Record<Role, string | undefined>;
let fixtureItem = '';
/** The draft the applicant's fixture case was filed with (the draft routes' cells). */
let applicantDraft = '';
/** A filled application form of each item filed here, valid for its definition. */
const forms = new Map<string, Record<string, string | boolean>>();
const cases = {} as Record<CaseLabel, { caseNo: string; hall: string; queryCode: string }>;

/** Which role may read which fixture case (policy.ts caseAccess, spelled out). */
const READS: Record<Role, CaseLabel[]> = {
  anonymous: [],
  applicant: ['own'],
  agent: [],
  staff: ['own', 'otherPerson'],
  supervisor: ['own', 'otherPerson', 'otherDept'],
  citySupervisor: ['own', 'otherPerson', 'otherDept', 'otherHall'],
  operator: [],
};

interface Cell {
  label: string;
  method: string;
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  allowed(role: Role): boolean;
  /** Further refusals that carry no data (the progress query's proof of work and rate limit). */
  alsoDenied?: number[];
  /** What the cell ended for the role and must be given back before the next cell (a new token). */
  restore?(role: Role): Promise<void>;
}

type RouteKey = string;
const caseLabels: CaseLabel[] = ['own', 'otherPerson', 'otherDept', 'otherHall'];
const anyUser = (r: Role) => r !== 'anonymous';
const only =
  (...roles: Role[]) =>
  (r: Role) =>
    roles.includes(r);

/** Every route → its cells. Hall routes are spelled with the prefix template. */
function cellsFor(route: RouteKey): Cell[] {
  const caseCells = (
    method: string,
    suffix: string,
    allowed: (r: Role, c: CaseLabel) => boolean,
    body?: unknown,
  ) =>
    caseLabels.map((c) => ({
      label: c,
      method,
      path: `/api/halls/${cases[c].hall}/cases/${cases[c].caseNo}${suffix}`,
      body,
      allowed: (r: Role) => allowed(r, c),
    }));
  const reads = (r: Role, c: CaseLabel) => READS[r].includes(c);
  const company = legalPersons[0];
  const foreign = legalPersons[2];
  switch (route) {
    case 'POST /api/halls/{hallId}/cases':
      return [
        {
          label: 'file',
          method: 'POST',
          path: `/api/halls/${HALL}/cases`,
          body: { itemCode: fixtureItem, form: forms.get(fixtureItem) },
          headers: { 'idempotency-key': randomUUID() },
          allowed: only('applicant'),
        },
      ];
    case 'GET /api/halls/{hallId}/cases':
      return [{ label: 'mine', method: 'GET', path: `/api/halls/${HALL}/cases`, allowed: anyUser }];
    case 'GET /api/halls/{hallId}/cases/{caseNo}':
      return caseCells('GET', '', reads);
    case 'GET /api/halls/{hallId}/cases/{caseNo}/verify':
      return caseCells('GET', '/verify', reads);
    case 'GET /api/halls/{hallId}/cases/{caseNo}/materials':
      return caseCells('GET', '/materials', reads);
    case 'POST /api/halls/{hallId}/cases/{caseNo}/materials/{fileId}/open':
      // No such file: readers get 404 too, so nothing is opened (or logged) by the matrix.
      return caseCells('POST', '/materials/no-such-file/open', () => false);
    case 'POST /api/halls/{hallId}/cases/{caseNo}/materials/uploads':
      // 补交 into one's own case only (the fixture case runs no correction: 409 for its applicant).
      return caseCells('POST', '/materials/uploads', (r, c) => r === 'applicant' && c === 'own', {
        slotId: 'm1abc',
        fileName: '补交.pdf',
        contentType: 'application/pdf',
        size: 1000,
      });
    case 'GET /api/halls/{hallId}/licences':
      return [{ label: 'mine', method: 'GET', path: `/api/halls/${HALL}/licences`, allowed: anyUser }];
    case 'GET /api/halls/{hallId}/licences/public-key':
      return [
        {
          label: 'public',
          method: 'GET',
          path: `/api/halls/${HALL}/licences/public-key`,
          allowed: () => true,
        },
      ];
    case 'GET /api/halls/{hallId}/licences/{licenceNo}/verify':
      // Public: an unknown number is answered 200 "forged", never 404 (the page says why).
      return [
        {
          label: 'public',
          method: 'GET',
          path: `/api/halls/${HALL}/licences/DZ341602-20260101-999999/verify?s=x`,
          allowed: () => true,
        },
      ];
    case 'GET /api/halls/{hallId}/licences/{licenceNo}/pdf':
      // Nobody's licence: 404 for all, so nothing is handed out by the matrix.
      return [
        {
          label: 'none',
          method: 'GET',
          path: `/api/halls/${HALL}/licences/DZ341602-20260101-999999/pdf`,
          allowed: () => false,
        },
      ];
    case 'POST /api/halls/{hallId}/licences/{licenceNo}/revoke':
      return [
        {
          label: 'none',
          method: 'POST',
          path: `/api/halls/${HALL}/licences/DZ341602-20260101-999999/revoke`,
          body: { reason: '矩阵测试' },
          allowed: () => false,
        },
      ];
    case 'POST /api/halls/{hallId}/drafts':
      return [
        {
          label: 'open',
          method: 'POST',
          path: `/api/halls/${HALL}/drafts`,
          body: { itemCode: fixtureItem },
          allowed: only('applicant'),
        },
      ];
    case 'GET /api/halls/{hallId}/drafts/{draftId}':
      return [
        {
          label: 'the applicant’s',
          method: 'GET',
          path: `/api/halls/${HALL}/drafts/${applicantDraft}`,
          allowed: only('applicant'),
        },
      ];
    case 'POST /api/halls/{hallId}/drafts/{draftId}/uploads':
      // The draft was filed: its owner is told so (409), everyone else that there is no such draft.
      return [
        {
          label: 'filed draft',
          method: 'POST',
          path: `/api/halls/${HALL}/drafts/${applicantDraft}/uploads`,
          body: { slotId: 'm0', fileName: 'a.pdf', contentType: 'application/pdf', size: 100 },
          allowed: only('applicant'),
        },
      ];
    case 'DELETE /api/halls/{hallId}/drafts/{draftId}/files/{fileId}':
      return [
        {
          label: 'filed draft',
          method: 'DELETE',
          path: `/api/halls/${HALL}/drafts/${applicantDraft}/files/no-such-file`,
          allowed: only('applicant'),
        },
      ];
    case 'POST /api/halls/{hallId}/cases/{caseNo}/actions':
      // A stale version: even the one who may act gets a conflict, so the fixture is not moved on.
      return caseCells('POST', '/actions', (r, c) => r === 'staff' && (c === 'own' || c === 'otherPerson'), {
        action: 'accept',
        version: 9999,
      });
    case 'POST /api/halls/{hallId}/cases/{caseNo}/alerts/{alertId}':
      return caseCells('POST', '/alerts/no-such-alert', () => false, { action: 'urge', note: '请尽快办理' });
    case 'GET /api/halls/{hallId}/cases/{caseNo}/result':
      // The applicant only (the fixture is not decided: 409 RESULT_NOT_READY).
      return caseCells('GET', '/result', (r, c) => r === 'applicant' && c === 'own');
    case 'POST /api/halls/{hallId}/cases/{caseNo}/payment':
    case 'POST /api/halls/{hallId}/cases/{caseNo}/payment/query':
      // Only the applicant of the case (the fixture charges nothing: 409 NOTHING_TO_PAY / nothing to ask).
      return caseCells(
        'POST',
        route.endsWith('/query') ? '/payment/query' : '/payment',
        (r, c) => r === 'applicant' && c === 'own',
      );
    case 'GET /api/halls/{hallId}/payments/reconciliation':
      return [
        {
          label: 'own hall',
          method: 'GET',
          path: `/api/halls/${HALL}/payments/reconciliation?day=2026-01-01`,
          allowed: only('supervisor', 'citySupervisor', 'operator'),
        },
        {
          label: 'other hall',
          method: 'GET',
          path: `/api/halls/${OTHER_HALL}/payments/reconciliation?day=2026-01-01`,
          allowed: only('citySupervisor', 'operator'),
        },
      ];
    case 'POST /api/halls/{hallId}/payments/notify':
      // The provider's notification: no token, the signature decides (an unsigned one is refused, 415/400).
      return [
        {
          label: 'unsigned',
          method: 'POST',
          path: `/api/halls/${HALL}/payments/notify`,
          body: {},
          allowed: () => true,
        },
      ];
    case 'GET /api/halls/{hallId}/tasks':
      return [
        { label: 'own hall', method: 'GET', path: `/api/halls/${HALL}/tasks`, allowed: only('staff') },
        { label: 'other hall', method: 'GET', path: `/api/halls/${OTHER_HALL}/tasks`, allowed: () => false },
      ];
    case 'GET /api/halls/{hallId}/alerts':
      return [
        {
          label: 'own hall',
          method: 'GET',
          path: `/api/halls/${HALL}/alerts`,
          allowed: only('staff', 'supervisor', 'citySupervisor'),
        },
        {
          label: 'other hall',
          method: 'GET',
          path: `/api/halls/${OTHER_HALL}/alerts`,
          allowed: only('citySupervisor'),
        },
      ];
    case 'GET /api/halls/{hallId}/alerts/summary':
      return [
        {
          label: 'own hall',
          method: 'GET',
          path: `/api/halls/${HALL}/alerts/summary`,
          allowed: only('supervisor', 'citySupervisor'),
        },
        {
          label: 'other hall',
          method: 'GET',
          path: `/api/halls/${OTHER_HALL}/alerts/summary`,
          allowed: only('citySupervisor'),
        },
      ];
    case 'GET /api/halls/{hallId}/progress':
      return [
        {
          label: 'right code',
          method: 'GET',
          path: `/api/halls/${HALL}/progress?caseNo=${cases.own.caseNo}&code=${cases.own.queryCode}`,
          allowed: () => true,
        },
        {
          label: 'wrong code',
          method: 'GET',
          path: `/api/halls/${HALL}/progress?caseNo=${cases.own.caseNo}&code=${cases.own.queryCode === '000000' ? '111111' : '000000'}`,
          allowed: () => false,
          alsoDenied: [428, 429],
        },
      ];
    case 'GET /api/halls/{hallId}/stats':
    case 'GET /api/halls/{hallId}/disclosure':
      return [
        {
          label: 'public',
          method: 'GET',
          path: route.split(' ')[1].replace('{hallId}', HALL),
          allowed: () => true,
        },
      ];
    case 'GET /api/halls/{hallId}/stats/export':
      return [
        {
          label: 'own hall',
          method: 'GET',
          path: `/api/halls/${HALL}/stats/export?month=2026-03&format=csv`,
          allowed: only('supervisor', 'citySupervisor', 'operator'),
        },
        {
          label: 'other hall',
          method: 'GET',
          path: `/api/halls/${OTHER_HALL}/stats/export?month=2026-03&format=csv`,
          allowed: only('citySupervisor', 'operator'),
        },
      ];
    case 'GET /api/halls':
    case 'GET /api/items':
    case 'GET /api/suggest':
    case 'GET /api/departments':
      return [
        {
          label: 'public',
          method: 'GET',
          path: `${route.split(' ')[1]}?q=%E6%88%B7%E7%B1%8D`,
          allowed: () => true,
        },
      ];
    case 'GET /api/items/{code}':
      return [{ label: 'public', method: 'GET', path: '/api/items/NO-SUCH-ITEM', allowed: () => false }];
    case 'POST /api/catalogue/import':
      return [
        {
          label: 'import',
          method: 'POST',
          path: '/api/catalogue/import?dryRun=1',
          body: { items: 'x' },
          allowed: only('operator'),
        },
      ];
    case 'GET /api/catalogue/versions':
      return [
        { label: 'versions', method: 'GET', path: '/api/catalogue/versions', allowed: only('operator') },
      ];
    case 'POST /api/catalogue/rollback':
      return [
        {
          label: 'rollback',
          method: 'POST',
          // Not the current version: the operator gets 409 ROLLBACK_STALE and nothing is undone.
          path: '/api/catalogue/rollback',
          body: { version: 'v999999' },
          allowed: only('operator'),
        },
      ];
    case 'POST /api/accounts':
      return [
        {
          label: 'register',
          method: 'POST',
          path: '/api/accounts',
          body: { name: '某' },
          allowed: () => true,
        },
      ];
    // Public: bodies that are refused (400) for every role, so no SMS is sent and no counter moves.
    case 'POST /api/accounts/codes':
      return [
        {
          label: 'code',
          method: 'POST',
          path: '/api/accounts/codes',
          body: { purpose: 'login' },
          allowed: () => true,
        },
      ];
    case 'POST /api/accounts/password-reset':
      return [
        {
          label: 'reset',
          method: 'POST',
          path: '/api/accounts/password-reset',
          body: { purpose: 'reset' },
          allowed: () => true,
        },
      ];
    case 'GET /api/calendar':
      return [{ label: 'calendar', method: 'GET', path: '/api/calendar', allowed: () => true }];
    case 'PUT /api/calendar/years/{year}':
      return [
        {
          label: 'load a year',
          method: 'PUT',
          // A year nobody may load: the operator gets 422 about it, everyone else is refused first.
          path: '/api/calendar/years/1999',
          body: {
            source: '国务院办公厅关于1999年部分节假日安排的通知',
            holidays: ['1999-01-01'],
            workdays: [],
          },
          allowed: only('operator'),
        },
      ];
    case 'GET /api/calendar/loads':
      return [{ label: 'loads', method: 'GET', path: '/api/calendar/loads', allowed: only('operator') }];
    case 'GET /api/account':
      return [{ label: 'own account', method: 'GET', path: '/api/account', allowed: anyUser }];
    case 'DELETE /api/account/sessions':
      // 退出所有设备 ends the role's own tokens: the matrix signs that role in again afterwards.
      return [
        {
          label: 'own sessions',
          method: 'DELETE',
          path: '/api/account/sessions',
          allowed: anyUser,
          restore: async (role) => {
            const username = usernames[role];
            if (username) tokens[role] = await login(username);
          },
        },
      ];
    case 'PUT /api/account/acting-for':
      return [
        {
          label: 'own enterprise',
          method: 'PUT',
          path: '/api/account/acting-for',
          body: { uscc: company.uscc },
          allowed: only('applicant'),
        },
        {
          label: 'foreign enterprise',
          method: 'PUT',
          path: '/api/account/acting-for',
          body: { uscc: foreign.uscc },
          allowed: () => false,
        },
      ];
    case 'POST /api/enterprises':
      // Already registered by zhangsan: allowed callers get 409, others are refused.
      return [
        {
          label: 'register',
          method: 'POST',
          path: '/api/enterprises',
          body: { uscc: company.uscc, name: company.name },
          allowed: only('applicant'),
        },
      ];
    case 'POST /api/enterprises/{uscc}/members':
      return [
        {
          label: 'own enterprise',
          method: 'POST',
          path: `/api/enterprises/${company.uscc}/members`,
          body: { idNumber: '11010519491231002X', name: '某某' },
          allowed: only('applicant'),
        },
        {
          label: 'foreign enterprise',
          method: 'POST',
          path: `/api/enterprises/${foreign.uscc}/members`,
          body: { idNumber: '11010519491231002X', name: '某某' },
          allowed: () => false,
        },
      ];
    case 'GET /api/agent/mandates':
      return [{ label: 'own mandates', method: 'GET', path: '/api/agent/mandates', allowed: only('agent') }];
    case 'POST /api/agent/mandates':
      return [
        {
          label: 'ask',
          method: 'POST',
          path: '/api/agent/mandates',
          body: { idNumber: '11010519491231002X', name: '某某', materialRef: 'SQWT-0000' },
          allowed: only('agent'),
        },
      ];
    case 'POST /api/agent/mandates/{id}/confirm':
      return [
        {
          label: 'foreign request',
          method: 'POST',
          path: `/api/agent/mandates/${randomUUID()}/confirm`,
          body: { code: '123456' },
          allowed: () => false,
        },
      ];
    case 'GET /api/accounts':
      return [
        { label: 'list', method: 'GET', path: '/api/accounts?role=applicant', allowed: only('operator') },
      ];
    case 'PUT /api/accounts/{sub}/roles':
      return [
        {
          label: 'another account',
          method: 'PUT',
          path: '/api/accounts/demo-lisi/roles',
          // Unknown department: the operator gets 422 about it, everyone else is refused first.
          body: { roles: ['staff'], hall: 'lixin', dept: 'no-such-dept', posts: ['受理'] },
          allowed: only('operator'),
        },
      ];
    case 'GET /api/audit':
      return [{ label: 'audit', method: 'GET', path: '/api/audit', allowed: only('operator') }];
    // 在线咨询 (functions/consult). Asking: persons and agents (a too-short question: 422, nothing stored).
    case 'POST /api/halls/{hallId}/consultations':
      return [
        {
          label: 'ask',
          method: 'POST',
          path: `/api/halls/${HALL}/consultations`,
          body: { itemCode: fixtureItem, question: '短' },
          allowed: only('applicant', 'agent'),
        },
      ];
    case 'GET /api/halls/{hallId}/consultations':
      return [{ label: 'mine', method: 'GET', path: `/api/halls/${HALL}/consultations`, allowed: anyUser }];
    // Without a phone proof nobody gets through (401 PHONE_PROOF_REQUIRED).
    case 'POST /api/halls/{hallId}/consultations/anonymous':
    case 'GET /api/halls/{hallId}/consultations/anonymous':
      return [
        {
          label: 'no proof',
          method: route.split(' ')[0],
          path: `/api/halls/${HALL}/consultations/anonymous`,
          body: route.startsWith('POST')
            ? { itemCode: fixtureItem, question: '请问需要带什么材料？' }
            : undefined,
          headers: { 'x-phone-proof': 'forged.proof' },
          allowed: () => false,
        },
      ];
    case 'POST /api/halls/{hallId}/consultations/{consultNo}/answer':
    case 'POST /api/halls/{hallId}/consultations/{consultNo}/rating':
    case 'POST /api/halls/{hallId}/consultations/{consultNo}/anonymous-rating':
    case 'PUT /api/halls/{hallId}/consultations/{consultNo}/faq':
    case 'DELETE /api/halls/{hallId}/consultations/{consultNo}/faq': {
      const [method, path] = route.split(' ');
      const bodies: Record<string, unknown> = {
        answer: { answer: '请携带身份证原件到窗口办理。' },
        rating: { rating: { level: 5 } },
        'anonymous-rating': { rating: { level: 5 } },
        faq: method === 'PUT' ? { question: '需要带什么材料？', answer: '身份证原件。' } : undefined,
      };
      return [
        {
          label: 'someone else’s or none',
          method,
          path: path.replace('{hallId}', HALL).replace('{consultNo}', 'ZX341602-20260101-AAAAAA'),
          body: bodies[path.split('/').pop()!],
          allowed: () => false,
        },
      ];
    }
    case 'GET /api/halls/{hallId}/faq':
      return [
        {
          label: 'public',
          method: 'GET',
          path: `/api/halls/${HALL}/faq?itemCode=${encodeURIComponent(fixtureItem)}`,
          allowed: () => true,
        },
      ];
    case 'GET /api/halls/{hallId}/appeals':
      return [
        {
          label: 'own hall',
          method: 'GET',
          path: `/api/halls/${HALL}/appeals`,
          allowed: only('staff', 'supervisor', 'citySupervisor'),
        },
        {
          label: 'other hall',
          method: 'GET',
          path: `/api/halls/${OTHER_HALL}/appeals`,
          allowed: only('citySupervisor'),
        },
      ];
    case 'POST /api/accounts/phone-proofs':
      // Public: a wrong or missing code is 422 for anyone (what stops guessing is the code's five tries).
      return [
        {
          label: 'no code sent',
          method: 'POST',
          path: '/api/accounts/phone-proofs',
          body: { phone: '13900000000', code: '000000' },
          allowed: () => true,
        },
      ];
    default:
      return [];
  }
}

const allRoutes: RouteKey[] = [
  ...hallResources.routes.map((r) => `${r.method} ${hallResources.apiPrefix}${r.path}`),
  ...platformResources.routes.map((r) => `${r.method} ${platformResources.apiPrefix}${r.path}`),
];

async function fileCase(token: string, hall: string, deptCode: string) {
  const items = await call('GET', `/api/items?hallId=${hall}&deptCode=${deptCode}&limit=5`);
  const itemCode = items.body.items[0].code;
  fixtureItem ||= itemCode;
  if (!forms.has(itemCode)) {
    const guide = await call('GET', `/api/items/${encodeURIComponent(itemCode)}`);
    forms.set(itemCode, exampleForm(guide.body.applicationForm, { address: '谯城区汤陵街道' }));
  }
  const key = randomUUID();
  const body = await withMaterials(token, hall, { itemCode, form: forms.get(itemCode) }, key);
  const res = await call('POST', `/api/halls/${hall}/cases`, {
    token,
    body,
    headers: { 'idempotency-key': key },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  if (token === tokens.applicant) applicantDraft ||= (body as { draftId?: string }).draftId ?? '';
  return { caseNo: res.body.caseNo as string, hall, queryCode: res.body.queryCode as string };
}

beforeAll(async () => {
  const accounts = (await call('GET', '/api/dev/accounts')).body.accounts as any[];
  const staff = accounts.find((a) => a.role === 'staff' && a.hall === HALL && a.posts.includes('受理'));
  const otherDept = accounts.find((a) => a.role === 'staff' && a.hall === HALL && a.dept !== staff.dept);
  const otherHallDept = accounts.find((a) => a.role === 'staff' && a.hall === OTHER_HALL);
  Object.assign(usernames, {
    applicant: 'zhangsan',
    agent: 'daiban-xuege',
    staff: staff.username,
    supervisor: `${HALL}-jc`,
    citySupervisor: 'supervisor',
    operator: 'operator',
  });
  tokens.anonymous = undefined;
  for (const role of ROLES) {
    const username = usernames[role];
    if (username) tokens[role] = await login(username);
  }
  const lisi = await login('lisi');
  cases.own = await fileCase(tokens.applicant!, HALL, staff.dept);
  cases.otherPerson = await fileCase(lisi, HALL, staff.dept);
  cases.otherDept = await fileCase(lisi, HALL, otherDept.dept);
  cases.otherHall = await fileCase(lisi, OTHER_HALL, otherHallDept.dept);
  // The lifecycle has put the staff member's cases in their queue before the matrix runs.
  await eventually(async () => {
    const q = await call('GET', `/api/halls/${HALL}/tasks`, { token: tokens.staff });
    return q.body.tasks?.some((t: any) => t.caseNo === cases.otherPerson.caseNo) ? true : undefined;
  }, 'the fixture cases in the queue');
}, 120_000);

// The matrix switches zhangsan to act for the enterprise (PUT acting-for); later files expect a person.
afterAll(async () => {
  const token = await login('zhangsan');
  await call('PUT', '/api/account/acting-for', { token, body: { uscc: null } });
});

describe('authorisation matrix', () => {
  it('covers every route of infra/resources.ts', () => {
    const missing = allRoutes.filter((r) => cellsFor(r).length === 0);
    expect(missing).toEqual([]);
  });

  it('refuses without data where the policy says no, lets through where it says yes', async () => {
    const failures: string[] = [];
    let size = 0;
    for (const route of allRoutes) {
      for (const cell of cellsFor(route)) {
        for (const role of ROLES) {
          size++;
          const res = await call(cell.method, cell.path, {
            token: tokens[role],
            body: cell.body,
            headers: cell.headers,
          });
          await cell.restore?.(role);
          const where = `${role} × ${route} [${cell.label}] → ${res.status}`;
          if (res.status >= 500) failures.push(`${where} (server error)`);
          else if (cell.allowed(role)) {
            if ([401, 403, 404].includes(res.status))
              failures.push(`${where}, expected to be let through: ${JSON.stringify(res.body)}`);
          } else {
            const denied = [401, 403, 404, ...(cell.alsoDenied ?? [])].includes(res.status);
            const onlyError =
              res.body && typeof res.body === 'object' && Object.keys(res.body).join() === 'error';
            if (!denied || !onlyError)
              failures.push(
                `${where}, expected 401/403/404 without data: ${JSON.stringify(res.body).slice(0, 200)}`,
              );
          }
        }
      }
    }
    console.info(
      `authorisation matrix: ${ROLES.length} roles × ${allRoutes.length} routes, ${size} requests`,
    );
    expect(failures).toEqual([]);
  }, 180_000);

  it('“我的办件” lists only the caller’s own cases', async () => {
    for (const role of ROLES.filter((r) => r !== 'anonymous')) {
      const res = await call('GET', `/api/halls/${HALL}/cases`, { token: tokens[role] });
      expect(res.status).toBe(200);
      const seen = new Set(res.body.cases.map((c: any) => c.caseNo));
      expect(seen.has(cases.own.caseNo)).toBe(role === 'applicant');
      expect(seen.has(cases.otherPerson.caseNo)).toBe(false);
      expect(seen.has(cases.otherDept.caseNo)).toBe(false);
    }
  });
});
