/** POST /cases — 申办: file a case for an item of this hall. Idempotent by the Idempotency-Key header. */
import { createHash } from 'node:crypto';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { z } from 'zod';
import { effectiveSteps } from '#functions/catalogue/model.ts';
import { readItemForFiling } from '#functions/catalogue/store.ts';
import { AccountStore } from '#functions/identity/store.ts';
import { supervision } from '#functions/lifecycle/engine.ts';
import { initialState } from '#functions/lifecycle/process.ts';
import { dynamo, env, sfn } from '#lib/aws.ts';
import { now, nowMs } from '#lib/clock.ts';
import { api, HttpError, httpErrors } from '#lib/http.ts';
import { mayActForPerson } from '#lib/policy.ts';
import type { Principal } from '#lib/principal.ts';
import { beijingDate, chainEvent, formatCaseNo, GENESIS_HASH, newQueryCode } from './model.ts';
import {
  type CaseRecord,
  createCase,
  getCase,
  getIdempotency,
  nextDailySequence,
  type Person,
} from './store.ts';

let accounts: AccountStore | undefined;

/**
 * Who the case is for. An applicant files for themselves, or for the enterprise they act for (the
 * signed act_uscc claim); an agent files for a person whose confirmed authorisation (mandate) is
 * still valid, and the case shows both.
 */
async function applicantOf(
  user: Principal,
  forPerson: string | undefined,
): Promise<{ applicant: Person; agent?: Person }> {
  if (!forPerson || forPerson === user.sub) {
    if (!user.roles.includes('applicant')) throw httpErrors.forbidden('只有申请人可以在线申办');
    const enterprise = user.actingFor ? { uscc: user.actingFor.uscc, enterprise: user.actingFor.name } : {};
    return { applicant: { sub: user.sub, name: user.name, phone: user.phone, ...enterprise } };
  }
  if (!user.roles.includes('agent')) throw httpErrors.forbidden('只有代办员可以代人申办');
  accounts ??= new AccountStore(dynamo, env('ACCOUNTS_TABLE'));
  const [mandate, person] = await Promise.all([
    accounts.getMandate(user.sub, forPerson),
    accounts.getAccount(forPerson),
  ]);
  if (!person || !mayActForPerson(user, forPerson, mandate, nowMs())) {
    throw httpErrors.forbidden('您没有该群众的有效代办授权，请先在代办模式中取得授权');
  }
  return {
    applicant: { sub: person.sub, name: person.name, phone: person.phone },
    agent: { sub: user.sub, name: user.name, phone: user.phone },
  };
}

const body = z.object({
  itemCode: z.string().min(1, '请选择办理事项').max(64),
  form: z
    .record(z.string().max(64), z.union([z.string().max(2000), z.number(), z.boolean()]))
    .refine((f) => Object.keys(f).length <= 100, '表单字段过多')
    .default({}),
  /** An agent (代办员) files for the person who authorised them (functions/identity/mandates.ts). */
  forPerson: z.string().min(1).max(80).optional(),
});

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_-]{8,64}$/;
const IDEMPOTENCY_TTL_S = 24 * 3600;

async function startLifecycle(caseNo: string) {
  // The execution name is the case number, so a retried filing never starts a second execution
  // (a finished one answers ExecutionAlreadyExists, which means the same here).
  try {
    await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: env('LIFECYCLE_STATE_MACHINE_ARN'),
        name: caseNo,
        input: JSON.stringify({ caseNo }),
      }),
    );
  } catch (err) {
    if ((err as { name?: string }).name !== 'ExecutionAlreadyExists') throw err;
  }
}

/** A repeated request with the same key gets the first answer; a different body under that key is refused. */
async function replay(previous: { caseNo: string; requestHash: string }, requestHash: string) {
  if (previous.requestHash !== requestHash) {
    throw new HttpError(422, 'IDEMPOTENCY_KEY_REUSED', '同一个 Idempotency-Key 不能用于不同的申请内容');
  }
  const existing = await getCase(previous.caseNo);
  if (!existing) throw httpErrors.conflict('申请正在处理中，请稍后重试');
  // The first attempt may have stopped before starting the execution; starting again is idempotent.
  await startLifecycle(existing.caseNo);
  return { status: 200, body: publicView(existing) };
}

const publicView = (c: CaseRecord) => ({
  caseNo: c.caseNo,
  queryCode: c.queryCode,
  status: c.status,
  filedAt: c.filedAt,
});

export const handler = api({ auth: 'user', body }, async ({ body, principal, headers }) => {
  const user = principal!;
  const key = headers['idempotency-key'];
  if (!key || !IDEMPOTENCY_KEY.test(key)) {
    throw new HttpError(
      400,
      'IDEMPOTENCY_KEY_REQUIRED',
      '请求缺少有效的 Idempotency-Key（8–64 位字母、数字、- 或 _）',
    );
  }
  const requestHash = createHash('sha256').update(JSON.stringify(body)).digest('hex');

  const previous = await getIdempotency(user.sub, key);
  if (previous) return replay(previous, requestHash);

  const found = await readItemForFiling(dynamo, env('CATALOGUE_TABLE'), body.itemCode);
  if (!found || found.item.hallId !== env('HALL_ID')) {
    throw new HttpError(404, 'ITEM_NOT_FOUND', '本厅没有这个办理事项，请从办事指南进入申办');
  }
  const { item, department, template } = found;
  const { applicant, agent } = await applicantOf(user, body.forPerson);
  const at = now();
  const date = beijingDate(at);
  const caseNo = formatCaseNo(env('HALL_CODE'), date, await nextDailySequence(date));
  const event = chainEvent(caseNo, GENESIS_HASH, 1, {
    type: '申办',
    at: at.toISOString(),
    actor: '申请人',
    actorName: user.name,
    note: `在线申办“${item.name}”`,
  });
  const state = initialState({
    plan: effectiveSteps(item, template),
    deptCode: item.deptCode,
    promisedDays: item.promisedDays,
    filedAt: at.toISOString(),
  });
  const record: CaseRecord = {
    ...state,
    ...supervision(state, at.toISOString()),
    caseNo,
    hallId: item.hallId,
    itemCode: item.code,
    itemName: item.name,
    deptName: department.name,
    legalDays: item.legalDays,
    caseKind: item.caseKind,
    applicant,
    ...(agent ? { agent } : {}),
    form: body.form,
    version: 1,
    eventCount: 1,
    lastHash: event.hash,
    queryCode: newQueryCode(),
  };
  const outcome = await createCase(record, event, {
    sub: user.sub,
    key,
    requestHash,
    // TTL is storage housekeeping, which DynamoDB measures in real time, not the business clock.
    expiresAt: Math.floor(Date.now() / 1000) + IDEMPOTENCY_TTL_S,
  });
  if (outcome === 'duplicate') {
    // A concurrent request with the same key won; answer as it did.
    const winner = await getIdempotency(user.sub, key);
    if (winner) return replay(winner, requestHash);
    throw httpErrors.conflict('重复提交，请稍后在“我的办件”中查看');
  }
  await startLifecycle(caseNo);
  return { status: 201, body: publicView(record) };
});
