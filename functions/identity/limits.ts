/**
 * Abuse limits of the identity routes: the numbers and their Chinese refusals. Pure. The counters
 * are the house sliding-window limiter (#lib/limiter.ts) on the accounts table.
 */
import type { SlidingLimit } from '#lib/limiter.ts';

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
