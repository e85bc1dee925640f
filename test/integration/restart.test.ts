/**
 * `npm start` keeps its data in `.data/`: a case waiting for staff survives a restart of the whole
 * local cloud — its task token still works, it completes, and its timers still fire. This test runs
 * its own cloud (persisted in a temporary folder) beside the shared one.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { exampleForm } from '#domain/forms.ts';
import { type LocalCloud, startCloud } from '#infra/local/cloud.ts';
import { callAt } from '../support/client.ts';
import { TEST_CLOCK_START } from '../support/global-setup.ts';
import { withMaterials } from '../support/materials.ts';

const dir = mkdtempSync(join(tmpdir(), 'hall-restart-'));
let cloud: LocalCloud | undefined;

afterAll(async () => {
  await cloud?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function json(
  method: string,
  path: string,
  token?: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const res = await fetch(`${cloud!.url}${path}`, {
    method,
    headers: {
      ...headers,
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: await res.json() };
}

const login = async (username: string) =>
  (await json('POST', '/api/dev/token', undefined, { username, password: 'Demo@2026' })).body
    .accessToken as string;

async function until<T>(check: () => Promise<T | undefined>, what: string): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

it('a waiting case completes after a restart, and its timers still fire', async () => {
  cloud = await startCloud({ dataDir: dir, clockStart: TEST_CLOCK_START, logLevel: 'ERROR' });
  const applicant = await login('zhangsan');
  const accounts = (await json('GET', '/api/dev/accounts')).body.accounts;
  const acceptor = accounts.find(
    (a: any) => a.role === 'staff' && a.hall === 'qiaocheng' && a.posts.includes('受理'),
  );
  const items = (await json('GET', `/api/items?hallId=qiaocheng&deptCode=${acceptor.dept}&limit=50`)).body
    .items;
  let itemCode: string | undefined;
  let form: Record<string, string | boolean> | undefined;
  for (const it of items) {
    const guide = (await json('GET', `/api/items/${encodeURIComponent(it.code)}`)).body;
    if (guide.processTemplate?.id === 'simple') {
      itemCode = it.code;
      form = exampleForm(guide.applicationForm);
    }
    if (itemCode) break;
  }
  const key = randomUUID();
  const filed = await json(
    'POST',
    '/api/halls/qiaocheng/cases',
    applicant,
    await withMaterials(applicant, 'qiaocheng', { itemCode, form }, key, undefined, callAt(cloud.url)),
    { 'idempotency-key': key },
  );
  expect(filed.status).toBe(201);
  const { caseNo } = filed.body;
  const ready = async () => {
    const d = await json('GET', `/api/halls/qiaocheng/cases/${caseNo}`, applicant);
    return d.body.tasks?.find((t: any) => t.ready) ? d.body : undefined;
  };
  await until(ready, 'the acceptance task');

  await cloud.stop();
  cloud = await startCloud({ dataDir: dir, logLevel: 'ERROR' });

  // The waiting execution resumes and the staff member's 受理 moves it on. While the machine is
  // re-entering its waiting state the console may say 409 (刷新后重试), as it would to a person.
  // (Sign-in tokens name the issuer by URL, and this cloud's port changes on restart.)
  const applicantAgain = await login('zhangsan');
  const staff = await login(acceptor.username);
  const refusals: string[] = [];
  await until(async () => {
    const res = await json('POST', `/api/halls/qiaocheng/cases/${caseNo}/actions`, staff, {
      action: 'accept',
    });
    if (res.status === 200) return true;
    expect(res.status, JSON.stringify(res.body)).toBe(409);
    refusals.push(res.body.error.code);
    return undefined;
  }, 'the acceptance after the restart');
  expect(refusals.length, refusals.join()).toBeLessThan(20);
  const decider = accounts.find(
    (a: any) => a.role === 'staff' && a.dept === acceptor.dept && a.posts.includes('决定'),
  );
  const decide = await until(async () => {
    const d = (await json('GET', `/api/halls/qiaocheng/cases/${caseNo}`, applicantAgain)).body;
    return d?.tasks.find((t: any) => t.stepId === 'decide' && t.ready);
  }, 'the decision task after the restart');
  expect(decide.dept).toBe(acceptor.dept);

  // Timers started before and after the restart fire on the (persisted) dev clock.
  cloud.clock.advance(10 * 24 * 3600_000);
  const supervisor = await login('qiaocheng-jc');
  await until(async () => {
    const d = await json('GET', `/api/halls/qiaocheng/cases/${caseNo}`, supervisor);
    return d.body.alerts?.some((a: any) => a.severity === 'red') ? true : undefined;
  }, 'a red alert after the restart');

  const approved = await json(
    'POST',
    `/api/halls/qiaocheng/cases/${caseNo}/actions`,
    await login(decider.username),
    {
      action: 'approve',
    },
  );
  expect(approved.status).toBe(200);
  expect((await json('GET', `/api/halls/qiaocheng/cases/${caseNo}`, applicantAgain)).body.status).toBe(
    'approved',
  );
}, 180_000);
