/**
 * The local identity provider: a real OpenID Provider (oidc-provider) at `${gateway}/oidc`, with
 * our login page, our accounts (functions/identity/store.ts) and our claims. It stands where
 * Cognito or the provincial identity platform stands in AWS (functions/identity/README.md).
 *
 * - The portal is a public client (`portal`): authorization code + PKCE (S256, required).
 * - Access tokens are JWTs (RFC 9068) for the API resource (RFC 8707, audience API_AUDIENCE),
 *   5 minutes, carrying the role claims of `tokenClaims`, read fresh from the account at every
 *   issuance, so a role change or an "act as enterprise" switch lands at the next refresh, and
 *   `auth_time` (when the session began), as Cognito's do. The API refuses tokens issued before
 *   their account was disabled or changed (functions/identity/revocation.ts).
 * - Refresh tokens rotate at every use and end with the session (logout ends them), when the
 *   account is disabled, and when its sessions are revoked (password reset, sign out everywhere).
 * - Keys: the LocalIssuer's (`.data/oidc/jwks.json`), so tokens of POST /api/dev/token verify
 *   against the same JWKS. Storage: AdapterStore (`.data/oidc/store.json`).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { interactionPolicy, errors as oidcErrors, Provider } from 'oidc-provider';
import { authenticate, authenticateWithCode } from '#functions/identity/login.ts';
import { tokenClaims } from '#functions/identity/model.ts';
import { sessionEnded, waitToMint } from '#functions/identity/revocation.ts';
import type { AccountStore } from '#functions/identity/store.ts';
import { API_AUDIENCE, type LocalIssuer } from '../identity.ts';
import { AdapterStore } from './adapter.ts';
import { loginPage, logoutPage, messagePage } from './pages.ts';

export const PORTAL_CLIENT_ID = 'portal';
export const ACCESS_TOKEN_TTL = 300;
const SESSION_TTL = 8 * 3600;

export interface IdentityProviderOptions {
  issuer: LocalIssuer;
  /** The gateway's origin: the portal's redirect URIs live there. */
  portalUrl: string;
  accounts: AccountStore;
  /** Now (ms) for lockout rules: the local dev clock. */
  now(): number;
  dataDir?: string;
}

export interface IdentityProvider {
  provider: Provider;
  /** Handles `/oidc/*`; reads the request body itself, so call it before anything consumes it. */
  handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean>;
  stop(): Promise<void>;
}

function cookieKeys(dir: string | undefined): string[] {
  const file = dir && join(dir, 'cookie-keys.json');
  if (file && existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  const keys = [randomBytes(32).toString('base64url')];
  if (file) writeFileSync(file, JSON.stringify(keys), { mode: 0o600 });
  return keys;
}

function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 16 * 1024) {
        reject(new Error('form too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });
}

function html(res: ServerResponse, status: number, body: string) {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    // The login page must not be framed (clickjacking) nor load anything from elsewhere.
    'x-frame-options': 'DENY',
    'content-security-policy':
      "default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    'referrer-policy': 'no-referrer',
  });
  res.end(body);
}

function clientIp(req: IncomingMessage): string {
  return req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1';
}

export async function startIdentityProvider(opts: IdentityProviderOptions): Promise<IdentityProvider> {
  const dir = opts.dataDir && join(opts.dataDir, 'oidc');
  if (dir) mkdirSync(dir, { recursive: true });
  const storage = new AdapterStore(dir && join(dir, 'store.json'));
  const portal = opts.portalUrl.replace(/\/$/, '');
  const { accounts } = opts;

  // A browser session whose account is disabled, or whose sessions were revoked (findAccount no longer
  // finds its account), asks to sign in again instead of failing.
  const policy = interactionPolicy.base();
  policy
    .get('login')
    ?.checks.add(
      new interactionPolicy.Check('session_revoked', '登录已失效，请重新登录', (ctx) =>
        ctx.oidc.session.accountId && !ctx.oidc.account
          ? interactionPolicy.Check.REQUEST_PROMPT
          : interactionPolicy.Check.NO_NEED_TO_PROMPT,
      ),
    );
  const provider = new Provider(opts.issuer.issuer, {
    adapter: storage.adapterClass(),
    jwks: opts.issuer.privateJwks,
    cookies: { keys: cookieKeys(dir) },
    clients: [
      {
        client_id: PORTAL_CLIENT_ID,
        client_name: '亳州市网上办事大厅',
        application_type: 'web',
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: [`${portal}/auth/callback/`],
        post_logout_redirect_uris: [`${portal}/`, `${portal}/login/`],
      },
    ],
    scopes: ['openid', 'offline_access', 'profile', 'phone'],
    claims: { openid: ['sub'], profile: ['name'], phone: ['phone_number', 'phone_number_verified'] },
    pkce: { required: () => true },
    // The portal is same-origin; only it may call the token endpoint from a browser.
    clientBasedCORS: (_ctx: unknown, origin: string) => origin === portal,
    async findAccount(
      ctx: { oidc?: { session?: { authTime?(): number | undefined } } } | undefined,
      sub: string,
      token?: { authTime?: number },
    ) {
      const account = await accounts.getAccount(sub);
      // A disabled account, and every session that started before a password reset, a reclaim or
      // "sign out everywhere": their refresh tokens and the browser session stop finding the account
      // (oidc-provider answers invalid_grant or asks to sign in again). The rule is the API's.
      const authTime = token?.authTime ?? ctx?.oidc?.session?.authTime?.();
      if (!account || sessionEnded(authTime, account)) return undefined;
      // Right after a change, the token about to be minted must fall after its instant.
      await waitToMint(account);
      return {
        accountId: sub,
        async claims() {
          return {
            sub,
            name: account.name,
            phone_number: account.phone,
            phone_number_verified: account.phone ? account.verified === true : undefined,
          };
        },
      };
    },
    async extraTokenClaims(
      ctx: { oidc?: { entities?: Record<string, { authTime?: number } | undefined> } } | undefined,
      token: { kind: string; accountId?: string },
    ) {
      if (token.kind !== 'AccessToken' || !token.accountId) return undefined;
      const account = await accounts.getAccount(token.accountId);
      if (!account) return undefined;
      const { sub: _sub, ...claims } = tokenClaims(account);
      // When the session began (the code's, or the refresh token's, which keeps it): the API ends
      // sessions by it, as with Cognito's tokens.
      const entities = ctx?.oidc?.entities;
      const authTime = entities?.RefreshToken?.authTime ?? entities?.AuthorizationCode?.authTime;
      return authTime === undefined ? claims : { ...claims, auth_time: authTime };
    },
    // Our portal is a first-party client: always a refresh token, rotated at each use.
    issueRefreshToken: async (_ctx: unknown, client: { grantTypeAllowed(t: string): boolean }) =>
      client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: () => true,
    ttl: {
      AccessToken: ACCESS_TOKEN_TTL,
      AuthorizationCode: 60,
      IdToken: ACCESS_TOKEN_TTL,
      Interaction: 15 * 60,
      RefreshToken: SESSION_TTL,
      Session: SESSION_TTL,
      Grant: SESSION_TTL,
    },
    interactions: {
      policy,
      url: (_ctx: unknown, interaction: { uid: string }) => `/oidc/interaction/${interaction.uid}`,
    },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => API_AUDIENCE,
        useGrantedResource: () => true,
        getResourceServerInfo(_ctx: unknown, indicator: string) {
          if (indicator !== API_AUDIENCE) throw new oidcErrors.InvalidTarget();
          return {
            scope: 'api',
            audience: API_AUDIENCE,
            accessTokenTTL: ACCESS_TOKEN_TTL,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
      rpInitiatedLogout: {
        enabled: true,
        async logoutSource(ctx: { body: string }, form: string) {
          ctx.body = logoutPage(form);
        },
        async postLogoutSuccessSource(ctx: { body: string }) {
          ctx.body = messagePage('已退出登录', '您已安全退出。', { href: '/', text: '返回首页' });
        },
      },
    },
    async renderError(
      ctx: { type: string; body: string },
      out: { error?: string; error_description?: string },
    ) {
      ctx.type = 'html';
      ctx.body = messagePage(
        '登录出错',
        `登录请求无效或已过期，请返回重新登录。（${out.error ?? 'error'}${out.error_description ? `：${out.error_description}` : ''}）`,
        { href: '/login/', text: '重新登录' },
      );
    },
  });
  const callback = provider.callback();

  async function interaction(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const [, uid, action] = /^\/oidc\/interaction\/([\w-]+)(?:\/(login|abort))?\/?$/.exec(path) ?? [];
    if (!uid) {
      html(
        res,
        404,
        messagePage('页面不存在', '登录地址不正确，请从首页重新登录。', {
          href: '/login/',
          text: '重新登录',
        }),
      );
      return;
    }
    let details: Awaited<ReturnType<Provider['interactionDetails']>>;
    try {
      details = await provider.interactionDetails(req, res);
    } catch {
      html(
        res,
        400,
        messagePage('登录已过期', '登录页面已过期，请重新登录。', { href: '/login/', text: '重新登录' }),
      );
      return;
    }
    if (details.uid !== uid) {
      html(
        res,
        400,
        messagePage('登录已过期', '登录页面已过期，请重新登录。', { href: '/login/', text: '重新登录' }),
      );
      return;
    }
    const base = `/oidc/interaction/${uid}`;
    const render = (status: number, login?: string, error?: string, sms?: { phone?: string }) =>
      html(
        res,
        status,
        loginPage({
          action: `${base}/login`,
          abortUrl: `${base}/abort`,
          login,
          error,
          registerUrl: '/register/',
          resetUrl: '/account/reset/',
          sms: sms !== undefined,
          phone: sms?.phone,
        }),
      );

    if (action === 'abort') {
      await provider.interactionFinished(
        req,
        res,
        { error: 'access_denied', error_description: '用户取消了登录' },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    if (details.prompt.name === 'login') {
      if (action !== 'login' || req.method !== 'POST') {
        render(200);
        return;
      }
      const form = await readForm(req);
      if (form.get('mode') === 'sms') {
        // SMS-code sign-in: the code came from POST /api/accounts/codes {purpose: 'login'}.
        const phone = form.get('phone') ?? '';
        const result = await authenticateWithCode(accounts, {
          phone,
          code: form.get('code') ?? '',
          ip: clientIp(req),
          now: opts.now(),
          via: 'oidc',
        });
        if (!result.ok) {
          render(result.status, undefined, result.message, { phone });
          return;
        }
        // A session begun in the second of a reset would end at once (revocation.ts).
        await waitToMint(result.account, true);
        await provider.interactionFinished(
          req,
          res,
          { login: { accountId: result.account.sub, amr: ['sms'] } },
          { mergeWithLastSubmission: false },
        );
        return;
      }
      const login = form.get('login') ?? '';
      const result = await authenticate(accounts, {
        login,
        password: form.get('password') ?? '',
        ip: clientIp(req),
        now: opts.now(),
        via: 'oidc',
      });
      if (!result.ok) {
        // Locked or suspended: the SMS-code section opens, since that is how the owner gets in.
        const locked = result.status === 429;
        render(result.status, login, result.message, locked ? {} : undefined);
        return;
      }
      await waitToMint(result.account, true);
      await provider.interactionFinished(
        req,
        res,
        { login: { accountId: result.account.sub, amr: ['pwd'] } },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    if (details.prompt.name === 'consent') {
      // First-party portal: the consent is the user's own sign-in, so it is granted without a page.
      const accountId = details.session?.accountId;
      if (!accountId) {
        render(200);
        return;
      }
      const grant =
        (details.grantId ? await provider.Grant.find(details.grantId) : undefined) ??
        new provider.Grant({ accountId, clientId: String(details.params.client_id) });
      const d = details.prompt.details as {
        missingOIDCScope?: string[];
        missingOIDCClaims?: string[];
        missingResourceScopes?: Record<string, string[]>;
      };
      if (d.missingOIDCScope) grant.addOIDCScope(d.missingOIDCScope.join(' '));
      if (d.missingOIDCClaims) grant.addOIDCClaims(d.missingOIDCClaims);
      for (const [resource, scopes] of Object.entries(d.missingResourceScopes ?? {}))
        grant.addResourceScope(resource, scopes.join(' '));
      const grantId = await grant.save();
      await provider.interactionFinished(
        req,
        res,
        { consent: { grantId } },
        { mergeWithLastSubmission: true },
      );
      return;
    }
    html(
      res,
      400,
      messagePage('无法继续登录', '请返回首页重新登录。', { href: '/login/', text: '重新登录' }),
    );
  }

  return {
    provider,
    async handle(req, res, url) {
      if (url.pathname !== '/oidc' && !url.pathname.startsWith('/oidc/')) return false;
      if (url.pathname.startsWith('/oidc/interaction/')) {
        await interaction(req, res, url.pathname);
        return true;
      }
      // Mounted under /oidc: the provider sees the path below it and finds the mount in originalUrl.
      const original = req.url ?? '/';
      (req as IncomingMessage & { originalUrl?: string }).originalUrl = original;
      req.url = original.slice('/oidc'.length) || '/';
      await callback(req, res);
      return true;
    },
    async stop() {
      storage.flush();
    },
  };
}
