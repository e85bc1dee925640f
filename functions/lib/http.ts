/**
 * The house HTTP handler: every API Lambda is `api({ auth, body, query }, fn)`.
 * It checks content type, size and JSON at the edge, validates with zod (or zod/mini: the domain's
 * schemas), reads the principal the JWT authorizer verified, and maps every failure to
 * `{ error: { code, message } }` with a Chinese message: HttpErrors as they are, the domain's
 * Refusals through REFUSAL_STATUS (the one place their codes become statuses). Anything a caller
 * can send ends in a 4xx; only our own bugs give 500.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { safeParse, type z } from 'zod';
import { REFUSAL_STATUS, Refusal } from '#domain/refusal.ts';
import { cleanTextProblem } from '#domain/text.ts';
import { tokenIsLive } from '#functions/identity/token-check.ts';
import { cameThroughEdge } from './client.ts';
import { logger } from './logger.ts';
import { type Principal, principalFromClaims } from './principal.ts';

type Schema<T> = z.core.$ZodType<T>;

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const MAX_JSON_BODY_BYTES = 64 * 1024;
const MAX_PATH_PARAM = 200;

export const httpErrors = {
  badJson: () => new HttpError(400, 'BAD_JSON', '请求内容不是合法的 JSON'),
  unauthenticated: () => new HttpError(401, 'UNAUTHENTICATED', '请先登录'),
  /** The token verifies but was issued before its account was disabled or changed (revocation.ts). */
  tokenRevoked: () =>
    new HttpError(401, 'TOKEN_REVOKED', '登录凭证已失效（账户状态、权限或密码已变更），请重新登录'),
  forbidden: (message = '您没有办理此项操作的权限') => new HttpError(403, 'FORBIDDEN', message),
  notFound: (message = '未找到请求的内容') => new HttpError(404, 'NOT_FOUND', message),
  conflict: (message = '该办件已被他人处理，请刷新后重试') => new HttpError(409, 'CONFLICT', message),
  tooLarge: () => new HttpError(413, 'PAYLOAD_TOO_LARGE', '提交的内容过大'),
  unsupportedType: () =>
    new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', '请以 application/json 格式（UTF-8 编码）提交'),
  tooManyRequests: () => new HttpError(429, 'TOO_MANY_REQUESTS', '操作过于频繁，请稍后再试'),
  notThroughPortal: () =>
    new HttpError(403, 'NOT_THROUGH_PORTAL', '请通过网上办事大厅的网址访问，不能直接调用接口地址'),
};

export interface Request<B, Q> {
  event: APIGatewayProxyEventV2;
  body: B;
  query: Q;
  params: Record<string, string>;
  principal: Principal | undefined;
  headers: Record<string, string>;
}

export interface Reply {
  status?: number;
  body: unknown;
  headers?: Record<string, string>;
}

type Auth = 'public' | 'user';

interface Spec<B, Q> {
  /**
   * 'user' requires a verified token that has not been revoked (functions/identity/revocation.ts);
   * finer rules belong to the policy module.
   */
  auth: Auth;
  body?: Schema<B>;
  query?: Schema<Q>;
}

export function json(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyResultV2 {
  return {
    statusCode: status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}

/** A domain refusal as the API answers it; its field (if any) goes into `details` like a validation error. */
export function fromRefusal(r: Refusal): HttpError {
  return new HttpError(
    REFUSAL_STATUS[r.code],
    r.code,
    r.message,
    r.field ? [{ field: r.field, message: r.message }] : undefined,
  );
}

export function errorReply(err: HttpError): APIGatewayProxyResultV2 {
  const error: Record<string, unknown> = { code: err.code, message: err.message };
  if (err.details !== undefined) error.details = err.details;
  return json(err.status, { error });
}

/** Zod issue → a field path and a Chinese sentence, so a form can show it beside the field. */
export function describeIssues(error: z.core.$ZodError): { field: string; message: string }[] {
  return error.issues.map((issue) => ({
    field: issue.path.join('.') || '(请求)',
    message: issue.message.match(/[\u4e00-\u9fa5]/) ? issue.message : chineseFor(issue),
  }));
}

function chineseFor(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? '此项必填' : '格式不正确';
    case 'too_small':
      return '内容过短或数值过小';
    case 'too_big':
      return '内容过长或数值过大';
    case 'invalid_format':
      return '格式不正确';
    case 'invalid_value':
      return '取值不在允许范围内';
    case 'unrecognized_keys':
      return `包含不认识的字段：${issue.keys.join('、')}`;
    default:
      return '内容不符合要求';
  }
}

function parse<T>(schema: Schema<T> | undefined, value: unknown): T {
  if (!schema) return undefined as T;
  const result = safeParse(schema, value);
  if (!result.success) {
    throw new HttpError(
      400,
      'VALIDATION_FAILED',
      '提交的内容有误，请检查后重试',
      describeIssues(result.error),
    );
  }
  return result.data;
}

function lowerCaseHeaders(headers: APIGatewayProxyEventV2['headers'] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) if (v !== undefined) out[k.toLowerCase()] = v;
  return out;
}

function readBody(event: APIGatewayProxyEventV2, headers: Record<string, string>): unknown {
  if (event.body === undefined || event.body === null || event.body === '') return undefined;
  const [type, ...parameters] = (headers['content-type'] ?? '').split(';').map((p) => p.trim().toLowerCase());
  if (type !== 'application/json') throw httpErrors.unsupportedType();
  // JSON is UTF-8 (RFC 8259); a body declared in another charset would be misread, not converted.
  const charset = parameters
    .find((p) => p.startsWith('charset='))
    ?.slice(8)
    .replace(/"/g, '');
  if (charset && charset !== 'utf-8' && charset !== 'utf8') throw httpErrors.unsupportedType();
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (Buffer.byteLength(text) > MAX_JSON_BODY_BYTES) throw httpErrors.tooLarge();
  try {
    return JSON.parse(text);
  } catch {
    throw httpErrors.badJson();
  }
}

export function api<B = undefined, Q = undefined>(
  spec: Spec<B, Q>,
  fn: (req: Request<B, Q>) => Promise<Reply>,
) {
  const run = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyResultV2> => {
    // In AWS, a request that bypassed CloudFront (straight to execute-api) is refused first.
    if (!(await cameThroughEdge(event))) throw httpErrors.notThroughPortal();
    const headers = lowerCaseHeaders(event.headers);
    const claims = (event.requestContext as { authorizer?: { jwt?: { claims?: Record<string, unknown> } } })
      .authorizer?.jwt?.claims;
    const principal = claims ? principalFromClaims(claims) : undefined;
    if (spec.auth === 'user') {
      if (!principal) throw httpErrors.unauthenticated();
      // Before anything is read or written: a disabled account or a changed role ends its tokens.
      if (!(await tokenIsLive(principal))) throw httpErrors.tokenRevoked();
    }
    const rawBody = readBody(event, headers);
    if (spec.body === undefined && rawBody !== undefined) {
      // A route without a body schema takes no body; ignore it rather than guess.
    }
    const params = event.pathParameters ?? {};
    // No key of ours is longer than this; a longer one would only make DynamoDB refuse the key.
    if (Object.values(params).some((v) => !v || v.length > MAX_PATH_PARAM || cleanTextProblem(v))) {
      throw new HttpError(400, 'BAD_PATH', '地址中的参数无效');
    }
    const body = parse(spec.body, rawBody ?? (spec.body ? {} : undefined));
    const query = parse(spec.query, event.queryStringParameters ?? {});
    const reply = await fn({
      event,
      body,
      query,
      params,
      principal,
      headers,
    } as Request<B, Q>);
    return json(reply.status ?? 200, reply.body, reply.headers);
  };

  return middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2>()
    .use(injectLambdaContext(logger, { resetKeys: true, correlationIdPath: 'requestContext.requestId' }))
    .use({
      onError: async (request) => {
        const err = request.error instanceof Refusal ? fromRefusal(request.error) : request.error;
        if (err instanceof HttpError) {
          logger.info('request refused', { status: err.status, code: err.code });
          request.response = errorReply(err);
          return;
        }
        logger.error('unhandled error', err as Error);
        request.response = errorReply(new HttpError(500, 'INTERNAL', '系统繁忙，请稍后再试'));
      },
    })
    .handler(run);
}
