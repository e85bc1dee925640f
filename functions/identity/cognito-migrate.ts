/**
 * Cognito user-migration trigger. Registration writes our accounts table only; the first time a
 * person signs in at the user pool (or asks it for a password reset), Cognito asks this function,
 * which checks the password with the same rules as every sign-in (lockout, audit) and hands Cognito
 * the user, linked to our account by custom:account_sub. Self sign-up at the pool is off, so nobody
 * exists there without an account here (and its real-name check).
 * Cognito does not pass the client's IP to this trigger: the per-IP lockout is keyed by the login
 * instead; the pool's own threat protection (Plus plan) watches IPs.
 */
import type { UserMigrationTriggerEvent } from 'aws-lambda';
import { nowMs } from '#domain/clock.ts';
import { dynamo, env } from '#lib/aws.ts';
import { AccountRefused, migratedUser } from './cognito.ts';
import { authenticate } from './login.ts';
import { AccountStore } from './store.ts';

let store: AccountStore | undefined;

export async function handler(event: UserMigrationTriggerEvent): Promise<UserMigrationTriggerEvent> {
  store ??= new AccountStore(dynamo, env('ACCOUNTS_TABLE'));
  if (event.triggerSource === 'UserMigration_Authentication') {
    const result = await authenticate(store, {
      login: event.userName,
      password: event.request.password ?? '',
      ip: `cognito:${event.userName}`,
      now: nowMs(),
      via: 'cognito',
    });
    // Cognito shows a failed trigger as a failed sign-in.
    if (!result.ok) throw new AccountRefused(result.message);
    event.response = migratedUser(result.account);
    return event;
  }
  // UserMigration_ForgotPassword: the reset code goes to the phone our account holds.
  const account = await store.findByLogin(event.userName);
  if (!account) throw new AccountRefused('用户名或密码不正确');
  event.response = migratedUser(account);
  return event;
}
