/**
 * POST /api/accounts — 自然人注册 (public). Checksums, mobile and name are validated by the schema
 * (Chinese message per field), then the real-name check, then one transaction: nothing is half-made.
 */
import { api } from '#lib/http.ts';
import { personRegistration } from './model.ts';
import { context } from './runtime.ts';
import { registerPerson } from './service.ts';

export const handler = api({ auth: 'public', body: personRegistration }, async ({ event, body }) => ({
  status: 201,
  body: { account: await registerPerson(context(event), body) },
}));
