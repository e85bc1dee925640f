/** GET /api/account (我的账户, unmasked for the owner) and PUT /api/account/acting-for. */
import { api } from '#lib/http.ts';
import { actingForChange } from './model.ts';
import { context, routes } from './runtime.ts';
import { myAccount, setActingFor } from './service.ts';

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
});
