/**
 * Paging cursors. To callers a cursor is opaque (base64url of the last key DynamoDB returned); on
 * the way back it is checked before it reaches DynamoDB: exactly the key attributes of the table
 * and index being read, each a string of sane length, and the partition the caller is listing — so
 * an edited cursor can at most move within the caller's own listing, and a malformed one is a 400,
 * never a DynamoDB error. (Not signed: a cursor carries nothing the caller may not read anyway.)
 */
import { HttpError } from './http.ts';

const MAX_ATTRIBUTE = 512;

export function encodeCursor(key: Record<string, unknown> | undefined): string | undefined {
  return key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined;
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
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
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
