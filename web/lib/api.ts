/**
 * The portal's view of the public API. Paths are same-origin (`/api/...`): the local gateway and
 * CloudFront both serve the portal and the APIs from one origin, so no CORS and no base URL config.
 */

export interface Hall {
  id: string;
  code: string;
  name: string;
  fullName: string;
  level: string;
  itemCount?: number;
}

export type Audience = 'person' | 'enterprise';

export interface ItemSummary {
  code: string;
  name: string;
  type: string;
  deptName: string;
  level: string;
  /** 网上办理深度: 1–4 or 'I'–'IV' (IV = 全程网办). */
  onlineDepth: number | string;
  /** 承诺办结时限 in working days; 0 for 即办件. */
  promisedDays: number;
  caseKind: string;
  /** 到现场次数: 0 = 零跑动. */
  visits: number;
}

export interface ItemsPage {
  total: number;
  items: ItemSummary[];
}

export interface Department {
  code?: string;
  id?: string;
  name: string;
  itemCount?: number;
}

export interface DevAccount {
  username: string;
  password: string;
  role: string;
  name: string;
  hall?: string;
  dept?: string;
}

export interface OutboxMessage {
  id: string;
  phoneNumber: string;
  message: string;
  at: string;
}

/** An API failure carrying the HTTP status and a message fit to show a user (Chinese). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
    /** The server's `error.details`, when it sent any (e.g. the challenge of a 428). */
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

function fallbackMessage(status: number): string {
  if (status === 404) return '请求的内容不存在';
  if (status === 429) return '访问过于频繁，请稍后再试';
  if (status >= 500) return '服务暂时不可用，请稍后再试';
  return `请求失败（${status}）`;
}

/**
 * GET a JSON document from the API. Errors become ApiError with the server's Chinese message when
 * it sent one (`{ error: { code, message } }`), otherwise a generic Chinese message.
 */
export async function getJson<T>(path: string, init?: { signal?: AbortSignal }): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, { headers: { accept: 'application/json' }, signal: init?.signal });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, '网络连接失败，请检查网络后重试');
  }
  if (!res.ok) {
    let code: string | undefined;
    let details: unknown;
    let message = fallbackMessage(res.status);
    try {
      const body = (await res.json()) as { error?: { code?: string; message?: string; details?: unknown } };
      if (body?.error?.message) message = body.error.message;
      code = body?.error?.code;
      details = body?.error?.details;
    } catch {
      // Not JSON (e.g. a static 404 page): keep the generic message.
    }
    throw new ApiError(res.status, message, code, details);
  }
  try {
    return (await res.json()) as T;
  } catch {
    throw new ApiError(res.status, '服务返回的数据无法识别');
  }
}

/** Query string from defined values only, so callers can pass optional filters as-is. */
export function query(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}
