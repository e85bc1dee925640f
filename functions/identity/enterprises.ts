/** POST /api/enterprises (法人登记 by its legal representative), POST /api/enterprises/{uscc}/members. */

import { validateUscc } from '#domain/ids.ts';
import { api, httpErrors } from '#lib/http.ts';
import { enterpriseRegistration, memberGrant } from './model.ts';
import { context, routes } from './runtime.ts';
import { authoriseMember, registerEnterprise } from './service.ts';

export const handler = routes({
  'POST /api/enterprises': api(
    { auth: 'user', body: enterpriseRegistration },
    async ({ event, principal, body }) => ({
      status: 201,
      body: { enterprise: await registerEnterprise(context(event), principal!, body) },
    }),
  ),
  'POST /api/enterprises/{uscc}/members': api(
    { auth: 'user', body: memberGrant },
    async ({ event, principal, params, body }) => {
      const uscc = validateUscc(params.uscc ?? '');
      if (!uscc.ok) throw httpErrors.notFound('未找到该企业');
      return {
        status: 201,
        body: { member: await authoriseMember(context(event), principal!, uscc.value, body) },
      };
    },
  ),
});
