/**
 * The built-in local cloud checks each function's calls against its spec's grants, as IAM checks its
 * execution role in AWS: a call the spec does not grant fails locally, not first after deploying.
 * (Skipped when the suite runs against another deployment.)
 */
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterAll, describe, expect, inject, it } from 'vitest';

const env = inject('localCloudEnv');
const clients: { destroy(): void }[] = [];
afterAll(() => {
  for (const c of clients) c.destroy();
});

/** A client signed as the function `name` (its access key id in the Lambda workers). */
function as<T extends { destroy(): void }>(
  Client: new (config: object) => T,
  name: string,
  endpoint: string | undefined,
): T {
  const client = new Client({
    endpoint,
    region: env?.AWS_REGION,
    credentials: { accessKeyId: name, secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  clients.push(client);
  return client;
}

const outcome = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: Error) => e.name,
  );

describe.skipIf(!env)('grants of the functions in the local cloud', () => {
  const key = { pk: { S: 'NONE' }, sk: { S: 'NONE' } };

  it('DynamoDB: reads where the spec says read, no writes, no tables it does not name', async () => {
    const listHalls = as(DynamoDBClient, 'platform-listHalls', env?.AWS_ENDPOINT_URL_DYNAMODB);
    expect(
      await outcome(listHalls.send(new GetItemCommand({ TableName: 'platform-catalogue', Key: key }))),
    ).toBe('ok');
    expect(
      await outcome(listHalls.send(new PutItemCommand({ TableName: 'platform-catalogue', Item: key }))),
    ).toBe('AccessDeniedException');
    const detail = as(DynamoDBClient, 'hall-qiaocheng-caseDetail', env?.AWS_ENDPOINT_URL_DYNAMODB);
    expect(
      await outcome(detail.send(new GetItemCommand({ TableName: 'hall-qiaocheng-cases', Key: key }))),
    ).toBe('ok');
    // It reads the accounts table only for token revocation; the catalogue it does not name.
    expect(
      await outcome(detail.send(new GetItemCommand({ TableName: 'platform-catalogue', Key: key }))),
    ).toBe('AccessDeniedException');
    expect(await outcome(detail.send(new GetItemCommand({ TableName: 'hall-lixin-cases', Key: key })))).toBe(
      'AccessDeniedException',
    );
  });

  it('SNS: SMS only for SMS senders, a topic only for its publisher, only in its own hall', async () => {
    const sms = { PhoneNumber: '+8613800000000', Message: '测试' };
    const topic = (hall: string) => ({
      TopicArn: `arn:aws-cn:sns:cn-north-1:000000000000:hall-${hall}-alerts`,
      Message: '{}',
    });
    const caseStream = as(SNSClient, 'hall-qiaocheng-caseStream', env?.AWS_ENDPOINT_URL_SNS);
    const supervision = as(SNSClient, 'hall-qiaocheng-supervisionStream', env?.AWS_ENDPOINT_URL_SNS);
    expect(await outcome(caseStream.send(new PublishCommand(sms)))).toBe('ok');
    expect(await outcome(supervision.send(new PublishCommand(sms)))).toBe('AuthorizationErrorException');
    expect(await outcome(supervision.send(new PublishCommand(topic('qiaocheng'))))).toBe('ok');
    expect(await outcome(supervision.send(new PublishCommand(topic('lixin'))))).toBe(
      'AuthorizationErrorException',
    );
  });

  it('Step Functions: only the machines a function starts', async () => {
    const machine = (id: string) =>
      `arn:aws-cn:states:cn-north-1:000000000000:stateMachine:hall-qiaocheng-${id}`;
    const detail = as(SFNClient, 'hall-qiaocheng-caseDetail', env?.AWS_ENDPOINT_URL_SFN);
    const stream = as(SFNClient, 'hall-qiaocheng-supervisionStream', env?.AWS_ENDPOINT_URL_SFN);
    expect(
      await outcome(detail.send(new StartExecutionCommand({ stateMachineArn: machine('lifecycle') }))),
    ).toBe('AccessDeniedException');
    // Granted: the call gets past IAM, and fails on its input (not JSON), so nothing runs.
    const start = new StartExecutionCommand({ stateMachineArn: machine('timer'), input: 'not json' });
    expect(await outcome(stream.send(start))).toBe('InvalidExecutionInput');
    expect(await outcome(detail.send(start))).toBe('AccessDeniedException');
  });
});
