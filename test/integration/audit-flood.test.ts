/**
 * The audit log under a flood (issue #9): 520 failed anonymous registrations once pushed an
 * operator's role change out of GET /api/audit (the newest 500 of a day). Now the role change is
 * in the security class, listed by default and found by filter, and paging through the flood
 * returns every entry exactly once, in order, whatever the page size.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { residentIdCheckChar } from '#domain/ids.ts';
import { call, login } from '../support/client.ts';
import { callFrom, tally } from './identity-helpers.ts';

interface Entry {
  id: string;
  at: string;
  type: string;
  actor: string;
  subject?: string;
  ip?: string;
}

const FLOOD_ADDRESSES = Array.from({ length: 26 }, (_, i) => `127.0.4.${i + 1}`);
let operator: string;
let since: string;
let roleChange: Entry;

/** Every entry of a listing, following the cursor; the pages as they came. */
async function all(query: string): Promise<{ entries: Entry[]; pages: number }> {
  const entries: Entry[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const res = await call('GET', `/api/audit?${query}${cursor ? `&cursor=${cursor}` : ''}`, {
      token: operator,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    entries.push(...res.body.entries);
    cursor = res.body.cursor;
    pages++;
  } while (cursor && pages < 200);
  return { entries, pages };
}

beforeAll(async () => {
  operator = await login('operator');
  since = (await call('GET', '/api/dev/clock')).body.now;
  // The operator's change first, then the flood (as in the finding).
  const change = await call('PUT', '/api/accounts/demo-lisi/roles', {
    token: operator,
    body: { roles: ['applicant'] },
  });
  expect(change.status).toBe(200);
  // 26 addresses × 20 registrations whose real-name check fails (20 is each address's budget).
  const results: string[] = [];
  for (let batch = 0; batch < FLOOD_ADDRESSES.length; batch += 6) {
    await Promise.all(
      FLOOD_ADDRESSES.slice(batch, batch + 6).map(async (ip, a) => {
        for (let i = 0; i < 20; i++) {
          const first17 = `34160219650101${String((batch + a) * 20 + i).padStart(3, '0')}`;
          const res = await callFrom(ip, 'POST', '/api/accounts/codes', {
            body: {
              purpose: 'register',
              name: '钱多多',
              idNumber: first17 + residentIdCheckChar(first17),
              phone: '13700000001',
            },
          });
          results.push(`${res.status} ${res.body.error?.code}`);
        }
      }),
    );
  }
  expect(tally(results)).toEqual({ '422 REALNAME_FAILED': 520 });
}, 300_000);

describe('an operator’s role change after a flood of failed registrations', () => {
  it('is listed by default (the security class), above none of the flood', async () => {
    const res = await call('GET', '/api/audit', { token: operator });
    expect(res.status).toBe(200);
    const entries: Entry[] = res.body.entries;
    const found = entries.find((e) => e.type === 'role_change' && e.subject === 'demo-lisi' && e.at >= since);
    expect(found).toMatchObject({ actor: 'demo-operator' });
    roleChange = found!;
    expect(entries.some((e) => FLOOD_ADDRESSES.includes(e.ip ?? ''))).toBe(false);
  });

  it('is found by type, by actor, by subject and by time range', async () => {
    const queries = [
      'type=role_change',
      'actor=demo-operator',
      'subject=demo-lisi',
      `class=all&from=${encodeURIComponent(since)}&limit=5`,
    ];
    for (const q of queries) {
      const { entries } = await all(q);
      expect(
        entries.filter((e) => e.id === roleChange.id),
        q,
      ).toHaveLength(1);
    }
  });

  it('paging through everything since: each entry exactly once, newest first, any page size', async () => {
    const from = encodeURIComponent(since);
    const small = await all(`class=all&from=${from}&limit=37`);
    const large = await all(`class=all&from=${from}&limit=500`);
    expect(small.pages).toBeGreaterThan(14);
    const ids = small.entries.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(large.entries.map((e) => e.id)).toEqual(ids);
    const keys = small.entries.map((e) => `${e.at}#${e.id}`);
    expect(keys).toEqual([...keys].sort().reverse());
    const flood = small.entries.filter((e) => FLOOD_ADDRESSES.includes(e.ip ?? ''));
    expect(flood).toHaveLength(520);
    expect(tally(flood.map((e) => e.type))).toEqual({ register: 520 });
    expect(ids.filter((id) => id === roleChange.id)).toHaveLength(1);
    // The activity class alone, filtered: the flood and nothing of the security class.
    const registrations = await all(`class=activity&type=register&from=${from}&limit=100`);
    expect(registrations.entries.filter((e) => FLOOD_ADDRESSES.includes(e.ip ?? ''))).toHaveLength(520);
    expect(registrations.entries.some((e) => e.id === roleChange.id)).toBe(false);
  });

  it('refuses a forged cursor and a range it cannot answer with 400', async () => {
    const forged = Buffer.from(JSON.stringify({ pk: 'AUDIT', sk: 'not-a-key' })).toString('base64url');
    const bad = await call('GET', `/api/audit?cursor=${forged}`, { token: operator });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('BAD_CURSOR');
    const long = await call('GET', '/api/audit?from=2020-01-01&to=2020-06-01', { token: operator });
    expect(long.status).toBe(400);
    expect(long.body.error.code).toBe('BAD_RANGE');
  });
});
