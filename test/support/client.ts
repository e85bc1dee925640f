/** A small HTTP client for the integration tests: everything goes through the gateway, as a browser would. */
import { inject } from 'vitest';

export const baseUrl = () => process.env.PORTAL_URL ?? inject('portalUrl');

export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
  raw?: string;
}

export type Caller = <T = any>(method: string, path: string, opts?: CallOptions) => Promise<Reply<T>>;

/** `call` against another deployment than the suite's (a test that runs its own cloud). */
export const callAt =
  (origin: string): Caller =>
  (method, path, opts) =>
    call(method, path, { ...opts, origin });

export async function call<T = any>(
  method: string,
  path: string,
  opts: CallOptions & { origin?: string } = {},
): Promise<Reply<T>> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let payload: string | undefined = opts.raw;
  if (opts.body !== undefined) {
    payload = JSON.stringify(opts.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(`${opts.origin ?? baseUrl()}${path}`, { method, headers, body: payload });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, body: body as T, headers: res.headers };
}

export async function login(username: string, password = 'Demo@2026'): Promise<string> {
  const res = await call('POST', '/api/dev/token', { body: { username, password } });
  if (res.status !== 200)
    throw new Error(`login ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.accessToken;
}

/** Polls until `check` returns a value (not undefined), within a bound. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// ---------------------------------------------------------------------------------------------
// The real OIDC code flow at HTTP level (what the portal does in a browser): authorize → login
// page → form POST → (first-party consent, automatic) → code → token with the PKCE verifier.

import * as oauth from 'oauth4webapi';

/** A minimal cookie jar: name → value for one origin (the gateway's), paths ignored. */
export class CookieJar {
  private readonly cookies = new Map<string, string>();
  store(res: Response) {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a)) || value === '';
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

export const PORTAL_CLIENT: oauth.Client = { client_id: 'portal' };
const insecure = { [oauth.allowInsecureRequests]: true };

export async function discover(): Promise<oauth.AuthorizationServer> {
  const issuer = new URL(`${baseUrl()}/oidc`);
  return oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, insecure));
}

export interface CodeFlowResult {
  tokens: oauth.TokenEndpointResponse;
  jar: CookieJar;
  as: oauth.AuthorizationServer;
  /** The login page's HTML as first served (for assertions on the page). */
  loginPage: string;
}

/** Follows redirects by hand, keeping cookies, until `stop(url)` or a non-redirect. */
export async function follow(
  jar: CookieJar,
  start: string,
  init: RequestInit = {},
  stop = (_u: URL) => false,
) {
  let url = new URL(start, baseUrl());
  let res = await fetch(url, {
    ...init,
    redirect: 'manual',
    headers: { ...init.headers, cookie: jar.header() },
  });
  jar.store(res);
  for (let hops = 0; res.status >= 300 && res.status < 400 && hops < 10; hops++) {
    url = new URL(res.headers.get('location')!, url);
    if (stop(url)) return { res, url };
    res = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header() } });
    jar.store(res);
  }
  return { res, url };
}

/**
 * The provider's login page at HTTP level: authorize, then post `fields` to the password form
 * (`login`, `password`) or, with `mode: 'sms'`, the SMS-code form. Resolves with the tokens, or with
 * the page's status and HTML when the page refused.
 */
export async function providerSignIn(fields: Record<string, string>): Promise<{
  tokens?: oauth.TokenEndpointResponse;
  status: number;
  page: string;
  jar: CookieJar;
  as: oauth.AuthorizationServer;
  loginPage: string;
}> {
  const as = await discover();
  const redirectUri = `${baseUrl()}/auth/callback/`;
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const auth = new URL(as.authorization_endpoint!);
  auth.search = new URLSearchParams({
    client_id: PORTAL_CLIENT.client_id,
    redirect_uri: redirectUri,
    response_type: 'code',
    scope: 'openid profile phone',
    state,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  }).toString();
  const jar = new CookieJar();
  const atCallback = (u: URL) => u.pathname === '/auth/callback/';
  const first = await follow(jar, auth.href, {}, atCallback);
  const loginPage = await first.res.text();
  const action = /<form[^>]*action="([^"]+)"/.exec(loginPage)?.[1];
  if (!action) throw new Error(`no login form at ${first.url}: ${first.res.status}`);
  const posted = await follow(
    jar,
    action.replaceAll('&amp;', '&'),
    {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    },
    atCallback,
  );
  if (!atCallback(posted.url)) {
    return { status: posted.res.status, page: await posted.res.text(), jar, as, loginPage };
  }
  const params = oauth.validateAuthResponse(as, PORTAL_CLIENT, posted.url, state);
  const response = await oauth.authorizationCodeGrantRequest(
    as,
    PORTAL_CLIENT,
    oauth.None(),
    params,
    redirectUri,
    verifier,
    insecure,
  );
  const tokens = await oauth.processAuthorizationCodeResponse(as, PORTAL_CLIENT, response);
  return { tokens, status: 200, page: '', jar, as, loginPage };
}

/** Signs in with a password through the provider's own login page; rejects with the page's error text. */
export async function codeFlow(login: string, password = 'Demo@2026'): Promise<CodeFlowResult> {
  const { tokens, status, page, jar, as, loginPage } = await providerSignIn({ login, password });
  if (!tokens) {
    const error = /role="alert"[^>]*>([^<]+)</.exec(page)?.[1];
    throw Object.assign(new Error(error ?? `login failed: ${status}`), { status });
  }
  return { tokens, jar, as, loginPage };
}

export async function refresh(as: oauth.AuthorizationServer, refreshToken: string) {
  const response = await oauth.refreshTokenGrantRequest(
    as,
    PORTAL_CLIENT,
    oauth.None(),
    refreshToken,
    insecure,
  );
  return oauth.processRefreshTokenResponse(as, PORTAL_CLIENT, response);
}
