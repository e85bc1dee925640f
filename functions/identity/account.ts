/**
 * GET /api/account (我的账户, unmasked for the owner), PUT /api/account/acting-for and
 * DELETE /api/account/sessions (退出所有设备).
 */
import { api } from '#lib/http.ts';
import { actingForChange } from './model.ts';
import { context, routes } from './runtime.ts';
import { myAccount, setActingFor, signOutEverywhere } from './service.ts';

export const handler = routes({
  'GET /api/account': api({ auth: 'user' }, async ({ event, principal }) => ({
    body: await myAccount(context(event), principal!),
  })),
  'PUT /api/account/acting-for': api(
    { auth: 'user', body: actingForChange },
    async ({ event, principal, body }) => ({
      body: await setActingFor(context(event), principal!, body.uscc),
    }),
  ),
  'DELETE /api/account/sessions': api({ auth: 'user' }, async ({ event, principal }) => ({
    body: await signOutEverywhere(context(event), principal!),
  })),
});
