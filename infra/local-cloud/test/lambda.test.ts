import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalClock } from '../src/clock.ts';
import { LambdaError, LocalLambdas } from '../src/lambda.ts';

const fixtures = join(import.meta.dirname, 'fixtures/lambda');
const clock = new LocalClock(undefined, Date.parse('2026-03-02T01:00:00Z'));
const lambdas = new LocalLambdas({
  clock,
  clockGlobal: 'test.dev-clock',
  region: 'cn-north-1',
  baseEnvironment: { SHARED_ENDPOINT: 'http://127.0.0.1:1' },
});
// Two functions in one group (one worker thread), one in another.
lambdas.register({ name: 'a', entry: join(fixtures, 'env.ts'), environment: { ONLY_MINE: 'a' }, group: 'g' });
lambdas.register({ name: 'b', entry: join(fixtures, 'env.ts'), environment: { ONLY_MINE: 'b' }, group: 'g' });
lambdas.register({ name: 'c', entry: join(fixtures, 'env.ts'), group: 'other', timeoutSeconds: 20 });
lambdas.register({ name: 'fail', entry: join(fixtures, 'fail.ts'), group: 'g', timeoutSeconds: 1 });

afterAll(() => lambdas.stop());

type Seen = {
  before?: string;
  after?: string;
  setByMe?: string;
  keys: string[];
  accessKey: string;
  name: string;
  loadedFor: string;
  calls: number;
  now: number;
};
const invoke = (name: string, event: object = {}) => lambdas.invoke(name, event) as Promise<Seen>;

describe('local Lambda workers', () => {
  it('give each function only its own environment, even when invocations interleave in one worker', async () => {
    const [a, b] = await Promise.all([
      invoke('a', { waitMs: 200, set: 'by-a' }),
      invoke('b', { waitMs: 50 }),
    ]);
    expect(a).toMatchObject({ before: 'a', after: 'a', setByMe: 'by-a', accessKey: 'a', name: 'a' });
    expect(b).toMatchObject({ before: 'b', after: 'b', accessKey: 'b', name: 'b' });
    expect(b.setByMe).toBeUndefined(); // a's write stays in a's environment…
    expect((await invoke('a')).setByMe).toBe('by-a'); // …and persists there, as in one execution environment
    const c = await invoke('c');
    expect(c.before).toBeUndefined();
    expect(c.keys).toContain('SHARED_ENDPOINT');
    expect(c.keys).not.toContain('ONLY_MINE');
    // Nothing of the host process beyond what a runtime needs.
    expect(c.keys.filter((k) => k.startsWith('VITEST'))).toEqual([]);
    expect(lambdas.environmentOf('arn:aws-cn:lambda:cn-north-1:000000000000:function:a')).toMatchObject({
      ONLY_MINE: 'a',
      AWS_ACCESS_KEY_ID: 'a',
      AWS_REGION: 'cn-north-1',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '128',
    });
  });

  it("give each function its own instances of the application's modules", async () => {
    const a1 = await invoke('a');
    const b1 = await invoke('b');
    const a2 = await invoke('a');
    expect(a1.loadedFor).toBe('a');
    expect(b1.loadedFor).toBe('b');
    expect(a2.calls).toBe(a1.calls + 1);
    expect(b1.calls).toBeLessThan(a2.calls);
  });

  it('read the dev clock the main thread moves', async () => {
    const before = (await invoke('c')).now;
    expect(Math.abs(before - clock.now())).toBeLessThan(2000);
    clock.advance(3 * 24 * 3600_000);
    const after = (await invoke('c')).now;
    expect(after - before).toBeGreaterThanOrEqual(3 * 24 * 3600_000);
  });

  it('report errors by type, unknown functions and timeouts as Lambda does', async () => {
    await expect(lambdas.invoke('fail', {})).rejects.toMatchObject({
      name: 'ValidationFailed',
      errorType: 'ValidationFailed',
      message: '身份证号校验失败',
    });
    await expect(lambdas.invoke('nope', {})).rejects.toMatchObject({
      errorType: 'ResourceNotFoundException',
    });
    const late = (await lambdas.invoke('fail', { sleepMs: 1500 }).catch((e) => e)) as LambdaError;
    expect(late).toBeInstanceOf(LambdaError);
    expect(late.errorType).toBe('Sandbox.Timedout');
    expect(lambdas.invocations.get('fail')).toBe(2);
  });
});
