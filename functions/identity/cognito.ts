/**
 * Cognito (the AWS default issuer) and our accounts: which account a Cognito user is, and the
 * claims its access tokens carry — the same `tokenClaims(account)` the local identity provider
 * issues, so handlers see the same principal in AWS and on the local cloud. Pure; the Lambda is
 * cognito-pre-token.ts.
 */
import { type Account, tokenClaims } from './model.ts';

/**
 * The custom attribute naming the account a Cognito user is. Set only by our own code (the user
 * migration / AdminCreateUser path) and not writable by the portal's app client, because Cognito
 * usernames are chosen by whoever signs up: mapping by username would let anyone sign up as
 * "operator" and receive the operator's claims.
 */
export const ACCOUNT_SUB_ATTRIBUTE = 'custom:account_sub';

/**
 * Claims a pre-token-generation trigger may not add or override (Cognito refuses the response or
 * ignores them); `sub` is among them, hence `account_sub` below.
 */
export const RESERVED_CLAIMS = new Set([
  'acr',
  'amr',
  'at_hash',
  'aud',
  'auth_time',
  'azp',
  'c_hash',
  'client_id',
  'cognito:username',
  'event_id',
  'exp',
  'iat',
  'identities',
  'iss',
  'jti',
  'nbf',
  'nonce',
  'origin_jti',
  'scope',
  'sub',
  'token_use',
  'username',
  'version',
]);

/**
 * Which account a Cognito user is: the trusted custom attribute if set, else an account whose
 * own sub is the Cognito sub (accounts created through Cognito keep Cognito's sub).
 * Never the username (see ACCOUNT_SUB_ATTRIBUTE).
 */
export function accountSubOf(userAttributes: Record<string, string | undefined>): string | undefined {
  const linked = userAttributes[ACCOUNT_SUB_ATTRIBUTE]?.trim();
  if (linked) return linked;
  return userAttributes.sub?.trim() || undefined;
}

/** Cognito refuses to issue tokens when the trigger fails; the message reaches the sign-in page. */
export class AccountRefused extends Error {}

/**
 * The claims to add to the access token of `account`.
 * No account (someone who signed up at Cognito but never registered with us): no claims — no
 * roles, so every user route refuses them. A disabled account gets no tokens at all, also at
 * refresh, so disabling takes effect within one access-token lifetime.
 * The token's `sub` stays Cognito's (it cannot be overridden); `account_sub` carries ours, and
 * the principal must be read from it when present.
 */
export function accessTokenClaims(account: Account | undefined): Record<string, unknown> | undefined {
  if (!account) return undefined;
  if (account.status !== 'active') throw new AccountRefused('账户已停用，请联系运营中心');
  const claims: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(tokenClaims(account))) if (!RESERVED_CLAIMS.has(k)) claims[k] = v;
  claims.account_sub = account.sub;
  return claims;
}

/** The V2 trigger's response part: our claims into the access token, nothing else changed. */
export function preTokenResponse(claims: Record<string, unknown> | undefined) {
  return {
    claimsAndScopeOverrideDetails: claims ? { accessTokenGeneration: { claimsToAddOrOverride: claims } } : {},
  };
}

/**
 * The user-migration trigger's answer: the Cognito user for one of our accounts, confirmed and
 * linked by `custom:account_sub`, with no welcome message (the person registered with us already).
 */
export function migratedUser(account: Account) {
  if (account.status !== 'active') throw new AccountRefused('账户已停用，请联系运营中心');
  const attributes: Record<string, string> = { name: account.name, [ACCOUNT_SUB_ATTRIBUTE]: account.sub };
  if (account.phone) {
    attributes.phone_number = account.phone.startsWith('+') ? account.phone : `+86${account.phone}`;
    attributes.phone_number_verified = 'true';
  }
  return {
    userAttributes: attributes,
    finalUserStatus: 'CONFIRMED' as const,
    messageAction: 'SUPPRESS' as const,
    desiredDeliveryMediums: ['SMS' as const],
  };
}
