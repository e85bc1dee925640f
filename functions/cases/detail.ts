/**
 * GET /cases/{caseNo} — the case page: for the applicant their own case; for staff of an involved
 * department the applicant's form, the timeline, deadlines, alerts and the actions they may take.
 */

import { now } from '#domain/clock.ts';
import { maskPhone } from '#domain/ids.ts';
import { actionsFor, applicantActions, caseActionsBy, openTasks } from '#domain/process.ts';
import type { CaseDetail } from '#domain/views.ts';
import { env } from '#lib/aws.ts';
import { api, httpErrors } from '#lib/http.ts';
import { actsForDepartment, canActOnTask, caseAccess, supervisesHall } from '#lib/policy.ts';
import { isCaseNo, verifyChain } from './model.ts';
import { getAlerts, getCase, getEvents, getTasks } from './store.ts';
import { alertView, paymentView, progressView } from './views.ts';

export const handler = api({ auth: 'user' }, async ({ params, principal }) => {
  const who = principal!;
  const caseNo = params.caseNo ?? '';
  const record = isCaseNo(caseNo) ? await getCase(caseNo) : undefined;
  if (!record || caseAccess(who, record) === 'none') throw httpErrors.notFound('办件不存在');
  const [events, stored, alerts] = await Promise.all([
    getEvents(caseNo),
    getTasks(caseNo),
    getAlerts(caseNo),
  ]);
  const own = who.sub === record.applicant.sub;
  const at = now().toISOString();
  const official = who.roles.includes('staff') || who.roles.includes('supervisor');
  const tasks = openTasks(record).map((t) => {
    const mine = canActOnTask(who, env('HALL_ID'), t);
    return {
      ...t,
      ready: stored.some((s) => s.id === t.id),
      since: stored.find((s) => s.id === t.id)?.since,
      actions: mine ? actionsFor(record, t, at) : [],
    };
  });
  const body: CaseDetail = {
    ...progressView(record, events),
    version: record.version,
    queryCode: own ? record.queryCode : undefined,
    applicant: {
      name: record.applicant.name,
      phone: record.applicant.phone && (own ? record.applicant.phone : maskPhone(record.applicant.phone)),
    },
    agent: record.agent ? { name: record.agent.name } : undefined,
    channel: record.agent ? 'agent' : 'online',
    enterprise: record.applicant.uscc
      ? { uscc: record.applicant.uscc, name: record.applicant.enterprise }
      : undefined,
    form: record.form,
    payment: paymentView(record),
    deliveryChoice: record.deliveryChoice,
    plan: record.plan,
    tasks,
    applicantActions: own ? applicantActions(record, at) : [],
    officialActions: [
      ...(actsForDepartment(who, env('HALL_ID'), record.deptCode)
        ? caseActionsBy('department', record, at)
        : []),
      ...(supervisesHall(who, env('HALL_ID')) ? caseActionsBy('supervisor', record, at) : []),
    ],
    alerts: official ? alerts.map(alertView) : undefined,
    chain: official ? verifyChain(caseNo, events) : undefined,
    supervisionError: official ? record.supervisionError : undefined,
  };
  return { body };
});
