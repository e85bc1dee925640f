/**
 * POST /cases/{caseNo}/alerts/{alertId} — 督办: a supervisor urges the responsible department about
 * an alert; the department (staff of that department) must reply within `urge.replyDays` working
 * days (infra/config/supervision.json), else the timer the stream starts for `urge.replyBy` escalates
 * it (escalation.ts). Each step once, in that order.
 */
import { z } from 'zod';
import { now } from '#domain/clock.ts';
import { isConsultNo } from '#domain/consultation.ts';
import { beijingIso } from '#domain/time.ts';
import { isCaseNo } from '#functions/cases/model.ts';
import { ConflictError } from '#functions/cases/ports.ts';
import { getAlert, getCase, updateAlert } from '#functions/cases/store.ts';
import { getConsultation } from '#functions/consult/store.ts';
import { env } from '#lib/aws.ts';
import { currentCalendar } from '#lib/calendar.ts';
import { api, HttpError, httpErrors } from '#lib/http.ts';
import { replyDeadline } from './escalation.ts';

const body = z.object({
  action: z.enum(['urge', 'reply'], '操作应为 urge（督办）或 reply（回复）'),
  note: z.string().trim().min(2, '请填写督办意见或回复内容').max(1000),
});

export const handler = api({ auth: 'user', body }, async ({ body, params, principal }) => {
  const who = principal!;
  const caseNo = params.caseNo ?? '';
  const alertId = params.alertId ?? '';
  // A consultation's answer alerts (ZX… numbers) are urged and answered like a case's.
  const record = isCaseNo(caseNo)
    ? await getCase(caseNo)
    : isConsultNo(caseNo)
      ? await getConsultation(caseNo)
      : undefined;
  const alert = record ? await getAlert(caseNo, alertId) : undefined;
  const supervisor = who.roles.includes('supervisor') && (who.hall === '*' || who.hall === env('HALL_ID'));
  const ownDept = who.roles.includes('staff') && who.hall === env('HALL_ID') && who.dept === alert?.dept;
  if (!alert || (!supervisor && !ownDept)) throw httpErrors.notFound('预警不存在');
  const at = now().toISOString();
  const entry = { by: who.name, note: body.note, at };
  if (body.action === 'urge') {
    if (!supervisor) throw httpErrors.forbidden('只有监察人员可以督办');
    if (alert.status === 'resolved')
      throw new HttpError(409, 'ALERT_CLOSED', '该预警所涉环节已办理完毕，预警已自动关闭，无需督办');
    if (alert.status !== 'open') throw new HttpError(409, 'ALREADY_URGED', '该预警已督办');
    const replyBy = replyDeadline((await currentCalendar()).calendar, new Date(at));
    await save({ ...alert, status: 'urged', urge: { ...entry, bySub: who.sub, replyBy } }, 'open');
    return { body: { caseNo, alertId, status: 'urged', replyBy: beijingIso(replyBy) } };
  } else {
    if (!ownDept) throw httpErrors.forbidden('只有责任部门可以回复督办');
    if (alert.status !== 'urged') throw new HttpError(409, 'NOT_URGED', '该预警尚未督办或已回复');
    await save({ ...alert, status: 'replied', reply: entry }, 'urged');
  }
  return { body: { caseNo, alertId, status: 'replied' } };
});

async function save(...args: Parameters<typeof updateAlert>) {
  try {
    await updateAlert(...args);
  } catch (err) {
    if (err instanceof ConflictError) throw httpErrors.conflict('该预警已被他人处理，请刷新');
    throw err;
  }
}
