/** Paging cursors: opaque out, checked back in; a forged one is a 400, never a DynamoDB error. */
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

  it.each([
    ['not base64 JSON', 'x%%%'],
    ['JSON that is not an object', b64('[1,2]')],
    ['other keys', b64({ ...key, extra: 'x' })],
    ['a missing key', b64({ pk: key.pk, sk: key.sk, gsi1pk: key.gsi1pk })],
    ['a number for a key', b64({ ...key, sk: 7 })],
    ['an object for a key', b64({ ...key, sk: { S: 'x' } })],
    ['an over-long key', b64({ ...key, gsi1sk: 'x'.repeat(600) })],
    ['another partition', b64({ ...key, gsi1pk: 'ROLE#operator' })],
  ])('refuses %s with 400 BAD_CURSOR', (_what, raw) => {
    expect(() => decodeCursor(raw, expect_)).toThrow(
      expect.objectContaining({ status: 400, code: 'BAD_CURSOR' }),
    );
  });
});
