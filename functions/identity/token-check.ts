/**
 * The revocation check of every request that needs a token (functions/lib/http.ts asks it): the
 * caller's token state read from the accounts table through one TokenStateCache per Lambda
 * instance (revocation.ts). Functions serving such routes may read those three attributes of
 * profiles and nothing else (`'revocation'` access in infra/resources.ts).
 */
import { dynamo, env } from '#lib/aws.ts';
import { logger } from '#lib/logger.ts';
import type { Principal } from '#lib/principal.ts';
import { TokenStateCache, type TokenStateReader, tokenLive } from './revocation.ts';
import { AccountStore } from './store.ts';

let cache: TokenStateCache | undefined;

/** Whether the caller's verified token has not been revoked since it was issued. */
export async function tokenIsLive(who: Principal): Promise<boolean> {
  if (!cache) {
    const store = new AccountStore(dynamo, env('ACCOUNTS_TABLE'));
    cache = new TokenStateCache((sub) => {
      // At DEBUG, one line per read: how the cache fares under real traffic (README, Revocation).
      logger.debug('token state read');
      return store.tokenState(sub);
    });
  }
  return tokenLive(who, await cache.get(who.sub));
}

/**
 * Reads token states elsewhere (unit tests of handlers, which have no accounts table); `undefined`
 * goes back to the accounts table. Returns the cache, whose `reads` a test may count.
 */
export function readTokenStatesWith(reader: TokenStateReader | undefined): TokenStateCache | undefined {
  cache = reader && new TokenStateCache(reader);
  return cache;
}
