/**
 * The portal as an OIDC client (oauth4webapi): authorization code + PKCE against the identity
 * provider — `${origin}/oidc` locally; in AWS the Cognito or provincial issuer named at build time
 * by NEXT_PUBLIC_OIDC_ISSUER / NEXT_PUBLIC_OIDC_CLIENT_ID.
 *
 * Tokens live in sessionStorage, not localStorage and not cookies: the portal is a static site
 * with no server to hold an httpOnly session, sessionStorage is per tab and gone when the tab
 * closes (shared computers at halls and agent points), and the access token lives 10 minutes.
 * What keeps a token from a script is having no third-party script at all; the refresh token rotates
 * at every use and dies with the provider session at logout.
 */

import * as oauth from 'oauth4webapi';
import { useSyncExternalStore } from 'react';
import { landingPath } from '../../functions/domain/roles.ts';
import { ApiError } from './api.ts';

const KEY = 'bozhou.auth';
const PENDING = 'bozhou.auth.pending';
/** Refresh this long before the access token expires. */
const EARLY_MS = 60_000;

export interface Session {
  accessToken: string;
  refreshToken?: string;
  idToken?: string;
  /** Epoch ms. */
  expiresAt: number;
  claims: SessionClaims;
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
    expiresAt: Date.now() + (tokens.expires_in ?? 600) * 1000,
    claims: decode(tokens.access_token),
  };
}

/** Sends the browser to the identity provider's login page; `returnTo` is a portal path. */
export async function startLogin(returnTo = '/account/'): Promise<void> {
  const as = await discover();
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const safeReturn = returnTo.startsWith('/') && !returnTo.startsWith('//') ? returnTo : '/account/';
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state, returnTo: safeReturn }));
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

/** The callback page: code → tokens. Returns where to go next. */
export async function completeLogin(current: URL): Promise<{ returnTo: string; claims: SessionClaims }> {
  const pending = JSON.parse(sessionStorage.getItem(PENDING) ?? 'null') as {
    verifier: string;
    state: string;
    returnTo: string;
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
  return { returnTo: pending.returnTo, claims: session.claims };
}

let refreshing: Promise<Session | undefined> | undefined;

/** New tokens now (after an "act as enterprise" switch, or before expiry). */
export function refreshSession(): Promise<Session | undefined> {
  const session = getSession();
  if (!session?.refreshToken) return Promise.resolve(undefined);
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
    } catch {
      // Refresh token spent or the provider session ended: signed out.
      save(undefined);
      return undefined;
    } finally {
      refreshing = undefined;
    }
  })();
  return refreshing;
}

/** A valid access token, refreshed shortly before it expires; undefined when signed out. */
export async function accessToken(): Promise<string | undefined> {
  const session = getSession();
  if (!session) return undefined;
  if (session.expiresAt - Date.now() > EARLY_MS) return session.accessToken;
  return (await refreshSession())?.accessToken;
}

/** Keeps the session fresh while a page is open; returns the cancel function. */
export function keepFresh(): () => void {
  const timer = setInterval(() => {
    const s = getSession();
    if (s && s.expiresAt - Date.now() <= EARLY_MS) void refreshSession();
  }, 15_000);
  return () => clearInterval(timer);
}

/** Signs out here and at the provider (end_session), back to the home page. */
export async function logout(): Promise<void> {
  const session = getSession();
  save(undefined);
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
  const token = await accessToken();
  if (!token) throw new ApiError(401, '请先登录');
  const headers: Record<string, string> = { accept: 'application/json', authorization: `Bearer ${token}` };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, {
      method: init.method ?? 'GET',
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  } catch {
    throw new ApiError(0, '网络连接失败，请检查网络后重试');
  }
  const body = (await res.json().catch(() => undefined)) as
    | (T & { error?: { code?: string; message?: string; details?: unknown } })
    | undefined;
  if (!res.ok) {
    if (res.status === 401) save(undefined);
    throw Object.assign(
      new ApiError(res.status, body?.error?.message ?? `请求失败（${res.status}）`, body?.error?.code),
      {
        details: body?.error?.details,
      },
    );
  }
  return body as T;
}

/** Where a role lands after signing in: the one rule (functions/domain/roles.ts). */
export const landingFor = (roles: string[] = []): string => landingPath(roles);

/** The current session, re-rendering on sign-in, refresh and sign-out. */
export function useSession(): Session | undefined {
  return useSyncExternalStore(subscribe, getSession, () => undefined);
}
