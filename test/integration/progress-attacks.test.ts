/**
 * The progress query under the attacks that broke it (issue #9), at HTTP level against the local
 * cloud ("another address" is another loopback address, as in identity-attacks.test.ts):
 * 1. wrong codes from several addresses never lock the owner out: the owner's right code from
 *    another address is answered (after the proof of work the case number now costs, never a
 *    429); an address that used up its own failures is refused, the owner elsewhere is not;
 * 2. a burst from one address straddling a window boundary gets no more answers than the limit
 *    (sliding windows: a fixed minute window let twice the limit through);
 * 3. the query code is 8 characters, read forgivingly.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { exampleForm } from '#domain/forms.ts';
import { findProof } from '#domain/proof.ts';
import { formatQueryCode, normaliseQueryCode } from '#domain/query-code.ts';
import { GUESSING } from '#functions/cases/guessing.ts';
import { call, login } from '../support/client.ts';
import { callFrom, tally } from './identity-helpers.ts';

const HALL = 'qiaocheng';
const path = (caseNo: string, code: string, proof?: string) =>
  `/api/halls/${HALL}/progress?caseNo=${caseNo}&code=${encodeURIComponent(code)}${proof ? `&proof=${proof}` : ''}`;
/** A wrong code of the right shape for `code`, a different one for each `i` < 90. */
const wrong = (code: string, i: number) => {
  const guess = `${code.slice(0, 6)}${10 + i}`;
  return guess === code ? `${code.slice(0, 6)}ZZ` : guess;
};

let filed: { caseNo: string; queryCode: string };

beforeAll(async () => {
  const token = await login('zhangsan');
  // Any item of the hall that files with its example form alone (no uploads needed).
  const items = await call('GET', `/api/items?hallId=${HALL}&limit=50`);
  for (const item of items.body.items) {
    const guide = await call('GET', `/api/items/${encodeURIComponent(item.code)}`);
    const res = await call('POST', `/api/halls/${HALL}/cases`, {
      token,
      body: {
        itemCode: item.code,
        form: exampleForm(guide.body.applicationForm, { address: '谯城区汤陵街道' }),
      },
      headers: { 'idempotency-key': randomUUID() },
    });
    if (res.status === 201) {
      filed = res.body;
      return;
    }
  }
  throw new Error('no item of the hall files without materials');
});

/** The proof of work a 428 names, for a code as typed (the proof is over the code as read). */
function prove(caseNo: string, typed: string, challenge: string, bits: number): string {
  const code = normaliseQueryCode(typed);
  let nonce: string | undefined;
  for (let from = 0; !nonce; from += 50_000)
    nonce = findProof({ caseNo, code, challenge }, bits, from, 50_000);
  return `${challenge}.${nonce}`;
}

/** Asks as the owner's browser does: on a 428, finds the proof it names and asks again. */
async function ask(ip: string, caseNo: string, code: string) {
  const first = await callFrom(ip, 'GET', path(caseNo, code));
  if (first.status !== 428) return { first, final: first };
  const { challenge, bits } = first.body.error.details;
  return {
    first,
    final: await callFrom(ip, 'GET', path(caseNo, code, prove(caseNo, code, challenge, bits))),
  };
}

describe('1. others’ wrong codes never lock the owner out', () => {
  it('12 wrong codes from 5 addresses, then the right code from a sixth → 200', async () => {
    const { caseNo, queryCode } = filed;
    expect(queryCode).toMatch(/^[0-9A-HJKMNP-TV-Z]{8}$/);
    const attackers = ['127.0.3.1', '127.0.3.2', '127.0.3.3', '127.0.3.4', '127.0.3.5'];
    const results = [];
    for (let i = 0; i < 12; i++) {
      const res = await ask(attackers[i % 5], caseNo, wrong(queryCode, i));
      results.push(`${res.final.status} ${res.final.body.error?.code}`);
    }
    // Every wrong code is told wrong (after the proof, once the case number has drawn 10 failures).
    expect(tally(results)).toEqual({ '404 NOT_FOUND': 12 });

    // The owner, elsewhere: asked for a proof of work (never a 429), then answered.
    const owner = await ask('127.0.3.6', caseNo, queryCode);
    expect(owner.first.status).toBe(428);
    expect(owner.first.body.error).toMatchObject({
      code: 'PROOF_REQUIRED',
      message: expect.stringMatching(/安全验证/),
      details: { challenge: expect.any(String), bits: expect.any(Number) },
    });
    expect(owner.final.status).toBe(200);
    expect(owner.final.body).toMatchObject({ caseNo, events: [expect.objectContaining({ type: '申办' })] });
    // A proof made for another code does not open it.
    const { challenge, bits } = owner.first.body.error.details;
    const borrowed = await callFrom(
      '127.0.3.6',
      'GET',
      path(caseNo, queryCode, prove(caseNo, wrong(queryCode, 50), challenge, bits)),
    );
    expect(borrowed.status).toBe(428);
  });

  it('an address that used up its failures is refused; the owner elsewhere is still answered', async () => {
    const { caseNo, queryCode } = filed;
    const [max] = GUESSING.perAddress.map((l) => l.max);
    const ip = '127.0.3.7';
    const results = [];
    // Guessing many case numbers at once (so the per-case proof does not slow this down).
    for (let i = 0; i < max + 3; i++) {
      const res = await callFrom(ip, 'GET', path(`341602-20000101-${String(500_000 + i)}`, queryCode));
      results.push(`${res.status} ${res.body.error?.code}`);
    }
    expect(tally(results)).toEqual({ '404 NOT_FOUND': max, '429 PROGRESS_RATE_LIMITED': 3 });
    const refused = await callFrom(ip, 'GET', path(caseNo, queryCode));
    expect(refused.status).toBe(429);
    expect(refused.body.error.message).toMatch(/请 \d+ 分钟后再试/);
    expect((await ask('127.0.3.8', caseNo, queryCode)).final.status).toBe(200);
  });
});

describe('2. sliding windows', () => {
  it('a parallel burst straddling a minute boundary: no more answers than the limit', async () => {
    const [limit] = GUESSING.perAddress;
    const ip = '127.0.3.9';
    const burst = (base: number) =>
      Promise.all(
        Array.from({ length: 15 }, (_, i) =>
          callFrom(ip, 'GET', path(`341602-20000102-${String(base + i)}`, filed.queryCode)),
        ),
      );
    const before = await burst(600_000);
    // Past the next minute boundary (the dev clock is what the limits count in).
    const operator = await login('operator');
    expect((await call('POST', '/api/dev/clock', { token: operator, body: { by: 'PT61S' } })).status).toBe(
      200,
    );
    const after = await burst(600_100);
    const answered = [...before, ...after].filter((r) => r.status === 404).length;
    const refused = [...before, ...after].filter((r) => r.status === 429).length;
    expect(before.every((r) => r.status === 404)).toBe(true);
    expect(answered).toBe(limit.max);
    expect(refused).toBe(30 - limit.max);
  });
});

describe('3. the query code', () => {
  it('is read forgivingly: lower case, grouped, with O for 0 and I or L for 1', async () => {
    const { caseNo, queryCode } = filed;
    const typed = formatQueryCode(queryCode).toLowerCase().replace(/0/g, 'o').replace(/1/g, 'l');
    const res = await ask('127.0.3.10', caseNo, typed);
    expect(res.final.status).toBe(200);
    const bad = await callFrom('127.0.3.10', 'GET', path(caseNo, 'K7QM3XU'));
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0]).toMatchObject({
      field: 'code',
      message: expect.stringMatching(/8 位/),
    });
  });
});
