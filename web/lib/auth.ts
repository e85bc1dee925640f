/**
 * The portal as an OIDC client (oauth4webapi): authorization code + PKCE against the identity
 * provider — `${origin}/oidc` locally; in AWS the Cognito or provincial issuer named at build time
 * by NEXT_PUBLIC_OIDC_ISSUER / NEXT_PUBLIC_OIDC_CLIENT_ID.
 *
 * Tokens live in sessionStorage, not localStorage and not cookies: the portal is a static site
 * with no server to hold an httpOnly session, sessionStorage is per tab and gone when the tab
 * closes (shared computers at halls and agent points), and the access token lives 5 minutes.
 * What keeps a token from a script is having no third-party script at all; the refresh token rotates
 * at every use and dies with the provider session at logout.
 *
 * The API refuses a token issued before its account was disabled or changed (401 TOKEN_REVOKED):
 * `authFetch` then refreshes and sends the request again (a 401 comes before anything is done,
 * so that is safe), which carries a changed role at once. When the provider refuses the refresh too
 * (account disabled, signed out everywhere, password reset), the session has *ended*: it stays in
 * the tab, marked, so the page keeps what was typed, and `signInAgain` signs in in a small window
 * and hands the new session back to this tab.
 */

import * as oauth from 'oauth4webapi';
import { useSyncExternalStore } from 'react';
import { landingPath } from '../../functions/domain/roles.ts';
import { ApiError } from './api.ts';
import { forgetOfflineCases } from './offline.ts';

const KEY = 'bozhou.auth';
const PENDING = 'bozhou.auth.pending';
/** Where a sign-in in a small window hands its session back (signInAgain). */
const HAND_BACK = 'bozhou.auth.hand-back';
/** Shown where a request needs a session that has ended. */
export const SESSION_ENDED_MESSAGE =
  '登录已失效（账户状态、权限或密码已变更，或已在其他设备退出），请点击页面顶部的“重新登录”；本页已填写的内容会保留';
/** Refresh this long before the access token expires. */
const EARLY_MS = 60_000;

export interface Session {
  accessToken: string;
  refreshToken?: string;
  idToken?: string;
  /** Epoch ms. */
  expiresAt: number;
  claims: SessionClaims;
  /** The provider or the API refused this session: sign in again (signInAgain) to go on. */
  ended?: boolean;
}

export interface SessionClaims {
  sub: string;
  name?: string;
  roles?: string[];
  hall?: string;
  dept?: string;
  posts?: string[];
  phone_number?: string;
  act_uscc?: string;
  act_name?: string;
  agent_point?: string;
}

const clientId = () => process.env.NEXT_PUBLIC_OIDC_CLIENT_ID ?? 'portal';
const issuer = () => new URL(process.env.NEXT_PUBLIC_OIDC_ISSUER ?? `${window.location.origin}/oidc`);
const redirectUri = () => `${window.location.origin}/auth/callback/`;
/** Plain http is allowed only for the local cloud (127.0.0.1 / localhost). */
const options = () => ({ [oauth.allowInsecureRequests]: issuer().protocol === 'http:' });
const client = (): oauth.Client => ({ client_id: clientId() });

let server: Promise<oauth.AuthorizationServer> | undefined;
function discover(): Promise<oauth.AuthorizationServer> {
  server ??= oauth
    .discoveryRequest(issuer(), options())
    .then((res) => oauth.processDiscoveryResponse(issuer(), res))
    .catch((err) => {
      server = undefined;
      throw err;
    });
  return server;
}

function decode(jwt: string): SessionClaims {
  const part = jwt.split('.')[1] ?? '';
  const json = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0))));
}

const listeners = new Set<() => void>();
let cached: { raw: string | null; session: Session | undefined } = { raw: null, session: undefined };

export function getSession(): Session | undefined {
  if (typeof window === 'undefined') return undefined;
  const raw = sessionStorage.getItem(KEY);
  if (raw !== cached.raw) {
    let session: Session | undefined;
    try {
      session = raw ? (JSON.parse(raw) as Session) : undefined;
    } catch {
      session = undefined;
    }
    cached = { raw, session };
  }
  return cached.session;
}

function save(session: Session | undefined) {
  if (session) sessionStorage.setItem(KEY, JSON.stringify(session));
  else sessionStorage.removeItem(KEY);
  // Signed out or ended: the cases kept for offline reading go too (web/public/sw.js).
  if (!session || session.ended) void forgetOfflineCases();
  for (const l of listeners) l();
}

export function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function fromTokens(tokens: oauth.TokenEndpointResponse, previous?: Session): Session {
  return {
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token ?? previous?.refreshToken,
    idToken: tokens.id_token ?? previous?.idToken,
    expiresAt: Date.now() + (tokens.expires_in ?? 300) * 1000,
    claims: decode(tokens.access_token),
  };
}

/**
 * Sends the browser to the identity provider's login page; `returnTo` is a portal path. With
 * `handBack` (in the small window of signInAgain) the callback hands the session to the tab that
 * opened it instead.
 */
export async function startLogin(returnTo = '/account/', handBack?: string): Promise<void> {
  const as = await discover();
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const safeReturn = returnTo.startsWith('/') && !returnTo.startsWith('//') ? returnTo : '/account/';
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state, returnTo: safeReturn, handBack }));
  const url = new URL(as.authorization_endpoint!);
  url.search = new URLSearchParams({
    client_id: clientId(),
    redirect_uri: redirectUri(),
    response_type: 'code',
    scope: 'openid profile phone',
    state,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  }).toString();
  window.location.assign(url.href);
}

/**
 * The callback page: code → tokens. Returns where to go next, or, for a sign-in of signInAgain,
 * hands the session back to the tab that asked (`handedBack`: this window may close).
 */
export async function completeLogin(
  current: URL,
): Promise<{ returnTo: string; claims: SessionClaims; handedBack: boolean }> {
  const pending = JSON.parse(sessionStorage.getItem(PENDING) ?? 'null') as {
    verifier: string;
    state: string;
    returnTo: string;
    handBack?: string;
  } | null;
  if (!pending) throw new ApiError(400, '登录请求已失效，请重新登录');
  sessionStorage.removeItem(PENDING);
  const as = await discover();
  let params: URLSearchParams;
  try {
    params = oauth.validateAuthResponse(as, client(), current, pending.state);
  } catch (err) {
    const description = current.searchParams.get('error_description');
    throw new ApiError(400, description ?? (err as Error).message ?? '登录未完成，请重新登录');
  }
  const res = await oauth.authorizationCodeGrantRequest(
    as,
    client(),
    oauth.None(),
    params,
    redirectUri(),
    pending.verifier,
    options(),
  );
  const tokens = await oauth.processAuthorizationCodeResponse(as, client(), res);
  const session = fromTokens(tokens);
  save(session);
  if (pending.handBack && typeof BroadcastChannel !== 'undefined') {
    // Same origin only, and only the tab that made up this nonce takes it.
    const channel = new BroadcastChannel(HAND_BACK);
    channel.postMessage({ nonce: pending.handBack, session });
    channel.close();
    return { returnTo: pending.returnTo, claims: session.claims, handedBack: true };
  }
  return { returnTo: pending.returnTo, claims: session.claims, handedBack: false };
}

/**
 * Signs in again without leaving the page, so what was typed stays: the provider's login page in a
 * small window, whose callback hands the new session back (completeLogin). Where the window cannot
 * open, this page goes to sign in and comes back.
 */
export function signInAgain(): void {
  const here = `${window.location.pathname}${window.location.search}`;
  if (typeof BroadcastChannel === 'undefined') {
    void startLogin(here);
    return;
  }
  const nonce = oauth.generateRandomState();
  const popup = window.open(
    `/login/?handBack=${encodeURIComponent(nonce)}`,
    'bozhou-signin',
    'popup,width=480,height=720',
  );
  if (!popup) {
    void startLogin(here);
    return;
  }
  const previous = getSession()?.claims.sub;
  const channel = new BroadcastChannel(HAND_BACK);
  channel.onmessage = (e: MessageEvent<{ nonce?: string; session?: Session }>) => {
    if (e.data?.nonce !== nonce || !e.data.session) return;
    channel.close();
    save(e.data.session);
    // Someone else signed in: what the previous person typed is not theirs to send.
    if (previous && e.data.session.claims.sub !== previous) window.location.reload();
  };
}

let refreshing: Promise<Session | undefined> | undefined;

/**
 * New tokens now (after an "act as enterprise" switch, or before expiry). When the provider refuses,
 * the session has ended (kept, marked); a network failure changes nothing.
 */
export function refreshSession(): Promise<Session | undefined> {
  const session = getSession();
  if (!session?.refreshToken || session.ended) return Promise.resolve(undefined);
  refreshing ??= (async () => {
    try {
      const as = await discover();
      const res = await oauth.refreshTokenGrantRequest(
        as,
        client(),
        oauth.None(),
        session.refreshToken!,
        options(),
      );
      const next = fromTokens(await oauth.processRefreshTokenResponse(as, client(), res), session);
      save(next);
      return next;
    } catch (err) {
      // Refresh token spent, session revoked or account disabled: ended, but the page keeps what was typed.
      if (err instanceof oauth.ResponseBodyError) endSession();
      return undefined;
    } finally {
      refreshing = undefined;
    }
  })();
  return refreshing;
}

/** Marks the current session ended (kept in the tab until signInAgain or logout). */
function endSession() {
  const session = getSession();
  if (session && !session.ended) save({ ...session, ended: true });
}

/** A valid access token, refreshed shortly before it expires; undefined when signed out or ended. */
export async function accessToken(): Promise<string | undefined> {
  const session = getSession();
  if (!session || session.ended) return undefined;
  if (session.expiresAt - Date.now() > EARLY_MS) return session.accessToken;
  const next = await refreshSession();
  if (next) return next.accessToken;
  // The provider was unreachable: the current token while it lasts.
  const current = getSession();
  return current && !current.ended && current.expiresAt > Date.now() ? current.accessToken : undefined;
}

const notSignedIn = () =>
  getSession()?.ended
    ? new ApiError(401, SESSION_ENDED_MESSAGE, 'SESSION_ENDED')
    : new ApiError(401, '请先登录');

/**
 * fetch with the bearer token. A 401 (the token was revoked because the account or its roles
 * changed, or it expired) is refreshed and sent again: a 401 is answered before anything is done,
 * so this never does a thing twice. A second try follows a pause, in case the new token was minted
 * within the second of the change (our issuers wait that out; not every issuer may). Refused again,
 * the session has ended.
 */
export async function authFetch(path: string, init: RequestInit = {}): Promise<Response> {
  const send = async (token: string) => {
    try {
      return await fetch(path, {
        ...init,
        headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` },
      });
    } catch {
      throw new ApiError(0, '网络连接失败，请检查网络后重试');
    }
  };
  const token = await accessToken();
  if (!token) throw notSignedIn();
  let res = await send(token);
  for (let attempt = 0; res.status === 401 && attempt < 2; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 2_000));
    const next = await refreshSession();
    if (!next) {
      // Nothing to refresh with: ended too. (A failed network leaves the session as it is.)
      if (!getSession()?.refreshToken) endSession();
      if (getSession()?.ended) throw notSignedIn();
      return res;
    }
    res = await send(next.accessToken);
  }
  if (res.status === 401) endSession();
  return res;
}

/** Keeps the session fresh while a page is open; returns the cancel function. */
export function keepFresh(): () => void {
  const timer = setInterval(() => {
    const s = getSession();
    if (s && s.expiresAt - Date.now() <= EARLY_MS) void refreshSession();
  }, 15_000);
  return () => clearInterval(timer);
}

/**
 * After 退出所有设备 the server has already ended every session, the provider's included: forget
 * this tab's and go home, without the provider's 确定退出 page (whose 暂不退出 would mislead).
 */
export function forgetSession(): void {
  save(undefined);
  window.location.assign('/');
}

/** Signs out here and at the provider (end_session), back to the home page. */
export async function logout(): Promise<void> {
  const session = getSession();
  save(undefined);
  // Before leaving the page, so the deletion is not cut short by the navigation.
  await forgetOfflineCases();
  try {
    const as = await discover();
    if (as.end_session_endpoint) {
      const url = new URL(as.end_session_endpoint);
      const params = new URLSearchParams({
        client_id: clientId(),
        post_logout_redirect_uri: `${window.location.origin}/`,
      });
      if (session?.idToken) params.set('id_token_hint', session.idToken);
      url.search = params.toString();
      window.location.assign(url.href);
      return;
    }
  } catch {
    // Provider unreachable: the local session is gone anyway.
  }
  window.location.assign('/');
}

/** JSON from the API with the bearer token; errors as ApiError with the server's Chinese message. */
export async function authJson<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const res = await authFetch(path, {
    method: init.method ?? 'GET',
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const body = (await res.json().catch(() => undefined)) as
    | (T & { error?: { code?: string; message?: string; details?: unknown } })
    | undefined;
  if (!res.ok) {
    const ended = res.status === 401 && getSession()?.ended;
    const message = ended ? SESSION_ENDED_MESSAGE : (body?.error?.message ?? `请求失败（${res.status}）`);
    throw Object.assign(new ApiError(res.status, message, body?.error?.code), {
      details: body?.error?.details,
    });
  }
  return body as T;
}

/** Where a role lands after signing in: the one rule (functions/domain/roles.ts). */
export const landingFor = (roles: string[] = []): string => landingPath(roles);

/** The current session, re-rendering on sign-in, refresh and sign-out. */
export function useSession(): Session | undefined {
  return useSyncExternalStore(subscribe, getSession, () => undefined);
}
