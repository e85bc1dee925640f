/**
 * 在线咨询 routes of a hall (rules: functions/domain/consultation.ts; storage: store.ts):
 * - POST /consultations                      ask, signed in            (Idempotency-Key optional)
 * - POST /consultations/anonymous            ask with a phone proof    (header x-phone-proof)
 * - GET  /consultations                      the caller's questions, or (staff) the department's
 * - GET  /consultations/anonymous            the questions asked with the proved phone
 * - POST /consultations/{no}/answer          staff of the item's department, once
 * - POST /consultations/{no}/rating          the asker, once (…/anonymous-rating with a phone proof)
 * - PUT|DELETE /consultations/{no}/faq       staff of the department publish (edited) / withdraw the FAQ
 * - GET  /faq?itemCode=                      the item's published FAQ, for its guide page
 */
import { createHash, randomInt } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { z } from 'zod';
import { checkActionInput } from '#domain/actions.ts';
import { CalendarRangeError } from '#domain/calendar.ts';
import { now } from '#domain/clock.ts';
import {
  answerConsultation,
  CONSULT_LIMITS,
  type ConsultConfig,
  consultSuffix,
  formatConsultNo,
  isConsultNo,
  MAX_ANSWER,
  MAX_QUESTION,
  publishFaq,
  questionProblem,
  rateConsultation,
  superviseConsultation,
} from '#domain/consultation.ts';
import { Refusal } from '#domain/refusal.ts';
import { cleanTextProblem } from '#domain/text.ts';
import { beijingDate } from '#domain/time.ts';
import { COMPLAINT_TAGS, RATING_DIMENSIONS } from '#domain/vocabulary.ts';
import { readItemForFiling } from '#functions/catalogue/store.ts';
import { verifyPhoneProof } from '#functions/identity/phone-proof.ts';
import supervisionConfig from '#infra/config/supervision.json' with { type: 'json' };
import { dynamo, env } from '#lib/aws.ts';
import { currentCalendar } from '#lib/calendar.ts';
import { clientIp } from '#lib/client.ts';
import { api, errorReply, HttpError, httpErrors } from '#lib/http.ts';
import { SlidingLimiter } from '#lib/limiter.ts';
import { logger } from '#lib/logger.ts';
import { actsForDepartment } from '#lib/policy.ts';
import type { Principal } from '#lib/principal.ts';
import {
  type Asker,
  askerPartition,
  type ConsultRecord,
  createConsultation,
  getConsultation,
  getIdem,
  listByAsker,
  listByDept,
  listFaq,
  phonePartition,
  StaleError,
  saveConsultation,
} from './store.ts';
import { consultationView, faqView } from './views.ts';

const config: ConsultConfig & { yellow: { days?: number; fraction?: number } } = {
  answerDays: supervisionConfig.consultation.answerDays,
  yellow: supervisionConfig.yellow,
};

const text = (max: number, label: string) =>
  z
    .string({ error: `请填写${label}` })
    .max(max, `${label}不能超过 ${max} 个字`)
    .refine((v) => !cleanTextProblem(v), '含有不能识别的字符，请删除后重试');

const askBody = z
  .object({
    itemCode: z.string({ error: '请选择咨询的事项' }).regex(/^[0-9A-Za-z-]{1,60}$/, '事项编码格式不正确'),
    question: text(MAX_QUESTION + 100, '问题'),
  })
  .strict();
const answerBody = z
  .object({ answer: text(MAX_ANSWER, '答复'), version: z.number().int().positive().optional() })
  .strict();
const faqBody = z
  .object({ question: text(MAX_QUESTION, '公开的问题'), answer: text(MAX_ANSWER, '公开的答复') })
  .strict();
const level = z.number().int();
const ratingBody = z
  .object({
    rating: z
      .object({
        level,
        dimensions: z.partialRecord(z.enum(RATING_DIMENSIONS), level).optional(),
        tags: z.array(z.string().max(20)).max(COMPLAINT_TAGS.length).optional(),
        comment: text(500, '评价意见').optional(),
      })
      .strict(),
  })
  .strict();
const listQuery = z.object({ status: z.enum(['open', 'answered']).optional() }).strict();
const faqQuery = z
  .object({ itemCode: z.string({ error: '请说明事项' }).regex(/^[0-9A-Za-z-]{1,60}$/, '事项编码格式不正确') })
  .strict();

let limiter: SlidingLimiter | undefined;
const limits = () => (limiter ??= new SlidingLimiter(dynamo, env('LIMITS_TABLE')));

const tooMany = (retryAfterMs: number, who: 'address' | 'asker') =>
  new HttpError(
    429,
    who === 'address' ? 'CONSULT_ADDRESS_LIMITED' : 'CONSULT_RATE_LIMITED',
    who === 'address'
      ? '当前网络提交咨询过于频繁，请稍后再试，或拨打 12345 热线咨询'
      : '您提交的咨询较多，请等待部门答复后再提问，或拨打 12345 热线咨询',
    { retryAfterSeconds: Math.ceil(retryAfterMs / 1000) },
  );

/** Counts one ask against the limits of `kind` for `subject`; throws the first 429. */
async function count(kind: keyof typeof CONSULT_LIMITS, subject: string, at: number) {
  for (const [i, l] of CONSULT_LIMITS[kind].entries()) {
    const verdict = await limits().hit({ key: `consult-${kind}#${subject}${i ? `#${i}` : ''}`, ...l }, at);
    if (!verdict.allowed) throw tooMany(verdict.retryAfterMs, kind === 'perAddress' ? 'address' : 'asker');
  }
}

const proofRequired = () =>
  new HttpError(401, 'PHONE_PROOF_REQUIRED', '请先用短信验证码验证手机号码（验证有效期 2 小时）');

function provedPhone(headers: Record<string, string>): string {
  const phone = verifyPhoneProof(headers['x-phone-proof'], now().getTime());
  if (!phone) throw proofRequired();
  return phone;
}

const notFound = () => httpErrors.notFound('咨询不存在');
const stale = () => new HttpError(409, 'CONFLICT', '该咨询已被他人处理，请刷新后重试');

async function loadConsultation(no: string | undefined): Promise<ConsultRecord> {
  const c = no && isConsultNo(no) ? await getConsultation(no) : undefined;
  if (!c) throw notFound();
  return c;
}

async function save(...args: Parameters<typeof saveConsultation>) {
  try {
    await saveConsultation(...args);
  } catch (err) {
    if (err instanceof StaleError) throw stale();
    throw err;
  }
}

/** The answer's deadline and timers, or — when the calendar cannot say — none, with the reason kept. */
async function supervision(c: Pick<ConsultRecord, 'status' | 'askedAt'>) {
  try {
    return {
      ...superviseConsultation(c, (await currentCalendar()).calendar, config),
      supervisionError: undefined,
    };
  } catch (err) {
    if (!(err instanceof CalendarRangeError)) throw err;
    logger.error('consultation deadline unknown', { error: err.message });
    return { deadlines: {}, timers: {}, supervisionError: err.message };
  }
}

/** Ask: validate, limit, then one conditional write (with its idempotency record, if keyed). */
async function ask(asker: Asker, body: z.infer<typeof askBody>, headers: Record<string, string>, ip: string) {
  const at = now();
  const problem = questionProblem(body.question);
  if (problem)
    throw new HttpError(422, 'QUESTION_INVALID', problem, [{ field: 'question', message: problem }]);
  const idemKey = headers['idempotency-key'];
  if (idemKey !== undefined && !/^[\w-]{8,100}$/.test(idemKey))
    throw new HttpError(400, 'BAD_IDEMPOTENCY_KEY', 'Idempotency-Key 应为 8–100 位字母、数字或连字符');
  await count('perAddress', ip, at.getTime());
  const found = await readItemForFiling(dynamo, env('CATALOGUE_TABLE'), body.itemCode);
  if (!found || found.item.hallId !== env('HALL_ID'))
    throw new HttpError(404, 'ITEM_NOT_FOUND', '本厅没有这个办理事项，请从办事指南进入咨询');
  const requestHash = createHash('sha256').update(JSON.stringify(body)).digest('hex');
  const idemPk = idemKey && `IDEM#CONSULT#${askerPartition(asker)}#${idemKey}`;
  if (idemPk) {
    const done = await getIdem(idemPk);
    if (done) return replay(done, requestHash);
  }
  // Only now, the asker proved: nobody but the owner spends the owner's budget.
  await count('perAsker', asker.sub ?? asker.phone ?? 'unknown', at.getTime());
  const askedAt = at.toISOString();
  const state = { status: 'open' as const, askedAt };
  for (let attempt = 0; attempt < 5; attempt++) {
    const consultNo = formatConsultNo(
      env('HALL_CODE'),
      beijingDate(at),
      consultSuffix(() => randomInt(0, 1 << 30) / (1 << 30)),
    );
    const record: ConsultRecord = {
      ...state,
      consultNo,
      caseNo: consultNo,
      hallId: env('HALL_ID'),
      itemCode: found.item.code,
      itemName: found.item.name,
      deptCode: found.item.deptCode,
      deptName: found.department.name,
      asker,
      question: body.question.trim(),
      version: 1,
      ...(await supervision(state)),
    };
    const outcome = await createConsultation(
      record,
      idemPk ? { pk: idemPk, requestHash, expiresAt: Math.floor(at.getTime() / 1000) + 86_400 } : undefined,
    );
    if (outcome === 'created') {
      logger.info('consultation asked', { consultNo });
      return { status: 201, body: consultationView(record, 'asker', askedAt) };
    }
    if (outcome === 'duplicate') return replay((await getIdem(idemPk!))!, requestHash);
  }
  throw new Error('no free consultation number');
}

async function replay(done: { consultNo: string; requestHash: string }, requestHash: string) {
  if (done.requestHash !== requestHash)
    throw new HttpError(422, 'IDEMPOTENCY_KEY_REUSED', '同一个请求标识不能用于不同的咨询内容');
  const c = (await getConsultation(done.consultNo))!;
  return { status: 200, body: consultationView(c, 'asker', now().toISOString()) };
}

async function rate(c: ConsultRecord, raw: z.infer<typeof ratingBody>['rating']) {
  const checked = checkActionInput('rate', { rating: raw as never });
  if (!checked.ok) throw new Refusal(checked);
  const at = now().toISOString();
  const result = rateConsultation(c, checked.input.rating!, at);
  if (!result.ok) throw new Refusal(result);
  await save(c, { ...result.state, version: c.version + 1 });
  return { body: consultationView({ ...result.state, version: c.version + 1 }, 'asker', at) };
}

/** The consultation's asker: by account, or — for one asked anonymously — by the phone it was asked with. */
const isAsker = (c: ConsultRecord, who: { sub?: string; phone?: string }) =>
  c.asker.sub ? c.asker.sub === who.sub : !!who.phone && c.asker.phone === who.phone;

function staffOf(who: Principal, c: ConsultRecord) {
  if (!actsForDepartment(who, env('HALL_ID'), c.deptCode)) throw notFound();
}

const hallRoutes = (p: string): Record<string, ReturnType<typeof api>> => ({
  [`POST ${p}/consultations`]: api(
    { auth: 'user', body: askBody },
    async ({ body, principal, headers, event }) => {
      const who = principal!;
      if (!who.roles.includes('applicant') && !who.roles.includes('agent'))
        throw httpErrors.forbidden('工作人员请通过内部渠道咨询');
      return ask(
        { sub: who.sub, name: who.name, phone: who.phone },
        body,
        headers,
        clientIp(event) ?? 'unknown',
      );
    },
  ),
  [`POST ${p}/consultations/anonymous`]: api(
    { auth: 'public', body: askBody },
    async ({ body, headers, event }) => {
      const ip = clientIp(event) ?? 'unknown';
      const phone = provedPhone(headers);
      return ask({ phone }, body, headers, ip);
    },
  ),
  [`GET ${p}/consultations`]: api({ auth: 'user', query: listQuery }, async ({ principal, query }) => {
    const who = principal!;
    const at = now().toISOString();
    if (who.roles.includes('staff')) {
      if (who.hall !== env('HALL_ID') || !who.dept) throw httpErrors.forbidden('只能查看本部门的咨询');
      const list = await listByDept(who.dept, query.status ?? 'open');
      return { body: { consultations: list.map((c) => consultationView(c, 'staff', at)) } };
    }
    const partitions = [askerPartition({ sub: who.sub }), ...(who.phone ? [phonePartition(who.phone)] : [])];
    const list = (await listByAsker(partitions)).filter((c) => isAsker(c, who));
    return { body: { consultations: list.map((c) => consultationView(c, 'asker', at)) } };
  }),
  [`GET ${p}/consultations/anonymous`]: api({ auth: 'public' }, async ({ headers }) => {
    const phone = provedPhone(headers);
    const at = now().toISOString();
    const list = (await listByAsker([phonePartition(phone)])).filter((c) => isAsker(c, { phone }));
    return { body: { consultations: list.map((c) => consultationView(c, 'asker', at)) } };
  }),
  [`POST ${p}/consultations/{consultNo}/answer`]: api(
    { auth: 'user', body: answerBody },
    async ({ body, params, principal }) => {
      const who = principal!;
      const c = await loadConsultation(params.consultNo);
      staffOf(who, c);
      if (body.version !== undefined && body.version !== c.version) throw stale();
      const at = now().toISOString();
      const result = answerConsultation(c, body.answer, who.name, at);
      if (!result.ok) throw new Refusal(result);
      const after: ConsultRecord = {
        ...result.state,
        version: c.version + 1,
        ...(await supervision(result.state)),
      };
      await save(c, after, { notice: !!c.asker.phone });
      return { body: consultationView(after, 'staff', at) };
    },
  ),
  [`POST ${p}/consultations/{consultNo}/rating`]: api(
    { auth: 'user', body: ratingBody },
    async ({ body, params, principal }) => {
      const c = await loadConsultation(params.consultNo);
      if (!isAsker(c, principal!)) throw notFound();
      return rate(c, body.rating);
    },
  ),
  [`POST ${p}/consultations/{consultNo}/anonymous-rating`]: api(
    { auth: 'public', body: ratingBody },
    async ({ body, params, headers }) => {
      const phone = provedPhone(headers);
      const c = await loadConsultation(params.consultNo);
      if (!isAsker(c, { phone })) throw notFound();
      return rate(c, body.rating);
    },
  ),
  [`PUT ${p}/consultations/{consultNo}/faq`]: api(
    { auth: 'user', body: faqBody },
    async ({ body, params, principal }) => {
      const who = principal!;
      const c = await loadConsultation(params.consultNo);
      staffOf(who, c);
      const at = now().toISOString();
      const result = publishFaq(c, body, who.name, at);
      if (!result.ok) throw new Refusal(result);
      const after = { ...result.state, version: c.version + 1 };
      const faq = after.faq!;
      await save(c, after, {
        faq: {
          consultNo: c.consultNo,
          itemCode: c.itemCode,
          question: faq.question,
          answer: faq.answer,
          deptName: c.deptName,
          answeredAt: c.answer!.at,
          publishedAt: at,
        },
      });
      return { body: consultationView(after, 'staff', at) };
    },
  ),
  [`DELETE ${p}/consultations/{consultNo}/faq`]: api({ auth: 'user' }, async ({ params, principal }) => {
    const who = principal!;
    const c = await loadConsultation(params.consultNo);
    staffOf(who, c);
    if (!c.faq) throw new HttpError(409, 'FAQ_NOT_PUBLISHED', '该咨询没有公开为常见问题');
    const { faq: _gone, ...rest } = c;
    const after = { ...rest, version: c.version + 1 };
    await save(c, after, { faq: 'delete' });
    return { body: consultationView(after, 'staff', now().toISOString()) };
  }),
  [`GET ${p}/faq`]: api({ auth: 'public', query: faqQuery }, async ({ query }) => ({
    body: { faq: (await listFaq(query.itemCode)).map(faqView) },
  })),
});

let routes: Record<string, ReturnType<typeof api>> | undefined;

export async function handler(
  event: APIGatewayProxyEventV2,
  context: Context,
): Promise<APIGatewayProxyResultV2> {
  routes ??= hallRoutes(`/api/halls/${env('HALL_ID')}`);
  const route = routes[event.routeKey];
  if (!route) return errorReply(httpErrors.notFound('接口不存在'));
  return route(event, context);
}
