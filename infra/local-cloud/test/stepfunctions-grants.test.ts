/** The Step Functions endpoint checks governed callers' grants, as IAM checks an execution role. */
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessPolicy } from '../src/iam.ts';
import { arns } from '../src/names.ts';
import { type LocalStepFunctions, startStepFunctions } from '../src/stepfunctions/index.ts';

const A = arns();
const policy = new AccessPolicy({
  starter: [{ actions: ['states:StartExecution'], resources: [A.stateMachine('granted')] }],
  answerer: [
    {
      actions: ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'],
      resources: [A.stateMachine('granted')],
    },
  ],
});
const tokens: Record<string, string> = {};
let local: LocalStepFunctions;
const clients: SFNClient[] = [];
const client = (accessKeyId: string) => {
  const c = new SFNClient({
    endpoint: local.endpoint,
    region: 'cn-north-1',
    credentials: { accessKeyId, secretAccessKey: 'x' },
    maxAttempts: 1,
  });
  clients.push(c);
  return c;
};
const waitForToken = {
  StartAt: 'Wait',
  States: {
    Wait: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: {
        FunctionName: 'keep',
        Payload: { 'token.$': '$$.Task.Token', 'machine.$': '$$.StateMachine.Name' },
      },
      End: true,
    },
  },
};

beforeAll(async () => {
  local = await startStepFunctions({
    invokeLambda: async (_name, payload) => {
      const { token, machine } = payload as { token: string; machine: string };
      tokens[machine] = token;
      return {};
    },
    clock: { now: () => Date.now(), onChange: () => () => {} },
    policy,
  });
  const admin = client('local');
  for (const name of ['granted', 'other'])
    await admin.send(
      new CreateStateMachineCommand({
        name,
        definition: JSON.stringify(waitForToken),
        roleArn: A.role('sfn'),
      }),
    );
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  await local?.stop();
});

async function until(check: () => boolean) {
  const deadline = Date.now() + 30_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('Step Functions grants', () => {
  it('lets a principal start executions of its machine only: AccessDeniedException otherwise', async () => {
    const started = await client('starter').send(
      new StartExecutionCommand({ stateMachineArn: A.stateMachine('granted'), name: 'e1' }),
    );
    expect(started.executionArn).toBe(
      `${A.stateMachine('granted').replace(':stateMachine:', ':execution:')}:e1`,
    );
    const denied = await client('starter')
      .send(new StartExecutionCommand({ stateMachineArn: A.stateMachine('other'), name: 'e1' }))
      .catch((e) => e);
    expect(denied.name).toBe('AccessDeniedException');
    expect(denied.message).toContain(`states:StartExecution on resource: ${A.stateMachine('other')}`);
    // Not granted DescribeExecution either.
    const describe = await client('starter')
      .send(new DescribeExecutionCommand({ executionArn: started.executionArn }))
      .catch((e) => e);
    expect(describe.name).toBe('AccessDeniedException');
  });

  it("answers a task token only for the machine the answerer is granted (the token's machine)", async () => {
    await client('local').send(
      new StartExecutionCommand({ stateMachineArn: A.stateMachine('other'), name: 'e2' }),
    );
    await until(() => Boolean(tokens.granted && tokens.other));
    const denied = await client('answerer')
      .send(new SendTaskSuccessCommand({ taskToken: tokens.other, output: '{}' }))
      .catch((e) => e);
    expect(denied.name).toBe('AccessDeniedException');
    await client('answerer').send(
      new SendTaskSuccessCommand({ taskToken: tokens.granted, output: '{"ok":1}' }),
    );
    const admin = client('local');
    const arn = `${A.stateMachine('granted').replace(':stateMachine:', ':execution:')}:e1`;
    let status: string | undefined;
    const deadline = Date.now() + 30_000;
    while (status !== 'SUCCEEDED' && Date.now() < deadline) {
      status = (await admin.send(new DescribeExecutionCommand({ executionArn: arn }))).status;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(status).toBe('SUCCEEDED');
  });
});
