/**
 * Paging cursors: opaque and signed out, checked back in; a forged or edited one is a 400, never a
 * DynamoDB error (the unit project's CURSOR_KEY signs them here).
 */
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '#lib/cursor.ts';

const expect_ = {
  keys: ['pk', 'sk', 'gsi1pk', 'gsi1sk'],
  partition: ['gsi1pk', 'ROLE#staff'] as [string, string],
};
const key = { pk: 'ACCOUNT#1', sk: 'ACCOUNT', gsi1pk: 'ROLE#staff', gsi1sk: 'qiaocheng-mzj-sl' };
const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

describe('cursors', () => {
  it('round-trips the last key and takes no cursor as the first page', () => {
    expect(decodeCursor(encodeCursor(key), expect_)).toEqual(key);
    expect(decodeCursor(undefined, expect_)).toBeUndefined();
    expect(encodeCursor(undefined)).toBeUndefined();
  });

  const signed = encodeCursor(key)!;
  const flip = (text: string, at: number) =>
    text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1);
  const otherKey = (make: () => string) => {
    const saved = process.env.CURSOR_KEY;
    process.env.CURSOR_KEY = 'another deployment';
    try {
      return make();
    } finally {
      process.env.CURSOR_KEY = saved;
    }
  };

  it.each([
    ['not base64 JSON', 'x%%%'],
    ['an unsigned cursor, even a well-formed one', b64(key)],
    ['an edited payload', flip(signed, 3)],
    ['an edited signature', flip(signed, signed.length - 2)],
    ['a truncated cursor', signed.slice(0, -1)],
    ['a cursor signed by another deployment', otherKey(() => encodeCursor(key)!)],
    // Signed, so it could only be ours; its key must still be one of this listing.
    ['JSON that is not an object', encodeCursor([1, 2] as never)!],
    ['other keys', encodeCursor({ ...key, extra: 'x' })!],
    ['a missing key', encodeCursor({ pk: key.pk, sk: key.sk, gsi1pk: key.gsi1pk })!],
    ['a number for a key', encodeCursor({ ...key, sk: 7 })!],
    ['an object for a key', encodeCursor({ ...key, sk: { S: 'x' } })!],
    ['an over-long key', encodeCursor({ ...key, gsi1sk: 'x'.repeat(600) })!],
    ['another partition', encodeCursor({ ...key, gsi1pk: 'ROLE#operator' })!],
  ])('refuses %s with 400 BAD_CURSOR', (_what, raw) => {
    expect(() => decodeCursor(raw, expect_)).toThrow(
      expect.objectContaining({ status: 400, code: 'BAD_CURSOR' }),
    );
  });
});
