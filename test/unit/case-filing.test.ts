/** The filing use case on the in-memory store: numbered, idempotent, one case per key. */
import { describe, expect, it } from 'vitest';
import { Refusal } from '#domain/refusal.ts';
import { type CaseDraft, fileCase } from '#functions/cases/filing.ts';
import { verifyChain } from '#functions/cases/model.ts';
import { MemoryCaseStore } from '../support/memory-case-store.ts';

const draft: CaseDraft = {
  hallId: 'qiaocheng',
  itemCode: 'X1',
  itemName: '测试事项',
  deptCode: 'd1',
  deptName: '民政局',
  legalDays: 20,
  promisedDays: 5,
  caseKind: '承诺件',
  plan: [{ id: 'accept', name: '受理', post: '受理', level: 'county', limitDays: 1, depts: ['d1'] }],
  applicant: { sub: 'p1', name: '张三', phone: '13800000001' },
  filedBy: '张三',
  form: { 姓名: '张三' },
};

function setup() {
  const store = new MemoryCaseStore();
  const started: string[] = [];
  let drafts = 0;
  const deps = {
    store,
    lifecycle: { start: async (n: string) => void started.push(n), answer: async () => {} },
    hallCode: '341602',
  };
  const file = (key: string, requestHash = 'h1') =>
    fileCase(deps, {
      owner: 'p1',
      key,
      requestHash,
      at: new Date('2026-03-02T01:00:00Z'),
      draft: async () => {
        drafts++;
        return draft;
      },
    });
  return { store, started, file, drafts: () => drafts };
}

describe('fileCase', () => {
  it('numbers the case by hall and Beijing date, chains its first event and starts its lifecycle', async () => {
    const { store, started, file } = setup();
    const { created, record } = await file('key-00001');
    expect(created).toBe(true);
    expect(record).toMatchObject({ caseNo: '341602-20260302-000001', status: 'submitted', version: 1 });
    expect(record.deadlines.deemAccept).toBeDefined();
    expect(verifyChain(record.caseNo, store.events.get(record.caseNo)!)).toEqual({ ok: true });
    expect(started).toEqual([record.caseNo]);
  });

  it('answers a retry with the same case without checking the draft again; another body under the key is refused', async () => {
    const { store, file, drafts } = setup();
    const first = await file('key-00001');
    const again = await file('key-00001');
    expect(again).toMatchObject({ created: false, record: { caseNo: first.record.caseNo } });
    expect(drafts()).toBe(1);
    await expect(file('key-00001', 'other')).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(store.cases.size).toBe(1);
  });

  it('gives parallel requests with one key one case', async () => {
    const { store, file } = setup();
    const results = await Promise.all(Array.from({ length: 5 }, () => file('key-00002')));
    expect(new Set(results.map((r) => r.record.caseNo)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(store.cases.size).toBe(1);
  });

  it('stores nothing and takes no number when the draft is refused', async () => {
    const { store } = setup();
    const refused = fileCase(
      { store, lifecycle: { start: async () => {}, answer: async () => {} }, hallCode: '341602' },
      {
        owner: 'p1',
        key: 'key-00003',
        requestHash: 'h',
        at: new Date(),
        draft: async () => {
          throw new Refusal({ code: 'INPUT_INVALID', message: '表单有误' });
        },
      },
    );
    await expect(refused).rejects.toBeInstanceOf(Refusal);
    expect(store.cases.size).toBe(0);
    expect(store.sequences.size).toBe(0);
  });
});
