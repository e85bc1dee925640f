/**
 * 代办 end to end through HTTP (#10 §4): an agent of a village point files for a person who
 * confirmed the mandate by SMS, through the same drafts, uploads and filing as an applicant. The
 * case is the person's (applicant, SMS, 我的办件), the agent is its filer (channel `agent`, in the
 * agent's list); the signed 授权委托书 is a required slot of an agent's filing. Without a mandate,
 * or with the mandate of another person, the agent is refused at the draft and at filing.
 *
 * Own people (infra/seed/registries.ts spares) and an own agent: the demo agent's mandate budget
 * stays for the other files.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { exampleForm } from '#domain/forms.ts';
import { AGENT_MANDATE_MATERIAL, slotIdOf } from '#domain/materials.ts';
import { population } from '../../infra/seed/registries.ts';
import { call, eventually, login } from '../support/client.ts';
import { openDraft, readyDraft, staffAct } from '../support/materials.ts';
import { codeIn, registerWithCode, smsTo } from './identity-helpers.ts';

const HALL = 'qiaocheng';
/** 残疾人证申领 (found below): no 委托书 of its own, so an agent's filing gets the 代办授权委托书 slot. */
let ITEM = '';
const PASSWORD = 'Agent2026pass';
const person = (name: string) => population.find((p) => p.name === name)!;
const villager = person('钱秀英');
const neighbour = person('冯德胜');
const agentPerson = person('卫国栋');

let agent = '';
let villagerToken = '';
const subs = new Map<string, string>();
let form: unknown;

const hall = (path: string) => `/api/halls/${HALL}${path}`;
const fileFor = (forPerson: string, draftId?: string, key = randomUUID()) =>
  call('POST', hall('/cases'), {
    token: agent,
    body: { itemCode: ITEM, form, forPerson, ...(draftId ? { draftId } : {}) },
    headers: { 'idempotency-key': key },
  });

/** The person reads the code the agent's request sent to their phone; the agent confirms with it. */
async function mandate(p: { name: string; idNumber: string; phone: string }) {
  const req = await call('POST', '/api/agent/mandates', {
    token: agent,
    body: { idNumber: p.idNumber, name: p.name, materialRef: `SQWT-${randomUUID().slice(0, 8)}` },
  });
  expect(req.status).toBe(201);
  const sms = await smsTo(p.phone, /代办员卫国栋.*验证码 \d{6}/);
  const ok = await call('POST', `/api/agent/mandates/${req.body.id}/confirm`, {
    token: agent,
    body: { code: codeIn(sms.message) },
  });
  expect(ok.status).toBe(200);
}

/** 残疾人证申领 of the hall: free of charge (no 缴费 step), a photo, a form, two shared materials. */
async function itemCode(): Promise<string> {
  const found = await call(
    'GET',
    `/api/items?hallId=${HALL}&q=${encodeURIComponent('残疾人证申领')}&limit=10`,
  );
  return found.body.items.find((i: { name: string }) => i.name === '残疾人证申领').code;
}

beforeAll(async () => {
  for (const [p, ip] of [
    [villager, '127.0.1.31'],
    [neighbour, '127.0.1.32'],
    [agentPerson, '127.0.1.33'],
  ] as const) {
    const res = await registerWithCode(ip, p, PASSWORD);
    expect(res.status).toBe(201);
    subs.set(p.name, res.body.account.sub);
  }
  const operator = await login('operator');
  const change = await call('PUT', `/api/accounts/${subs.get(agentPerson.name)}/roles`, {
    token: operator,
    body: { roles: ['agent'], hall: HALL, agentPoint: '薛阁街道测试代办点' },
  });
  expect(change.status).toBe(200);
  agent = await login(agentPerson.phone, PASSWORD);
  villagerToken = await login(villager.phone, PASSWORD);
  ITEM = await itemCode();
  const guide = await call('GET', `/api/items/${encodeURIComponent(ITEM)}`);
  form = exampleForm(guide.body.applicationForm, { address: '谯城区薛阁街道' });
}, 90_000);

describe('代办: an agent files for a villager', () => {
  it('without a mandate the agent can neither start the materials nor file', async () => {
    const sub = subs.get(neighbour.name)!;
    const draft = await call('POST', hall('/drafts'), {
      token: agent,
      body: { itemCode: ITEM, forPerson: sub },
    });
    expect(draft.status).toBe(403);
    expect(draft.body.error.message).toMatch(/代办授权/);
    const filed = await fileFor(sub);
    expect(filed.status).toBe(403);
    expect(filed.body.error.code).toBe('FORBIDDEN');
  });

  it('after the SMS confirmation: the case is the person’s, filed by the agent, with the 委托书', async () => {
    await mandate(villager);
    const sub = subs.get(villager.name)!;
    // The agent's filing asks for the signed authorisation in a slot of its own, required.
    const draft = await openDraft(agent, HALL, ITEM, sub);
    const mandateSlot = draft.slots.find((s) => s.name === AGENT_MANDATE_MATERIAL.name);
    expect(mandateSlot).toMatchObject({
      id: slotIdOf(AGENT_MANDATE_MATERIAL.name),
      required: true,
      supply: 'applicant',
      deferrable: false,
    });
    // The person's own draft of the same item (they apply themselves) has no such slot.
    const own = await openDraft(villagerToken, HALL, ITEM);
    expect(own.slots.some((s) => s.name === AGENT_MANDATE_MATERIAL.name)).toBe(false);
    expect(own.draftId).not.toBe(draft.draftId);
    // Without the 委托书 the filing names it.
    const early = await fileFor(sub, draft.draftId);
    expect(early.status).toBe(422);
    expect(early.body.error.code).toBe('MATERIALS_MISSING');
    expect(early.body.error.details.map((d: any) => d.field)).toContain(`materials.${mandateSlot!.id}`);

    const draftId = await readyDraft(agent, HALL, ITEM, sub);
    expect(draftId).toBe(draft.draftId);
    const filed = await fileFor(sub, draftId);
    expect(filed.status).toBe(201);
    const caseNo = filed.body.caseNo as string;

    // The person's case: they read it (their phone unmasked), it names the agent, channel agent.
    const mine = await call('GET', hall(`/cases/${caseNo}`), { token: villagerToken });
    expect(mine.status).toBe(200);
    expect(mine.body).toMatchObject({
      applicant: { name: villager.name, phone: villager.phone },
      agent: { name: agentPerson.name },
      channel: 'agent',
    });
    expect(mine.body.events[0]).toMatchObject({ type: '申办', actor: '代办员' });
    // The 委托书 is among the case's materials.
    const materials = await call('GET', hall(`/cases/${caseNo}/materials`), { token: villagerToken });
    expect(materials.body.slots.find((s: any) => s.id === mandateSlot!.id).files).toHaveLength(1);

    // 我的办件 of the person; the agent's list shows it as filed for her (masked).
    const list = await call('GET', hall('/cases'), { token: villagerToken });
    expect(list.body.cases.find((c: any) => c.caseNo === caseNo)).toMatchObject({ caseNo });
    expect(list.body.cases.find((c: any) => c.caseNo === caseNo).filedFor).toBeUndefined();
    const agents = await call('GET', hall('/cases'), { token: agent });
    expect(agents.body.cases.find((c: any) => c.caseNo === caseNo)).toMatchObject({
      filedFor: `钱**`,
      needsMe: false,
    });

    // The SMS of the case go to the person's phone, not the agent's.
    expect((await staffAct(villagerToken, HALL, caseNo, 'accept#', 'accept')).status).toBe(200);
    const accepted = await eventually(async () => {
      const out = await call('GET', '/api/dev/outbox');
      return (out.body.messages as { phoneNumber: string; message: string }[]).find(
        (m) => m.message.includes(caseNo) && /已受理/.test(m.message),
      );
    }, 'the 受理 SMS');
    expect(accepted.phoneNumber).toBe(`+86${villager.phone}`);
    // (Staff get their new-task SMS too; none of the case's texts goes to the agent.)
    const all = (await call('GET', '/api/dev/outbox')).body.messages as {
      phoneNumber: string;
      message: string;
    }[];
    expect(all.some((m) => m.message.includes(caseNo) && m.phoneNumber === `+86${agentPerson.phone}`)).toBe(
      false,
    );
  });

  it('the mandate of one person does not reach another; a repeat of the same key is the same case', async () => {
    const other = subs.get(neighbour.name)!;
    const sub = subs.get(villager.name)!;
    // The agent holds the villager's mandate: the neighbour is still refused, the draft and the filing.
    expect(
      (await call('POST', hall('/drafts'), { token: agent, body: { itemCode: ITEM, forPerson: other } }))
        .status,
    ).toBe(403);
    const villagerDraft = await openDraft(agent, HALL, ITEM, sub);
    const foreign = await fileFor(other, villagerDraft.draftId);
    expect(foreign.status).toBe(403);
    // The villager's draft (the agent's, for her) is nobody else's: the villager herself cannot file it.
    const stolen = await call('POST', hall('/cases'), {
      token: villagerToken,
      body: { itemCode: ITEM, form, draftId: villagerDraft.draftId },
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(stolen.status).toBe(404);
    expect(stolen.body.error.code).toBe('DRAFT_NOT_FOUND');
    // An applicant cannot file "for" someone else.
    const applicantFor = await call('POST', hall('/cases'), {
      token: villagerToken,
      body: { itemCode: ITEM, form, forPerson: other },
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(applicantFor.status).toBe(403);
    // The mandate list shows the villager's mandate (its expiry: test/unit policy tests), not the neighbour.
    const list = await call('GET', '/api/agent/mandates', { token: agent });
    expect(list.body.mandates.some((x: any) => x.personSub === sub)).toBe(true);
    expect(list.body.mandates.some((x: any) => x.personSub === other)).toBe(false);
  });
});
