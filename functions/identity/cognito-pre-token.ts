/**
 * Cognito pre-token-generation trigger (event version V2_0, access token customisation; needs the
 * Essentials or Plus feature plan). Runs at every sign-in and every refresh, so role changes and
 * "act as enterprise" land at the next refresh, as with the local identity provider.
 * Wired to the user pool in infra/stacks/platform-stack.ts; reads the accounts table (GetItem only).
 */
import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { dynamo, env } from '#lib/aws.ts';
import { logger } from '#lib/logger.ts';
import { AccountRefused, accessTokenClaims, accountSubOf, preTokenResponse } from './cognito.ts';
import { waitToMint } from './revocation.ts';
import { AccountStore } from './store.ts';

let store: AccountStore | undefined;

export async function handler(
  event: PreTokenGenerationV2TriggerEvent,
): Promise<PreTokenGenerationV2TriggerEvent> {
  store ??= new AccountStore(dynamo, env('ACCOUNTS_TABLE'));
  const sub = accountSubOf(event.request.userAttributes);
  const account = sub ? await store.getAccount(sub) : undefined;
  if (!account)
    logger.warn('Cognito user without an account: token without roles', { trigger: event.triggerSource });
  try {
    const claims = accessTokenClaims(account);
    // Right after a change, mint after its instant, or the API refuses the new token too.
    if (account) await waitToMint(account, event.triggerSource !== 'TokenGeneration_RefreshTokens');
    // The V2 event accepts string arrays (roles, posts); @types/aws-lambda types the map as strings.
    event.response = preTokenResponse(claims) as PreTokenGenerationV2TriggerEvent['response'];
    return event;
  } catch (err) {
    if (err instanceof AccountRefused) logger.info('token refused', { reason: err.message });
    throw err;
  }
}
