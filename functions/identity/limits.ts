/**
 * Abuse limits of the identity routes: the numbers, their Chinese refusals, and the sliding-window
 * arithmetic the store's counters use. Pure.
 *
 * Sliding windows, not fixed ones: a fixed "10 per minute" lets 20 through around a minute boundary.
 * Each counter is one DynamoDB item holding SLOTS sub-window slots (`c<i>` = count, `t<i>` = which
 * sub-window the slot holds); a hit is one conditional UpdateItem that returns the whole item, so
 * parallel hits are serialised by DynamoDB and each sees a distinct total — at most `max` of them
 * see a total within the limit, whatever arrives at once. The window counted is the current slot
 * plus the SLOTS−1 before it, i.e. between 90 % and 100 % of `windowMs` long.
 */
export const SLOTS = 10;

export interface SlidingLimit {
  /** Counter key, e.g. `code-ip#1.2.3.4`. */
  key: string;
  max: number;
  windowMs: number;
}

export interface LimitCount {
  /** Hits in the window, including this one for a hit. */
  count: number;
  /** Within the limit. */
  allowed: boolean;
  /** When refused: how long until the window frees enough (ms). */
  retryAfterMs: number;
}

export const slotMs = (limit: Pick<SlidingLimit, 'windowMs'>) => Math.ceil(limit.windowMs / SLOTS);
export const slotIndex = (now: number, limit: Pick<SlidingLimit, 'windowMs'>) =>
  Math.floor(now / slotMs(limit));

/** The slots of a counter item that are inside the window ending with slot `idx`. */
function liveSlots(item: Record<string, unknown> | undefined, idx: number): { t: number; c: number }[] {
  const out: { t: number; c: number }[] = [];
  if (!item) return out;
  for (let s = 0; s < SLOTS; s++) {
    const t = Number(item[`t${s}`]);
    const c = Number(item[`c${s}`]);
    if (Number.isFinite(t) && Number.isFinite(c) && c > 0 && t > idx - SLOTS && t <= idx) out.push({ t, c });
  }
  return out.sort((a, b) => a.t - b.t);
}

/**
 * The verdict for a counter item. `counted`: the item already includes the request being judged
 * (a hit); otherwise (a peek) the question is whether one more would be allowed.
 */
export function judge(
  item: Record<string, unknown> | undefined,
  limit: SlidingLimit,
  now: number,
  counted: boolean,
): LimitCount {
  const idx = slotIndex(now, limit);
  const slots = liveSlots(item, idx);
  const count = slots.reduce((n, s) => n + s.c, 0);
  const allowed = counted ? count <= limit.max : count < limit.max;
  if (allowed) return { count, allowed, retryAfterMs: 0 };
  // The oldest slots leave the window first; wait until enough have left for one more request.
  let left = counted ? count - 1 : count;
  let retryAfterMs = limit.windowMs;
  for (const s of slots) {
    left -= s.c;
    if (left < limit.max) {
      retryAfterMs = Math.max(1000, (s.t + SLOTS) * slotMs(limit) - now);
      break;
    }
  }
  return { count, allowed, retryAfterMs };
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * Every number in one place. Budgets are per address (a village office or an agent point puts many
 * people behind one address, so address budgets are generous), per ID number, per phone, per agent
 * and per target person. Refused requests are not counted, so a refusal ends one window after the
 * last accepted request, however long someone keeps hammering.
 */
export const LIMITS = {
  /** SMS codes (any purpose) requested from one address. */
  codesPerAddress: [
    { max: 20, windowMs: 10 * MINUTE },
    { max: 100, windowMs: DAY },
  ],
  /** Registrations and reclaims naming one ID number (each failed real-name check is one). */
  perIdNumber: [{ max: 5, windowMs: HOUR }],
  /** SMS codes sent to one phone, whoever asks and for whatever purpose. */
  smsPerPhone: [
    { max: 5, windowMs: HOUR },
    { max: 10, windowMs: DAY },
  ],
  /** Mandate requests (each one an SMS to the person) by one agent. */
  mandatesPerAgent: [
    { max: 10, windowMs: 10 * MINUTE },
    { max: 60, windowMs: DAY },
  ],
  /** Mandate requests naming one person, from any agent. */
  mandatesPerPerson: [
    { max: 3, windowMs: HOUR },
    { max: 6, windowMs: DAY },
  ],
} as const satisfies Record<string, readonly { max: number; windowMs: number }[]>;

/** A new code for the same purpose and target is sent at most once a minute. */
export const RESEND_AFTER_MS = 60_000;
/** SMS codes live 10 minutes and die after 5 wrong tries. */
export const CODE_TTL_MS = 10 * MINUTE;
export const CODE_MAX_ATTEMPTS = 5;

export type LimitKind = keyof typeof LIMITS;

/** The counters of one kind for one subject (`code-ip#…`, `code-ip#…#1`, …). */
export function limitsFor(kind: LimitKind, subject: string): SlidingLimit[] {
  return LIMITS[kind].map((l, i) => ({ key: `${kind}#${subject}${i ? `#${i}` : ''}`, ...l }));
}

function wait(ms: number): string {
  if (ms < 2 * MINUTE) return `${Math.max(1, Math.ceil(ms / 1000))} 秒`;
  if (ms < 2 * HOUR) return `${Math.ceil(ms / MINUTE)} 分钟`;
  return `${Math.ceil(ms / HOUR)} 小时`;
}

const REFUSALS: Record<LimitKind, [code: string, message: (w: string) => string]> = {
  codesPerAddress: [
    'ADDRESS_RATE_LIMITED',
    (w) => `当前网络获取验证码过于频繁，请 ${w}后再试；如需帮助，请到政务服务大厅窗口办理`,
  ],
  perIdNumber: [
    'ID_RATE_LIMITED',
    (w) =>
      `该身份证号码验证次数过多，为保护本人信息已暂停，请 ${w}后再试，或携带身份证到政务服务大厅窗口办理`,
  ],
  smsPerPhone: ['PHONE_RATE_LIMITED', (w) => `该手机号码接收验证码次数过多，请 ${w}后再试`],
  mandatesPerAgent: ['AGENT_RATE_LIMITED', (w) => `您发起代办授权过于频繁，请 ${w}后再试`],
  mandatesPerPerson: [
    'PERSON_RATE_LIMITED',
    (w) => `该群众近期已收到多条代办授权验证码，请 ${w}后再试，或请本人到窗口办理`,
  ],
};

/** A refusal as data (service.ts turns it into an HttpError), so this module stays pure. */
export interface LimitRefusal {
  status: 429;
  code: string;
  message: string;
  retryAfterSeconds: number;
}

/** The 429 for a refused limit, with a stable code and a Chinese message saying how long to wait. */
export function limitRefusal(kind: LimitKind, retryAfterMs: number): LimitRefusal {
  const [code, message] = REFUSALS[kind];
  return {
    status: 429,
    code,
    message: message(wait(retryAfterMs)),
    retryAfterSeconds: Math.ceil(retryAfterMs / 1000),
  };
}

export function resendRefusal(retryAfterMs: number): LimitRefusal {
  return {
    status: 429,
    code: 'CODE_RESEND_TOO_SOON',
    message: `验证码已发送，请 ${wait(retryAfterMs)}后再重新获取`,
    retryAfterSeconds: Math.ceil(retryAfterMs / 1000),
  };
}
