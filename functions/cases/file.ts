/**
 * POST /cases — 申办: file a case for an item of this hall. Idempotent by the Idempotency-Key header.
 * Parse → policy (who files for whom) → checks (item of this hall, the form against the item's
 * form definition) → the use case (filing.ts) → respond.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { now, nowMs } from '#domain/clock.ts';
import { checkDeliveryChoice } from '#domain/delivery.ts';
import { formErrorSummary, validateForm } from '#domain/forms.ts';
import { slotsForFiling } from '#domain/materials.ts';
import { effectiveSteps, feeTermsOf } from '#functions/catalogue/model.ts';
import { readItemForFiling } from '#functions/catalogue/store.ts';
import { AccountStore } from '#functions/identity/store.ts';
import { materialsFiled, sealMaterials } from '#functions/materials/filing.ts';
import { dynamo, env } from '#lib/aws.ts';
import { api, HttpError, httpErrors } from '#lib/http.ts';
import { mayActForPerson } from '#lib/policy.ts';
import type { Principal } from '#lib/principal.ts';
import { fileCase } from './filing.ts';
import { stepFunctionsLifecycle } from './lifecycle.ts';
import { caseStore, type Person } from './store.ts';
import { filedView } from './views.ts';

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
  /** The filled application form: checked against the item's form definition below (#domain/forms.ts). */
  form: z.unknown().optional(),
  /** An agent (代办员) files for the person who authorised them (functions/identity/mandates.ts). */
  forPerson: z.string().min(1).max(80).optional(),
  /** The draft holding the uploaded materials (functions/materials/drafts.ts). */
  draftId: z.string().uuid('材料草稿编号不正确').optional(),
  /** 送达: 自取 (default), 邮寄 with an address, or 电子, among the item's ways (#domain/delivery.ts). */
  delivery: z
    .object({
      method: z.string().max(10).optional(),
      address: z.record(z.string(), z.string().max(200)).optional(),
    })
    .optional(),
});

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_-]{8,64}$/;

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
  const filed = await fileCase(
    { store: caseStore, lifecycle: stepFunctionsLifecycle, hallCode: env('HALL_CODE') },
    {
      owner: user.sub,
      key,
      requestHash: createHash('sha256').update(JSON.stringify(body)).digest('hex'),
      at: now(),
      draft: async () => {
        const found = await readItemForFiling(dynamo, env('CATALOGUE_TABLE'), body.itemCode);
        if (!found || found.item.hallId !== env('HALL_ID')) {
          throw new HttpError(404, 'ITEM_NOT_FOUND', '本厅没有这个办理事项，请从办事指南进入申办');
        }
        const { item, department, template } = found;
        const { applicant, agent } = await applicantOf(user, body.forPerson);
        const form = validateForm(found.applicationForm, body.form ?? {});
        if (!form.ok) throw new HttpError(422, 'FORM_INVALID', formErrorSummary(form.errors), form.errors);
        const delivery = checkDeliveryChoice(body.delivery, item.delivery);
        if (!delivery.ok)
          throw new HttpError(422, 'DELIVERY_INVALID', delivery.problems[0].message, delivery.problems);
        return {
          hallId: item.hallId,
          itemCode: item.code,
          itemName: item.name,
          deptCode: item.deptCode,
          deptName: department.name,
          legalDays: item.legalDays,
          promisedDays: item.promisedDays,
          caseKind: item.caseKind,
          plan: effectiveSteps(item, template),
          fee: feeTermsOf(item, (code) => (code === item.deptCode ? department.name : code)),
          deliveryChoice: delivery.choice,
          applicant,
          ...(agent ? { agent } : {}),
          filedBy: user.name,
          form: form.value,
          // Last, after every other check: sealing the draft is the one step with an effect.
          materials: await sealMaterials({
            slots: slotsForFiling(item.materials, { byAgent: !!agent }),
            draftId: body.draftId,
            owner: agent
              ? { sub: user.sub, forPerson: applicant.sub }
              : { sub: user.sub, ...(user.actingFor ? { uscc: user.actingFor.uscc } : {}) },
            itemCode: item.code,
            hallId: item.hallId,
            filingKey: key,
            now: now(),
          }),
        };
      },
    },
  );
  await materialsFiled(
    filed.record.materials,
    key,
    filed.record.caseNo,
    filed.record.itemName,
    new Date(filed.record.filedAt),
  );
  return { status: filed.created ? 201 : 200, body: filedView(filed.record) };
});
