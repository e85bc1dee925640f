/**
 * Password hashing with scrypt (memory-hard, in node:crypto, so no native dependency in Lambda).
 * A stored hash names its own parameters — `scrypt$<logN>$<r>$<p>$<salt>$<hash>` — so the cost can be
 * raised later and old hashes still verify (and are re-hashed at the next successful login).
 * Pure apart from the CPU: no AWS, no I/O.
 */
import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';

export interface ScryptCost {
  logN: number;
  r: number;
  p: number;
}

/**
 * N = 2^15, r = 8: 32 MiB and ~130 ms per hash on one core of the dev machine — slow enough to make
 * offline guessing expensive, fast enough for a 1024 MB login Lambda. (OWASP's 2^17 would be
 * ~0.5 s per login here; raise `logN` when the Lambda has more CPU.)
 */
export const DEFAULT_COST: ScryptCost = { logN: 15, r: 8, p: 1 };
/**
 * The demo accounts' password is published in the README, so a strong KDF protects nothing there;
 * a cheap cost keeps the local cloud's start-up (≈60 accounts) under a second. Never for real users.
 */
export const DEMO_COST: ScryptCost = { logN: 12, r: 8, p: 1 };

const KEY_LENGTH = 32;
const SALT_BYTES = 16;

function derive(password: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  const N = 2 ** cost.logN;
  const options: ScryptOptions = { N, r: cost.r, p: cost.p, maxmem: 256 * N * cost.r };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, options, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

export async function hashPassword(password: string, cost: ScryptCost = DEFAULT_COST): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, cost);
  return ['scrypt', cost.logN, cost.r, cost.p, salt.toString('base64url'), key.toString('base64url')].join(
    '$',
  );
}

function parse(stored: string): { cost: ScryptCost; salt: Buffer; key: Buffer } | undefined {
  const m = /^scrypt\$(\d{1,2})\$(\d{1,2})\$(\d{1,2})\$([\w-]+)\$([\w-]+)$/.exec(stored);
  if (!m) return undefined;
  const cost = { logN: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  // Refuse absurd parameters from a corrupted record rather than allocate gigabytes.
  if (cost.logN < 10 || cost.logN > 20 || cost.r < 1 || cost.r > 32 || cost.p < 1 || cost.p > 4)
    return undefined;
  return { cost, salt: Buffer.from(m[4], 'base64url'), key: Buffer.from(m[5], 'base64url') };
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed || parsed.key.length !== KEY_LENGTH) return false;
  const key = await derive(password, parsed.salt, parsed.cost);
  return timingSafeEqual(key, parsed.key);
}

/** True when the stored hash is weaker than `cost` (checked after a successful login). */
export function needsRehash(stored: string, cost: ScryptCost = DEFAULT_COST): boolean {
  const parsed = parse(stored);
  return !parsed || parsed.cost.logN < cost.logN || parsed.cost.r < cost.r;
}

let dummy: Promise<string> | undefined;
/**
 * Burns the same time as a real check, for unknown usernames: a login that answers faster for
 * "no such user" would tell an attacker which phone numbers have accounts.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummy ??= hashPassword('not-a-real-password');
  await verifyPassword(password, await dummy);
  return false;
}

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 64;

/**
 * The password rule, in Chinese. 8–64 characters with letters and digits, no control characters or
 * spaces at the ends, and not the user's own phone or ID number (the first things a guesser tries).
 */
export function passwordProblem(password: string, personal: string[] = []): string | undefined {
  if (typeof password !== 'string' || password.length === 0) return '请输入密码';
  const length = [...password].length;
  if (length < PASSWORD_MIN) return `密码至少 ${PASSWORD_MIN} 位`;
  if (length > PASSWORD_MAX) return `密码不能超过 ${PASSWORD_MAX} 位`;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we refuse
  if (/[\u0000-\u001f\u007f-\u009f]/.test(password)) return '密码不能包含控制字符';
  if (password !== password.trim()) return '密码首尾不能是空格';
  if (!/\p{L}/u.test(password) || !/\d/.test(password)) return '密码须同时包含字母和数字';
  const lower = password.toLowerCase();
  if (personal.some((p) => p && p.length >= 6 && lower.includes(p.toLowerCase())))
    return '密码不能包含您的手机号码或身份证号码';
  return undefined;
}
