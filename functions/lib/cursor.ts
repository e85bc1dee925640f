/**
 * Paging cursors. To callers a cursor is opaque: base64url of the last key DynamoDB returned, then an
 * HMAC of it with the deployment's CURSOR_KEY, so an edited or invented cursor is refused (400
 * BAD_CURSOR) before anything is read. Behind the signature the key is still checked: exactly the key
 * attributes of the table and index being read, each a string of sane length, and the partition the
 * caller is listing — a cursor taken from another listing is refused too.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { env } from './aws.ts';
import { HttpError } from './http.ts';

const MAX_ATTRIBUTE = 512;

/** The signature's length in base64url characters (16 bytes): no separator needed, so a cursor stays one base64url word. */
const SIGNATURE_CHARS = 22;
const sign = (payload: string) =>
  createHmac('sha256', env('CURSOR_KEY')).update(payload).digest().subarray(0, 16).toString('base64url');

export function encodeCursor(key: Record<string, unknown> | undefined): string | undefined {
  if (!key) return undefined;
  const payload = Buffer.from(JSON.stringify(key)).toString('base64url');
  return payload + sign(payload);
}

/** The payload of a cursor whose signature is good, or undefined. */
function verified(raw: string): string | undefined {
  if (raw.length <= SIGNATURE_CHARS) return undefined;
  const payload = raw.slice(0, -SIGNATURE_CHARS);
  const given = Buffer.from(raw.slice(-SIGNATURE_CHARS), 'base64url');
  const expected = Buffer.from(sign(payload), 'base64url');
  return given.length === expected.length && timingSafeEqual(given, expected) ? payload : undefined;
}

export const badCursor = () => new HttpError(400, 'BAD_CURSOR', '翻页参数无效，请从第一页重新查询');

/**
 * The key a cursor stands for, or undefined without one. `keys` are the attribute names of the
 * key (table key + index key); `partition` pins the index partition the query reads.
 */
export function decodeCursor(
  raw: string | undefined,
  expect: { keys: readonly string[]; partition: [attribute: string, value: string] },
): Record<string, string> | undefined {
  if (raw === undefined || raw === '') return undefined;
  const payload = verified(raw);
  if (payload === undefined) throw badCursor();
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw badCursor();
  }
  if (!key || typeof key !== 'object' || Array.isArray(key)) throw badCursor();
  const entries = Object.entries(key as Record<string, unknown>);
  const wanted = new Set(expect.keys);
  const ok =
    entries.length === wanted.size &&
    entries.every(
      ([k, v]) => wanted.has(k) && typeof v === 'string' && v.length > 0 && v.length <= MAX_ATTRIBUTE,
    ) &&
    (key as Record<string, string>)[expect.partition[0]] === expect.partition[1];
  if (!ok) throw badCursor();
  return key as Record<string, string>;
}
