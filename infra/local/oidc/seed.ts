/**
 * Seeds the accounts table of the local cloud: the data center's registries, the demo accounts of
 * infra/seed/accounts.ts (same usernames, password and claims) and a demo enterprise whose legal
 * representative is zhangsan, so "act as enterprise" can be tried at once. Idempotent: a persisted
 * `.data/` keeps accounts people registered and passwords they changed.
 */

import type { Role } from '#domain/roles.ts';
import type { Account } from '#functions/identity/model.ts';
import { DEMO_COST, hashPassword } from '#functions/identity/password.ts';
import { type AccountStore, DuplicateError } from '#functions/identity/store.ts';
import type { DemoAccount } from '../../seed/accounts.ts';
import { legalPersons, population } from '../../seed/registries.ts';

/** The account record of a demo account; `tokenClaims(record)` equals `demo.claims`. */
export function demoRecord(demo: DemoAccount, passwordHash: string, at: string): Account {
  const c = demo.claims;
  const str = (k: string) => (typeof c[k] === 'string' ? (c[k] as string) : undefined);
  return {
    sub: String(c.sub),
    username: demo.username,
    passwordHash,
    roles: c.roles as Role[],
    name: demo.name,
    status: 'active',
    demo: true,
    phone: str('phone_number'),
    idNumber: demo.idNumber,
    verified: demo.role === 'applicant' ? true : undefined,
    verifiedAt: demo.role === 'applicant' ? at : undefined,
    hall: str('hall'),
    dept: str('dept'),
    deptName: demo.deptName,
    posts: c.posts as string[] | undefined,
    level: str('level'),
    agentPoint: str('agent_point'),
    village: str('village'),
    createdAt: at,
  };
}

export async function seedIdentity(store: AccountStore, demo: DemoAccount[], now: number): Promise<void> {
  const at = new Date(now).toISOString();
  await store.seedRegistry(population, legalPersons);
  const present = await Promise.all(demo.map((d) => store.getAccount(String(d.claims.sub))));
  const missing = demo.filter((_, i) => !present[i]);
  // Hashing is the slow part; the thread pool runs several at once, and so does DynamoDB Local.
  const hashes = await Promise.all(missing.map((d) => hashPassword(d.password, DEMO_COST)));
  await Promise.all(
    missing.map(async (d, i) => {
      try {
        await store.createAccount(demoRecord(d, hashes[i], at));
      } catch (err) {
        // Someone registered a demo account's phone or username first in a persisted .data/.
        if (!(err instanceof DuplicateError)) throw err;
        console.warn(`[identity] demo account ${d.username} not seeded: ${err.field} already taken`);
      }
    }),
  );
  // A `.data/` seeded before demo staff had mobiles: give them theirs (and their directory entries).
  await Promise.all(
    demo.map(async (d, i) => {
      const account = present[i];
      if (!account?.demo || account.phone || !d.phone) return;
      if (!(await store.addPhone(account, d.phone)))
        console.warn(`[identity] demo account ${d.username}: phone ${d.phone} already taken`);
    }),
  );
  const zhangsan = demo.find((d) => d.username === 'zhangsan');
  const company = legalPersons[0];
  if (zhangsan && !(await store.getEnterprise(company.uscc))) {
    const sub = String(zhangsan.claims.sub);
    await store.createEnterprise(
      {
        uscc: company.uscc,
        name: company.name,
        legalRepSub: sub,
        legalRepName: zhangsan.name,
        createdAt: at,
      },
      {
        uscc: company.uscc,
        enterpriseName: company.name,
        sub,
        personName: zhangsan.name,
        role: 'legal',
        grantedBy: sub,
        grantedAt: at,
      },
    );
  }
}
