/**
 * The public account routes (no token): SMS codes, registration, password reset. Errors become
 * ApiError with the server's Chinese message, its stable code, and its details (field problems,
 * or `retryAfterSeconds` of a limit).
 */
import { ApiError } from '../../lib/api.ts';

export type PublicApiError = ApiError & { details?: unknown };

export async function postPublic<T>(path: string, body: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, '网络连接失败，请检查网络后重试');
  }
  const json = await res.json().catch(() => undefined);
  if (!res.ok)
    throw Object.assign(
      new ApiError(res.status, json?.error?.message ?? `请求失败（${res.status}）`, json?.error?.code),
      { details: json?.error?.details },
    );
  return json as T;
}

/** Field → message of a 400's details (empty for other errors). */
export function fieldProblems(err: unknown): Record<string, string> {
  const details = (err as PublicApiError | undefined)?.details;
  if (!Array.isArray(details)) return {};
  return Object.fromEntries(
    details
      .filter((d): d is { field: string; message: string } => typeof d?.field === 'string')
      .map((d) => [d.field, d.message]),
  );
}

/** Seconds to wait that a 429 names (a resend too soon, a limit), if short enough to count down. */
export function retryAfter(err: unknown): number | undefined {
  const details = (err as PublicApiError | undefined)?.details as { retryAfterSeconds?: unknown } | undefined;
  const s = details && !Array.isArray(details) ? Number(details.retryAfterSeconds) : Number.NaN;
  return Number.isFinite(s) && s > 0 && s <= 180 ? Math.ceil(s) : undefined;
}

export const errorText = (err: unknown) =>
  err instanceof ApiError ? err.message : '网络连接失败，请检查网络后重试';

/** The client half of the password rule (the server also refuses your own phone/ID inside it). */
export function passwordProblem(pw: string): string | undefined {
  if (!pw) return '请输入密码';
  if ([...pw].length < 8) return '密码至少 8 位';
  if ([...pw].length > 64) return '密码不能超过 64 位';
  if (!/\p{L}/u.test(pw) || !/\d/.test(pw)) return '密码须同时包含字母和数字';
  return undefined;
}

/** Where the reset page finds a reclaim's name and ID (this tab only, gone when it closes). */
export const RECLAIM_PREFILL = 'bozhou-hall.reclaim';
