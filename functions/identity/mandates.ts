/**
 * 代办: GET/POST /api/agent/mandates, POST /api/agent/mandates/{id}/confirm. The code goes to the
 * person's own phone by SMS (SNS publish to the number), never to the agent. Requests are limited
 * per agent and per person (limits.ts); tries of a code are claimed atomically (5 per code).
 */
import { api } from '#lib/http.ts';
import { mandateConfirm, mandateRequest } from './model.ts';
import { context, routes } from './runtime.ts';
import { confirmMandate, listMandates, requestMandate } from './service.ts';
import { sendSms } from './sms.ts';

export const handler = routes({
  'GET /api/agent/mandates': api({ auth: 'user' }, async ({ event, principal }) => ({
    body: { mandates: await listMandates(context(event), principal!) },
  })),
  'POST /api/agent/mandates': api(
    { auth: 'user', body: mandateRequest },
    async ({ event, principal, body }) => ({
      status: 201,
      body: await requestMandate(context(event), principal!, body, sendSms),
    }),
  ),
  'POST /api/agent/mandates/{id}/confirm': api(
    { auth: 'user', body: mandateConfirm },
    async ({ event, principal, params, body }) => ({
      body: { mandate: await confirmMandate(context(event), principal!, params.id ?? '', body.code) },
    }),
  ),
});
