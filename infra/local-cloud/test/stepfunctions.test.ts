/**
 * The local Step Functions endpoint, driven by the real SFN client: API shapes and errors, Lambda
 * integrations, task tokens, Wait states and task timeouts on a dev clock, ASL flow states, and restart.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  DescribeStateMachineCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
  UpdateStateMachineCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DevClock, type LocalStepFunctions, startStepFunctions } from '../src/stepfunctions/index.ts';

const DAY = 24 * 60 * 60 * 1000;
const ROLE = 'arn:aws-cn:iam::000000000000:role/sfn';
const INVOKE = 'arn:aws:states:::lambda:invoke';
const WAIT_TOKEN = 'arn:aws:states:::lambda:invoke.waitForTaskToken';

/** Dev time = wall time + an offset the test moves forward. */
class TestClock implements DevClock {
  offset = 0;
  private readonly listeners = new Set<() => void>();
  now() {
    return Date.now() + this.offset;
  }
  onChange(listener: () => void) {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }
  advance(ms: number) {
    this.offset += ms;
    for (const l of [...this.listeners]) l();
  }
}

class ValidationFailed extends Error {
  override name = 'ValidationFailed';
}

// ---- the functions the state machines call
const calls: Array<{ fn: string; payload: unknown }> = [];
const tokens: Array<{ token: string; step?: string; id?: string }> = [];
let flakyFailures = 0;
const functions: Record<string, (payload: unknown) => unknown> = {
  echo: (p) => ({ echoed: p }),
  double: (p) => ({ n: (p as { n: number }).n * 2 }),
  boom: () => {
    throw new ValidationFailed('身份证号校验失败');
  },
  flaky: (p) => {
    if (flakyFailures++ === 0) throw new Error('transient');
    return p;
  },
  awaitTask: (p) => {
    const { taskToken, step, id } = p as { taskToken: string; step?: string; id?: string };
    tokens.push({ token: taskToken, step, id });
    return { stored: true };
  },
};
async function invokeLambda(functionName: string, payload: unknown) {
  const name = functionName.includes(':function:')
    ? functionName.split(':function:')[1].split(':')[0]
    : functionName;
  calls.push({ fn: name, payload });
  const fn = functions[name];
  if (!fn) throw Object.assign(new Error(`no function ${name}`), { name: 'ResourceNotFoundException' });
  return fn(payload);
}

const clock = new TestClock();
let dataDir: string;
let local: LocalStepFunctions;
let sfn: SFNClient;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

function clientFor(endpoint: string) {
  return new SFNClient({
    endpoint,
    region: 'cn-north-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
}

async function start() {
  local = await startStepFunctions({ dataDir, invokeLambda, clock });
  sfn = clientFor(local.endpoint);
}

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  dataDir = await mkdtemp(join(tmpdir(), 'sfn-local-'));
  await start();
});

afterAll(async () => {
  await local?.stop();
  sfn?.destroy();
  process.off('unhandledRejection', onUnhandled);
  await rm(dataDir, { recursive: true, force: true });
});

let machineSeq = 0;
async function createMachine(definition: object, name = `m${++machineSeq}`) {
  const out = await sfn.send(
    new CreateStateMachineCommand({ name, definition: JSON.stringify(definition), roleArn: ROLE }),
  );
  return out.stateMachineArn!;
}

async function startExec(stateMachineArn: string, input: unknown = {}, name?: string) {
  const out = await sfn.send(
    new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input), name }),
  );
  return out.executionArn!;
}

/** Polls until the execution satisfies `done` (default: no longer RUNNING); bounded. */
async function waitFor(
  executionArn: string,
  done: (d: DescribeExecutionCommandOutput) => boolean = (d) => d.status !== 'RUNNING',
  timeoutMs = 5000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (done(d)) return d;
    if (Date.now() > deadline) throw new Error(`execution still ${d.status}: ${executionArn}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function until<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

const tokenFor = (id: string) => until(() => tokens.find((t) => t.id === id)?.token);

async function historyTypes(executionArn: string) {
  const h = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
  return h.events!.map((e) => e.type);
}

/** A machine that hands out a token and then finishes with the answer (or goes where a Catch says). */
const tokenMachine = (extra: object = {}, states: object = {}) => ({
  StartAt: 'Await',
  States: {
    Await: {
      Type: 'Task',
      Resource: WAIT_TOKEN,
      Parameters: { FunctionName: 'awaitTask', Payload: { 'id.$': '$.id', 'taskToken.$': '$$.Task.Token' } },
      ResultPath: '$.answer',
      Next: 'Done',
      ...extra,
    },
    Done: { Type: 'Succeed' },
    ...states,
  },
});

describe('state machines', () => {
  it('creates, describes, updates and lists; identical create is idempotent', async () => {
    const def = { StartAt: 'P', States: { P: { Type: 'Pass', Result: 1, End: true } } };
    const arn = await createMachine(def, 'crud-machine');
    expect(arn).toBe('arn:aws-cn:states:cn-north-1:000000000000:stateMachine:crud-machine');
    expect(await createMachine(def, 'crud-machine')).toBe(arn);
    await expect(
      createMachine({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }, 'crud-machine'),
    ).rejects.toMatchObject({ name: 'StateMachineAlreadyExists' });

    const described = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arn }));
    expect(described).toMatchObject({
      name: 'crud-machine',
      roleArn: ROLE,
      status: 'ACTIVE',
      type: 'STANDARD',
    });
    expect(JSON.parse(described.definition!)).toEqual(def);
    expect(described.creationDate).toBeInstanceOf(Date);

    const updated = { StartAt: 'P', States: { P: { Type: 'Pass', Result: 2, End: true } } };
    const upd = await sfn.send(
      new UpdateStateMachineCommand({ stateMachineArn: arn, definition: JSON.stringify(updated) }),
    );
    expect(upd.updateDate).toBeInstanceOf(Date);
    const after = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: arn }));
    expect(JSON.parse(after.definition!)).toEqual(updated);
    const exec = await startExec(arn);
    expect((await waitFor(exec)).output).toBe('2');

    const list = await sfn.send(new ListStateMachinesCommand({}));
    expect(list.stateMachines!.map((m) => m.stateMachineArn)).toContain(arn);
  });

  it('rejects invalid ASL and unknown machines with the AWS error codes', async () => {
    await expect(
      createMachine({ StartAt: 'Nope', States: { A: { Type: 'Pass', End: true } } }),
    ).rejects.toMatchObject({
      name: 'InvalidDefinition',
      $metadata: { httpStatusCode: 400 },
    });
    await expect(
      sfn.send(new CreateStateMachineCommand({ name: 'bad-json', definition: '{', roleArn: ROLE })),
    ).rejects.toMatchObject({ name: 'InvalidDefinition' });
    await expect(
      sfn.send(
        new DescribeStateMachineCommand({
          stateMachineArn: 'arn:aws-cn:states:cn-north-1:000000000000:stateMachine:missing',
        }),
      ),
    ).rejects.toMatchObject({ name: 'StateMachineDoesNotExist' });
    await expect(
      sfn.send(new DescribeExecutionCommand({ executionArn: 'not-an-arn' })),
    ).rejects.toMatchObject({
      name: 'InvalidArn',
    });
  });
});

describe('executions', () => {
  it('runs Choice/Pass/Succeed, is idempotent on name + input, and keeps a truthful history', async () => {
    const arn = await createMachine({
      StartAt: 'Route',
      States: {
        Route: {
          Type: 'Choice',
          Choices: [{ Variable: '$.kind', StringEquals: 'fast', Next: 'Fast' }],
          Default: 'Slow',
        },
        Fast: {
          Type: 'Pass',
          Parameters: { 'route.$': '$.kind', 'exec.$': '$$.Execution.Name' },
          Next: 'Done',
        },
        Slow: { Type: 'Pass', Result: { route: 'slow' }, Next: 'Done' },
        Done: { Type: 'Succeed' },
      },
    });
    const exec = await startExec(arn, { kind: 'fast' }, 'case-001');
    const d = await waitFor(exec);
    expect(d).toMatchObject({ status: 'SUCCEEDED', name: 'case-001', input: '{"kind":"fast"}' });
    expect(JSON.parse(d.output!)).toEqual({ route: 'fast', exec: 'case-001' });
    expect(d.startDate).toBeInstanceOf(Date);
    expect(d.stopDate!.getTime()).toBeGreaterThanOrEqual(d.startDate!.getTime());

    expect(await startExec(arn, { kind: 'fast' }, 'case-001')).toBe(exec);
    await expect(startExec(arn, { kind: 'slow' }, 'case-001')).rejects.toMatchObject({
      name: 'ExecutionAlreadyExists',
    });

    const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn: exec }));
    expect(history.events!.map((e) => e.type)).toEqual([
      'ExecutionStarted',
      'ChoiceStateEntered',
      'ChoiceStateExited',
      'PassStateEntered',
      'PassStateExited',
      'SucceedStateEntered',
      'SucceedStateExited',
      'ExecutionSucceeded',
    ]);
    const entered = history.events!.find((e) => e.type === 'PassStateEntered')!;
    expect(entered.stateEnteredEventDetails).toEqual({ name: 'Fast', input: '{"kind":"fast"}' });
    expect(entered.timestamp).toBeInstanceOf(Date);
    expect(history.events!.map((e) => e.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('lists by status and stops a running execution', async () => {
    const arn = await createMachine({
      StartAt: 'W',
      States: { W: { Type: 'Wait', Seconds: 3600, End: true } },
    });
    const waiting = await startExec(arn, {}, 'waiting');
    const other = await startExec(arn, {}, 'to-stop');
    const running = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn: arn, statusFilter: 'RUNNING' }),
    );
    expect(running.executions!.map((e) => e.name).sort()).toEqual(['to-stop', 'waiting']);

    const stop = await sfn.send(
      new StopExecutionCommand({ executionArn: other, error: 'Withdrawn', cause: '撤回' }),
    );
    expect(stop.stopDate).toBeInstanceOf(Date);
    const d = await sfn.send(new DescribeExecutionCommand({ executionArn: other }));
    expect(d).toMatchObject({ status: 'ABORTED', error: 'Withdrawn', cause: '撤回' });
    const aborted = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn: arn, statusFilter: 'ABORTED' }),
    );
    expect(aborted.executions!.map((e) => e.executionArn)).toEqual([other]);
    expect((await historyTypes(other)).at(-1)).toBe('ExecutionAborted');
    await sfn.send(new StopExecutionCommand({ executionArn: waiting }));
  });

  it('fails with the Fail state error and cause', async () => {
    const arn = await createMachine({
      StartAt: 'F',
      States: { F: { Type: 'Fail', Error: 'CaseRejected', Cause: '材料不全' } },
    });
    const d = await waitFor(await startExec(arn));
    expect(d).toMatchObject({ status: 'FAILED', error: 'CaseRejected', cause: '材料不全' });
  });
});

describe('Lambda tasks', () => {
  it('wraps lambda:invoke results like AWS and passes plain Lambda ARN results through', async () => {
    const arn = await createMachine({
      StartAt: 'Invoke',
      States: {
        Invoke: {
          Type: 'Task',
          Resource: INVOKE,
          Parameters: { FunctionName: 'double', 'Payload.$': '$' },
          ResultPath: '$.wrapped',
          Next: 'Plain',
        },
        Plain: {
          Type: 'Task',
          Resource: 'arn:aws-cn:lambda:cn-north-1:000000000000:function:double',
          InputPath: '$.wrapped.Payload',
          ResultPath: '$.plain',
          End: true,
        },
      },
    });
    const d = await waitFor(await startExec(arn, { n: 2 }));
    expect(JSON.parse(d.output!)).toEqual({
      n: 2,
      wrapped: { Payload: { n: 4 }, StatusCode: 200, ExecutedVersion: '$LATEST' },
      plain: { n: 8 },
    });
  });

  it('surfaces function errors by their name to Retry and Catch', async () => {
    flakyFailures = 0;
    const arn = await createMachine({
      StartAt: 'Flaky',
      States: {
        Flaky: {
          Type: 'Task',
          Resource: INVOKE,
          Parameters: { FunctionName: 'flaky', Payload: { ok: true } },
          Retry: [{ ErrorEquals: ['Error'], IntervalSeconds: 1, MaxAttempts: 2, BackoffRate: 1 }],
          ResultSelector: { 'p.$': '$.Payload' },
          ResultPath: '$.flaky',
          Next: 'Boom',
        },
        Boom: {
          Type: 'Task',
          Resource: INVOKE,
          Parameters: { FunctionName: 'boom' },
          Catch: [{ ErrorEquals: ['ValidationFailed'], ResultPath: '$.error', Next: 'Rejected' }],
          End: true,
        },
        Rejected: { Type: 'Pass', End: true },
      },
    });
    const exec = await startExec(arn, {});
    const d = await waitFor(exec);
    expect(d.status).toBe('SUCCEEDED');
    const out = JSON.parse(d.output!);
    expect(out.flaky).toEqual({ p: { ok: true } });
    expect(flakyFailures).toBe(2);
    expect(out.error.Error).toBe('ValidationFailed');
    expect(JSON.parse(out.error.Cause)).toMatchObject({
      errorType: 'ValidationFailed',
      errorMessage: '身份证号校验失败',
    });
    const types = await historyTypes(exec);
    expect(types.filter((t) => t === 'TaskFailed')).toHaveLength(2);
  });

  it('fails the execution with the error name when nothing catches it (also for callback tasks)', async () => {
    for (const resource of [INVOKE, WAIT_TOKEN]) {
      const arn = await createMachine({
        StartAt: 'Boom',
        States: {
          Boom: {
            Type: 'Task',
            Resource: resource,
            Parameters: { FunctionName: 'boom', Payload: { 'token.$': '$$.Task.Token' } },
            End: true,
          },
        },
      });
      const d = await waitFor(await startExec(arn));
      expect(d).toMatchObject({ status: 'FAILED', error: 'ValidationFailed' });
    }
  });
});

describe('task tokens', () => {
  it('hands out a unique opaque token per task; SendTaskSuccess answers it once', async () => {
    const arn = await createMachine(tokenMachine());
    const a = await startExec(arn, { id: 'tok-a' });
    const b = await startExec(arn, { id: 'tok-b' });
    const ta = await tokenFor('tok-a');
    const tb = await tokenFor('tok-b');
    expect(ta).not.toBe(tb);
    expect(ta).not.toContain('Task.Token');
    expect(ta.length).toBeGreaterThan(20);
    expect((await sfn.send(new DescribeExecutionCommand({ executionArn: a }))).status).toBe('RUNNING');

    await sfn.send(
      new SendTaskSuccessCommand({ taskToken: ta, output: JSON.stringify({ decision: 'accept' }) }),
    );
    const d = await waitFor(a);
    expect(d.status).toBe('SUCCEEDED');
    expect(JSON.parse(d.output!)).toEqual({ id: 'tok-a', answer: { decision: 'accept' } });

    // A second staff member answering the same token gets the AWS error, and nothing changes.
    await expect(
      sfn.send(new SendTaskSuccessCommand({ taskToken: ta, output: '{"decision":"reject"}' })),
    ).rejects.toMatchObject({ name: 'TaskTimedOut' });
    await expect(
      sfn.send(new SendTaskSuccessCommand({ taskToken: 'garbage', output: '{}' })),
    ).rejects.toMatchObject({
      name: 'InvalidToken',
    });
    await expect(
      sfn.send(new SendTaskSuccessCommand({ taskToken: tb, output: 'not json' })),
    ).rejects.toMatchObject({
      name: 'InvalidOutput',
    });

    await sfn.send(new StopExecutionCommand({ executionArn: b }));
    await expect(sfn.send(new SendTaskSuccessCommand({ taskToken: tb, output: '{}' }))).rejects.toMatchObject(
      {
        name: 'TaskTimedOut',
      },
    );
  });

  it('SendTaskFailure fails the task with that error, so Catch applies', async () => {
    const arn = await createMachine(
      tokenMachine(
        { Catch: [{ ErrorEquals: ['Rejected'], ResultPath: '$.failure', Next: 'Caught' }] },
        { Caught: { Type: 'Pass', End: true } },
      ),
    );
    const exec = await startExec(arn, { id: 'tok-fail' });
    const token = await tokenFor('tok-fail');
    await sfn.send(new SendTaskFailureCommand({ taskToken: token, error: 'Rejected', cause: '不予受理' }));
    const d = await waitFor(exec);
    expect(d.status).toBe('SUCCEEDED');
    expect(JSON.parse(d.output!).failure).toEqual({ Error: 'Rejected', Cause: '不予受理' });
    expect(await historyTypes(exec)).toEqual(expect.arrayContaining(['TaskFailed', 'PassStateEntered']));
  });

  it('times out on the dev clock; heartbeats keep the task alive', async () => {
    const arn = await createMachine(
      tokenMachine(
        {
          TimeoutSeconds: 7 * 86400,
          HeartbeatSeconds: 3600,
          Catch: [
            { ErrorEquals: ['States.TaskFailed'], ResultPath: '$.wrong', Next: 'Wrong' },
            { ErrorEquals: ['States.Timeout'], ResultPath: '$.timeout', Next: 'Caught' },
          ],
        },
        { Caught: { Type: 'Pass', End: true }, Wrong: { Type: 'Fail', Error: 'WrongCatcher' } },
      ),
    );
    const heartbeat = await startExec(arn, { id: 'tok-hb' });
    const token = await tokenFor('tok-hb');
    clock.advance(40 * 60 * 1000);
    await sfn.send(new SendTaskHeartbeatCommand({ taskToken: token }));
    clock.advance(40 * 60 * 1000); // 80 min since start, 40 since the heartbeat
    await new Promise((r) => setTimeout(r, 50));
    expect((await sfn.send(new DescribeExecutionCommand({ executionArn: heartbeat }))).status).toBe(
      'RUNNING',
    );
    clock.advance(21 * 60 * 1000); // 61 min since the last heartbeat
    const t0 = Date.now();
    const d = await waitFor(heartbeat);
    // Fired by the clock jump, not by a wall timer (that would take an hour): generous bound for loaded CI.
    expect(Date.now() - t0).toBeLessThan(2000);
    // States.TaskFailed does not match a timeout (as in AWS); States.Timeout does.
    expect(JSON.parse(d.output!).timeout.Error).toBe('States.Timeout');
    expect(await historyTypes(heartbeat)).toContain('TaskTimedOut');
    await expect(sfn.send(new SendTaskHeartbeatCommand({ taskToken: token }))).rejects.toMatchObject({
      name: 'TaskTimedOut',
    });
  });

  it('TimeoutSecondsPath and the machine TimeoutSeconds run on the dev clock', async () => {
    const arn = await createMachine({
      ...tokenMachine({ TimeoutSecondsPath: '$.limit' }),
      TimeoutSeconds: 30 * 86400,
    });
    const taskTimeout = await startExec(arn, { id: 'tok-tsp', limit: 86400 });
    await tokenFor('tok-tsp');
    clock.advance(DAY + 1000);
    expect(await waitFor(taskTimeout)).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });

    const machineTimeout = await startExec(arn, { id: 'tok-mto', limit: 60 * 86400 });
    await tokenFor('tok-mto');
    clock.advance(31 * DAY);
    expect(await waitFor(machineTimeout)).toMatchObject({ status: 'TIMED_OUT' });
    expect((await historyTypes(machineTimeout)).at(-1)).toBe('ExecutionTimedOut');
  });
});

describe('Wait states on the dev clock', () => {
  it('fires Seconds, SecondsPath, Timestamp and TimestampPath waits promptly when the clock jumps', async () => {
    const far = new Date(clock.now() + 40 * DAY).toISOString(); // beyond setTimeout's 24.8-day range
    const arn = await createMachine({
      StartAt: 'Seconds',
      States: {
        Seconds: { Type: 'Wait', Seconds: 3600, Next: 'SecondsPath' },
        SecondsPath: { Type: 'Wait', SecondsPath: '$.secs', Next: 'Timestamp' },
        Timestamp: { Type: 'Wait', Timestamp: far, Next: 'TimestampPath' },
        TimestampPath: { Type: 'Wait', TimestampPath: '$.deadline', End: true },
      },
    });
    const input = { secs: 7200, deadline: new Date(clock.now() + 50 * DAY).toISOString() };
    const exec = await startExec(arn, input);
    const count = async (type: string) => (await historyTypes(exec)).filter((t) => t === type).length;
    const position = () => count('WaitStateExited');
    await new Promise((r) => setTimeout(r, 50));
    expect(await position()).toBe(0);

    const lag: number[] = [];
    const step = async (ms: number, exited: number) => {
      // The wait's instant is fixed when it is entered; move the clock only after that.
      await until(async () => (await count('WaitStateEntered')) >= exited || undefined);
      clock.advance(ms);
      const t0 = Date.now();
      while ((await position()) < exited) {
        if (Date.now() - t0 > 15_000) throw new Error(`wait ${exited} did not fire`);
      }
      lag.push(Date.now() - t0);
    };
    await step(3600 * 1000, 1);
    await step(7200 * 1000, 2);
    clock.advance(30 * DAY); // not yet at the 40-day instant
    await new Promise((r) => setTimeout(r, 50));
    expect(await position()).toBe(2);
    await step(11 * DAY, 3);
    await step(10 * DAY, 4);
    const d = await waitFor(exec);
    expect(d.status).toBe('SUCCEEDED');
    expect(JSON.parse(d.output!)).toEqual(input);
    // Each wait fired on the jump itself (typically a few ms, measured in the README); bound kept loose.
    expect(Math.max(...lag)).toBeLessThan(2000);
  });
});

describe('Parallel and Map', () => {
  it('runs branches and iterations with tasks and waits inside', async () => {
    const arn = await createMachine({
      StartAt: 'Both',
      States: {
        Both: {
          Type: 'Parallel',
          Branches: [
            {
              StartAt: 'Items',
              States: {
                Items: {
                  Type: 'Map',
                  ItemsPath: '$.items',
                  ItemSelector: { 'n.$': '$$.Map.Item.Value' },
                  ItemProcessor: {
                    StartAt: 'Double',
                    States: {
                      Double: {
                        Type: 'Task',
                        Resource: INVOKE,
                        Parameters: { FunctionName: 'double', 'Payload.$': '$' },
                        OutputPath: '$.Payload.n',
                        End: true,
                      },
                    },
                  },
                  End: true,
                },
              },
            },
            {
              StartAt: 'Pause',
              States: {
                Pause: { Type: 'Wait', Seconds: 600, Next: 'Echo' },
                Echo: { Type: 'Pass', Parameters: { 'original.$': '$$.Execution.Input.items' }, End: true },
              },
            },
          ],
          End: true,
        },
      },
    });
    const exec = await startExec(arn, { items: [1, 2, 3] });
    // Advance only once the branch sits in its Wait (on a busy machine it may not be there yet).
    await until(async () => (await historyTypes(exec)).includes('WaitStateEntered') || undefined);
    expect((await sfn.send(new DescribeExecutionCommand({ executionArn: exec }))).status).toBe('RUNNING');
    clock.advance(600 * 1000);
    const d = await waitFor(exec);
    expect(d.status).toBe('SUCCEEDED');
    expect(JSON.parse(d.output!)).toEqual([[2, 4, 6], { original: [1, 2, 3] }]);
    expect(await historyTypes(exec)).toEqual(
      expect.arrayContaining(['MapIterationStarted', 'ParallelStateExited']),
    );
  });
});

describe('restart', () => {
  it('keeps machines and finished executions, resumes running ones with the same tokens and waits', async () => {
    const arn = await createMachine(
      {
        StartAt: 'Accept',
        States: {
          Accept: {
            Type: 'Task',
            Resource: WAIT_TOKEN,
            Parameters: {
              FunctionName: 'awaitTask',
              Payload: { 'id.$': '$.id', step: 'accept', 'taskToken.$': '$$.Task.Token' },
            },
            ResultPath: '$.acceptance',
            Next: 'Cooling',
          },
          Cooling: { Type: 'Wait', Seconds: 86400, Next: 'Joint' },
          Joint: {
            Type: 'Parallel',
            Branches: ['police', 'market'].map((dept) => ({
              StartAt: `Review-${dept}`,
              States: {
                [`Review-${dept}`]: {
                  Type: 'Task',
                  Resource: WAIT_TOKEN,
                  Parameters: {
                    FunctionName: 'awaitTask',
                    Payload: { 'id.$': `States.Format('{}-${dept}', $.id)`, 'taskToken.$': '$$.Task.Token' },
                  },
                  End: true,
                },
              },
            })),
            ResultPath: '$.reviews',
            Next: 'Started',
          },
          Started: {
            Type: 'Pass',
            Parameters: { 'input.$': '$$.Execution.Input', 'reviews.$': '$.reviews' },
            End: true,
          },
        },
      },
      'restartable',
    );
    // A: waits for acceptance across the restart. B: sits in a one-day Wait that passes while stopped.
    // C: in the joint review, one branch answered before the restart. D: already finished.
    const inWait = (exec: string) =>
      until(async () => (await historyTypes(exec)).includes('WaitStateEntered') || undefined);
    const a = await startExec(arn, { id: 'A' }, 'A');
    const c = await startExec(arn, { id: 'C' }, 'C');
    const d = await startExec(arn, { id: 'D' }, 'D');
    const tokenA = await tokenFor('A');
    for (const [exec, id] of [
      [c, 'C'],
      [d, 'D'],
    ]) {
      await sfn.send(new SendTaskSuccessCommand({ taskToken: await tokenFor(id), output: '{"ok":1}' }));
      await inWait(exec);
    }
    clock.advance(DAY);
    await sfn.send(
      new SendTaskSuccessCommand({ taskToken: await tokenFor('C-police'), output: '"police ok"' }),
    );
    for (const id of ['D-police', 'D-market']) {
      await sfn.send(new SendTaskSuccessCommand({ taskToken: await tokenFor(id), output: `"${id}"` }));
    }
    const finished = await waitFor(d);
    expect(finished.status).toBe('SUCCEEDED');
    const tokenCMarket = await tokenFor('C-market');
    const b = await startExec(arn, { id: 'B' }, 'B');
    await sfn.send(new SendTaskSuccessCommand({ taskToken: await tokenFor('B'), output: '{"ok":"B"}' }));
    await inWait(b);
    const callsBefore = calls.filter((x) => x.fn === 'awaitTask').length;

    await local.stop();
    sfn.destroy();
    await expect(clientFor(local.endpoint).send(new ListStateMachinesCommand({}))).rejects.toThrow();
    clock.advance(2 * DAY); // while stopped: B's one-day wait is now in the past
    await start();

    const machines = await sfn.send(new ListStateMachinesCommand({}));
    expect(machines.stateMachines!.map((m) => m.name)).toContain('restartable');
    const dAfter = await sfn.send(new DescribeExecutionCommand({ executionArn: d }));
    expect(dAfter.output).toBe(finished.output);

    // B's wait fires at once; then its joint review hands out tokens.
    await tokenFor('B-police');
    // A is answered with the token it handed out before the restart.
    expect((await sfn.send(new DescribeExecutionCommand({ executionArn: a }))).status).toBe('RUNNING');
    await sfn.send(new SendTaskSuccessCommand({ taskToken: tokenA, output: '{"decision":"accept"}' }));
    await waitFor(a, (x) => x.status === 'RUNNING');
    await expect(
      sfn.send(new SendTaskSuccessCommand({ taskToken: tokenA, output: '{"decision":"accept"}' })),
    ).rejects.toMatchObject({ name: 'TaskTimedOut' });

    // C: the answered branch is not asked again; the other keeps its pre-restart token.
    await sfn.send(new SendTaskSuccessCommand({ taskToken: tokenCMarket, output: '"market ok"' }));
    const cDone = await waitFor(c);
    expect(cDone.status).toBe('SUCCEEDED');
    expect(JSON.parse(cDone.output!)).toEqual({ input: { id: 'C' }, reviews: ['police ok', 'market ok'] });
    const newCalls = calls.filter((x) => x.fn === 'awaitTask').slice(callsBefore);
    expect(newCalls.map((x) => (x.payload as { id: string }).id).sort()).toEqual(['B-market', 'B-police']);

    const cHistory = await historyTypes(c);
    expect(cHistory.filter((t) => t === 'ParallelStateEntered')).toHaveLength(1);
    for (const exec of [a, b]) await sfn.send(new StopExecutionCommand({ executionArn: exec }));
    expect(unhandled).toEqual([]);
  });
});
