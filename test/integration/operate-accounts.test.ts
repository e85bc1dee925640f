/**
 * The operator's account list through HTTP (GET /api/accounts): signed cursors page a role's
 * accounts, each once; an exact username or phone finds that account whatever its role; part of a
 * name or username finds those of the role that contain it; bad input is a 400.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { call, login } from '../support/client.ts';

let operator: string;

beforeAll(async () => {
  operator = await login('operator');
});

const list = (query: string) => call('GET', `/api/accounts?${query}`, { token: operator });

describe('operator account list', () => {
  it('pages a role with signed cursors, each account once', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = await list(`role=staff&limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(res.status).toBe(200);
      expect(res.body.accounts.length).toBeLessThanOrEqual(7);
      seen.push(...res.body.accounts.map((a: any) => a.sub));
      cursor = res.body.cursor;
      pages++;
    } while (cursor && pages < 100);
    expect(pages).toBeGreaterThan(2);
    expect(new Set(seen).size).toBe(seen.length);
    const all = await list('role=staff&limit=100');
    expect(seen.slice(0, all.body.accounts.length)).toEqual(all.body.accounts.map((a: any) => a.sub));

    const first = await list('role=staff&limit=3');
    const c: string = first.body.cursor;
    for (const q of [
      `role=supervisor&limit=3&cursor=${encodeURIComponent(c)}`,
      `role=staff&limit=3&cursor=${encodeURIComponent(`${c.slice(0, 4)}${c[4] === 'A' ? 'B' : 'A'}${c.slice(5)}`)}`,
    ]) {
      const res = await list(q);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('BAD_CURSOR');
    }
  });

  it('finds by exact username or phone whatever the role, and by part of a name within the role', async () => {
    const byName = await list('role=applicant&q=qiaocheng-jc');
    expect(byName.status).toBe(200);
    expect(byName.body.accounts[0]).toMatchObject({ username: 'qiaocheng-jc', roles: ['supervisor'] });
    const byPhone = await list('role=applicant&q=13800000001');
    expect(byPhone.body.accounts[0]).toMatchObject({ sub: 'demo-zhangsan', phone: '138****0001' });
    const part = await list('role=staff&q=mzj&limit=50');
    expect(part.body.accounts.length).toBeGreaterThan(0);
    for (const a of part.body.accounts) expect(`${a.name} ${a.username}`).toContain('mzj');
    expect((await list('role=staff&q=no-such-person-xyz')).body.accounts).toEqual([]);
    expect((await list(`role=staff&q=${'x'.repeat(41)}`)).status).toBe(400);
    expect((await list('role=king')).status).toBe(400);
  });
});
