/**
 * Routes that exist only in the local cloud: demo sign-in, the demo account list, the SMS outbox,
 * the supervisors' inbox (topic messages), the dev clock and the dead letters (failed stream
 * batches and SMS, dead-letters.ts). None of them is deployed to AWS (they are not in
 * infra/resources.ts). The outbox, the inbox and the dead-letter list are open like the rest of the
 * local cloud's dev tools (no token); moving the clock and replaying need an operator.
 *
 * `POST /api/dev/token` is a shortcut around the browser code flow for tests and scripts: it checks
 * the password through the same account store and lockout as the identity provider's login page
 * (functions/identity/login.ts) and signs with the provider's key, so its tokens are verified
 * against the same JWKS and carry the same claims as the provider's access tokens.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DevClockError, type LocalClock, parseDuration } from '@online-hall/local-cloud/clock';
import { type GatewayError, sendJson } from '@online-hall/local-cloud/gateway';
import type { LocalSns } from '@online-hall/local-cloud/sns';
import { z } from 'zod';
import { authenticate } from '#functions/identity/login.ts';
import { tokenClaims } from '#functions/identity/model.ts';
import { waitToMint } from '#functions/identity/revocation.ts';
import type { AccountStore } from '#functions/identity/store.ts';
import type { DemoAccount } from '../seed/accounts.ts';
import type { DeadLetters } from './dead-letters.ts';
import type { LocalIssuer } from './identity.ts';
import type { SupervisorInbox } from './inbox.ts';
import { ACCESS_TOKEN_TTL } from './oidc/provider.ts';

interface Deps {
  issuer: LocalIssuer;
  accounts: DemoAccount[];
  store: AccountStore;
  clock: LocalClock;
  sns: LocalSns;
  inbox: SupervisorInbox;
  deadLetters: DeadLetters;
}

/** This API's error shape (functions/lib/http.ts): `{ error: { code, message } }`, in Chinese. */
export function sendError(res: ServerResponse, status: number, code: string, message: string) {
  sendJson(res, status, { error: { code, message } });
}

const GATEWAY_ERRORS: Record<GatewayError, [code: string, message: string]> = {
  unauthenticated: ['UNAUTHENTICATED', '请先登录'],
  'invalid-token': ['INVALID_TOKEN', '登录已失效，请重新登录'],
  'route-not-found': ['NOT_FOUND', '接口不存在'],
  'page-not-found': ['NOT_FOUND', '页面不存在'],
  'payload-too-large': ['PAYLOAD_TOO_LARGE', '提交的内容过大'],
  'method-not-allowed': ['METHOD_NOT_ALLOWED', '不支持的请求方式'],
  'bad-path': ['BAD_PATH', '无法识别的地址'],
  'bad-gateway': ['BAD_GATEWAY', '服务暂时不可用，请稍后再试'],
};

/** The gateway's own refusals, in this API's error shape. */
export function gatewayErrorBody(error: GatewayError) {
  const [code, message] = GATEWAY_ERRORS[error];
  return { error: { code, message } };
}

const login = z.object({ username: z.string().max(64), password: z.string().max(128) });
const replayRequest = z.strictObject({
  kind: z.enum(['streams', 'sms']).optional(),
  consumer: z.string().max(128).optional(),
  id: z.string().max(256).optional(),
  hall: z.string().max(64).optional(),
});
const clockMove = z.union([
  z.object({ by: z.union([z.string().max(32), z.number()]) }),
  z.object({ to: z.string().max(40) }),
]);

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

export async function devApi(
  deps: Deps,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  body: Buffer,
): Promise<boolean> {
  const route = `${req.method} ${url.pathname.replace(/\/$/, '')}`;
  switch (route) {
    case 'POST /api/dev/token': {
      const input = login.safeParse(parseJson(body));
      if (!input.success) {
        sendError(res, 400, 'VALIDATION_FAILED', '请输入用户名和密码');
        return true;
      }
      const result = await authenticate(deps.store, {
        login: input.data.username,
        password: input.data.password,
        ip: req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1',
        now: deps.clock.now(),
        via: 'dev-token',
      });
      if (!result.ok) {
        sendError(res, result.status, result.code, result.message);
        return true;
      }
      // Right after a change of the account, a token minted in its second would be refused.
      await waitToMint(result.account, true);
      sendJson(res, 200, {
        accessToken: await deps.issuer.sign(tokenClaims(result.account), ACCESS_TOKEN_TTL),
        tokenType: 'Bearer',
        expiresIn: ACCESS_TOKEN_TTL,
      });
      return true;
    }
    case 'GET /api/dev/accounts':
      sendJson(res, 200, {
        accounts: deps.accounts.map(({ claims: _claims, ...a }) => a),
      });
      return true;
    case 'GET /api/dev/outbox':
      sendJson(res, 200, { messages: [...deps.sns.outbox()].reverse() });
      return true;
    case 'GET /api/dev/inbox':
      sendJson(res, 200, { messages: deps.inbox.messages() });
      return true;
    case 'GET /api/dev/clock':
      sendJson(res, 200, clockState(deps.clock));
      return true;
    case 'GET /api/dev/dead-letters':
      sendJson(res, 200, await deps.deadLetters.list());
      return true;
    case 'POST /api/dev/dead-letters/replay': {
      // Replaying sends SMS and starts timers: operators only.
      if (!(await isOperator(deps, req, res, '只有运营人员可以重新投递'))) return true;
      const input = replayRequest.safeParse(body.length ? parseJson(body) : {});
      if (!input.success) {
        sendError(res, 400, 'VALIDATION_FAILED', '可选字段：kind（streams 或 sms）、consumer、id、hall');
        return true;
      }
      sendJson(res, 200, await deps.deadLetters.replay(input.data));
      return true;
    }
    case 'POST /api/dev/clock': {
      // Moving time changes every deadline: operators only.
      if (!(await isOperator(deps, req, res, '只有运营人员可以拨动开发时钟'))) return true;
      const input = clockMove.safeParse(parseJson(body));
      if (!input.success) {
        sendError(res, 400, 'VALIDATION_FAILED', '请给出 by（如 P1D、PT2H）或 to（ISO 8601 时间）');
        return true;
      }
      try {
        if ('by' in input.data) deps.clock.advance(parseDuration(input.data.by));
        else {
          const to = Date.parse(input.data.to);
          if (Number.isNaN(to)) throw new DevClockError('无法识别的时间，请使用 ISO 8601 格式');
          deps.clock.advanceTo(to);
        }
      } catch (err) {
        if (err instanceof DevClockError) {
          sendError(res, 422, 'CLOCK_INVALID', err.message);
          return true;
        }
        throw err;
      }
      sendJson(res, 200, clockState(deps.clock));
      return true;
    }
    default:
      return false;
  }
}

/** Whether the caller is an operator; answers 401/403 when not. */
async function isOperator(deps: Deps, req: IncomingMessage, res: ServerResponse, refusal: string) {
  const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
  const claims = token ? await deps.issuer.verify(token).catch(() => undefined) : undefined;
  if (!claims) {
    sendError(res, 401, 'UNAUTHENTICATED', '请先登录');
    return false;
  }
  if (!(claims.roles as string[] | undefined)?.includes('operator')) {
    sendError(res, 403, 'FORBIDDEN', refusal);
    return false;
  }
  return true;
}

function clockState(clock: LocalClock) {
  const now = clock.now();
  return {
    now: new Date(now).toISOString(),
    beijing: `${new Date(now + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`,
    offsetMs: clock.offsetMs,
  };
}
