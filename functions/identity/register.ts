/**
 * Public account routes (no token yet, or none that works):
 * - POST /api/accounts/codes — an SMS code proving control of a phone (register, reclaim, reset, login);
 * - POST /api/accounts — 自然人注册 with that code: checksums, mobile and name by the schema (Chinese
 *   message per field), the code, then one transaction that also consumes it: nothing is half-made;
 * - POST /api/accounts/password-reset — a new password with a reset or reclaim code;
 * - POST /api/accounts/phone-proofs — a consult code for a phone proof (在线咨询 without an account).
 * All are abuse-limited (limits.ts) and atomic under parallel calls (store.ts).
 */
import { api } from '#lib/http.ts';
import { codeRequest, passwordReset, personRegistration, phoneProofRequest } from './model.ts';
import { context, routes } from './runtime.ts';
import { provePhone, registerPerson, resetPassword, sendCode } from './service.ts';
import { sendSms } from './sms.ts';

export const handler = routes({
  'POST /api/accounts/codes': api({ auth: 'public', body: codeRequest }, async ({ event, body }) => ({
    body: await sendCode(context(event), body, sendSms),
  })),
  'POST /api/accounts': api({ auth: 'public', body: personRegistration }, async ({ event, body }) => ({
    status: 201,
    body: { account: await registerPerson(context(event), body) },
  })),
  'POST /api/accounts/phone-proofs': api(
    { auth: 'public', body: phoneProofRequest },
    async ({ event, body }) => ({ body: await provePhone(context(event), body) }),
  ),
  'POST /api/accounts/password-reset': api(
    { auth: 'public', body: passwordReset },
    async ({ event, body }) => ({ body: await resetPassword(context(event), body, sendSms) }),
  ),
});
