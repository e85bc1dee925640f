/**
 * Revocation of tokens already issued: the rule, and the small cache every Lambda reads it through.
 *
 * A JWT stays valid until it expires (5 minutes), whatever happens to its account meanwhile. So each
 * account carries two instants (model.ts), and a token issued before them is refused:
 * - `tokensValidAfterMs`: access tokens issued (`iat`) before it are refused at the API — set when the
 *   account is disabled or its roles, posts, hall or department change, at a password reset or
 *   reclaim, and when the person signs out everywhere;
 * - `sessionsValidAfterMs`: sessions begun (`auth_time`) before it end — their refresh tokens are
 *   refused by the local provider, and any access token carrying such an `auth_time` (Cognito's carry
 *   it, and keep it across refreshes) is refused at the API — set at a password reset or reclaim and
 *   when the person signs out everywhere.
 * A disabled (or unknown) account has no live token at all.
 *
 * The API asks at every request that needs a token (functions/lib/http.ts), through
 * `TokenStateCache`: one read per account per few seconds per Lambda instance, whatever the burst.
 * Each instant is the change's time plus a second's margin (validAfter), compared second by second
 * with the token's; the issuers wait that second out before minting (waitToMint), so the refresh
 * right after a change gets a token that works. Pure but for waitToMint (the cache's reader and
 * clock are given).
 */
import { type Account, tokenClaims } from './model.ts';

/**
 * What the check reads of an account: these attributes of the profile, and nothing else (the IAM
 * grant of the functions that ask allows no other; infra/constructs/house-function.ts).
 */
export const TOKEN_STATE_ATTRIBUTES = ['status', 'tokensValidAfterMs', 'sessionsValidAfterMs'] as const;
export type TokenState = Pick<Account, (typeof TOKEN_STATE_ATTRIBUTES)[number]>;

/** How long a state read is trusted: a change reaches every Lambda instance within this time. */
export const TOKEN_STATE_TTL_MS = 5_000;

/**
 * Added to the instant of a change: the instant is computed before the change is written, and the
 * issuers' clocks (Cognito's, another Lambda's) may differ a little from this one. Tokens minted
 * in that second too are refused; the issuers wait it out (mintDelayMs).
 */
export const REVOCATION_MARGIN_MS = 1_000;

/** The valid-after instant of a change made at `nowMs` (wall clock, as token times are). */
export const validAfter = (nowMs: number): number => nowMs + REVOCATION_MARGIN_MS;

/**
 * Whether a token time (`iat`, `auth_time`: whole seconds) is not after `validAfterMs`: only a
 * token whose second begins after the instant is live. Second by second, so a token minted in the
 * very second of a change cannot slip through (an insider refreshing in a loop would otherwise
 * always hold one).
 */
export function before(tokenSeconds: number, validAfterMs: number | undefined): boolean {
  return validAfterMs !== undefined && tokenSeconds * 1000 <= validAfterMs;
}

/**
 * How long an issuer waits before minting a token for an account (at sign-in, also a session), so
 * that what it mints is live: nothing, except right after a change (at most about two seconds).
 */
export function mintDelayMs(state: TokenState, nowMs: number, signIn = false): number {
  let wait = 0;
  for (const instant of [state.tokensValidAfterMs, signIn ? state.sessionsValidAfterMs : undefined])
    if (instant !== undefined) wait = Math.max(wait, (Math.floor(instant / 1000) + 1) * 1000 - nowMs);
  return Math.min(wait, 3 * REVOCATION_MARGIN_MS);
}

/** Waits out mintDelayMs (issuers: the local provider, the dev token, the Cognito trigger). */
export async function waitToMint(state: TokenState, signIn = false): Promise<void> {
  const ms = mintDelayMs(state, Date.now(), signIn);
  if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
}

/** Whether a session begun at `authTime` (epoch seconds) has ended: at refresh, and at the API. */
export function sessionEnded(authTime: number | undefined, state: TokenState | undefined): boolean {
  if (state?.status !== 'active') return true;
  return authTime !== undefined && before(authTime, state.sessionsValidAfterMs);
}

/**
 * Whether a verified access token may still be used. Without `iat` a token cannot be compared, so
 * it is refused (every issuer of ours sets it; RFC 9068 requires it).
 */
export function tokenLive(
  token: { issuedAt?: number; authTime?: number },
  state: TokenState | undefined,
): boolean {
  if (token.issuedAt === undefined || sessionEnded(token.authTime, state)) return false;
  return !before(token.issuedAt, state?.tokensValidAfterMs);
}

export type TokenStateReader = (sub: string) => Promise<TokenState | undefined>;

/**
 * Token states by account, each trusted for `ttlMs`. A read in flight is shared: a burst of
 * requests of one account costs one read, not one per request. Failed reads are not kept. The
 * oldest entries go first beyond `maxEntries`.
 */
export class TokenStateCache {
  private readonly entries = new Map<string, { at: number; state: Promise<TokenState | undefined> }>();
  /** Reads made so far (for the benchmark and the tests). */
  reads = 0;

  constructor(
    private readonly read: TokenStateReader,
    private readonly ttlMs = TOKEN_STATE_TTL_MS,
    private readonly maxEntries = 10_000,
    private readonly clock: () => number = Date.now,
  ) {}

  get(sub: string): Promise<TokenState | undefined> {
    const now = this.clock();
    const hit = this.entries.get(sub);
    if (hit && now - hit.at < this.ttlMs) return hit.state;
    this.reads++;
    const state = this.read(sub);
    // Re-inserted, so the map's order stays oldest first.
    this.entries.delete(sub);
    this.entries.set(sub, { at: now, state });
    state.catch(() => {
      if (this.entries.get(sub)?.state === state) this.entries.delete(sub);
    });
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return state;
  }
}

/**
 * Whether changing `before` into `after` must end the tokens already issued: the account was
 * disabled or enabled, or a claim a token carries (roles, hall, dept, posts, …) changed.
 */
export function changeRevokesTokens(before: Account, after: Account): boolean {
  return (
    before.status !== after.status ||
    JSON.stringify(tokenClaims(before)) !== JSON.stringify(tokenClaims(after))
  );
}
