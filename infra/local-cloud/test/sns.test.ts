import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateTopicCommand,
  ListTopicsCommand,
  PublishBatchCommand,
  PublishCommand,
  SNSClient,
  type SNSServiceException,
  SubscribeCommand,
} from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessPolicy } from '../src/iam.ts';
import { type LocalSns, startSns, type TopicMessage } from '../src/sns.ts';

const dir = mkdtempSync(join(tmpdir(), 'local-cloud-sns-test-'));
const outboxFile = join(dir, 'nested', 'outbox.jsonl');
const T0 = Date.parse('2026-03-02T02:00:00.000Z');
let clock = T0;
const delivered: TopicMessage[] = [];

let sns: LocalSns;
let client: SNSClient;

const clientFor = (endpoint: string, accessKeyId = 'local') =>
  new SNSClient({
    endpoint,
    region: 'cn-north-1',
    credentials: { accessKeyId, secretAccessKey: 'local' },
    maxAttempts: 1,
  });

/** `alerts-fn` may publish to the alerts topic only; `sms-fn` may send SMS (sns:Publish on *). */
const policy = new AccessPolicy({
  'alerts-fn': [
    { actions: ['sns:Publish'], resources: ['arn:aws-cn:sns:cn-north-1:000000000000:platform-alerts'] },
  ],
  'sms-fn': [{ actions: ['sns:Publish'], resources: ['*'] }],
  'no-grants-fn': [],
});

async function start() {
  sns = await startSns({
    outboxFile,
    now: () => clock,
    policy,
    onTopicMessage: (m) => {
      delivered.push(m);
    },
  });
  client = clientFor(sns.endpoint);
}

/** The SDK error of a failing call (fails the test if the call succeeds). */
async function failure(p: Promise<unknown>): Promise<SNSServiceException> {
  try {
    await p;
  } catch (err) {
    return err as SNSServiceException;
  }
  throw new Error('expected the call to fail');
}

beforeAll(start);
afterAll(async () => {
  client?.destroy();
  await sns?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('local SNS through the real SNSClient', () => {
  let topicArn: string;

  it('creates topics idempotently by name', async () => {
    const a = await client.send(new CreateTopicCommand({ Name: 'platform-alerts' }));
    const b = await client.send(new CreateTopicCommand({ Name: 'platform-alerts' }));
    expect(a.TopicArn).toBe('arn:aws-cn:sns:cn-north-1:000000000000:platform-alerts');
    expect(b.TopicArn).toBe(a.TopicArn);
    topicArn = a.TopicArn!;
    expect((await failure(client.send(new CreateTopicCommand({ Name: 'bad name' })))).name).toBe(
      'InvalidParameterException',
    );
    expect((await failure(client.send(new CreateTopicCommand({ Name: 'events.fifo' })))).name).toBe(
      'InvalidParameterException',
    );
  });

  it('records a direct SMS with its type and sender ID', async () => {
    const r = await client.send(
      new PublishCommand({
        PhoneNumber: '+8613855556789',
        Message: '【亳州市网上办事大厅】您的办件已受理，查询码 8K2Q。& <ok>',
        MessageAttributes: {
          'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
          'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: 'BozhouHall' },
        },
      }),
    );
    expect(r.MessageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(sns.outbox().at(-1)).toEqual({
      id: r.MessageId,
      messageId: r.MessageId,
      phoneNumber: '+8613855556789',
      message: '【亳州市网上办事大厅】您的办件已受理，查询码 8K2Q。& <ok>',
      smsType: 'Transactional',
      senderId: 'BozhouHall',
      at: new Date(T0).toISOString(),
    });
  });

  it('hands a topic message to the delivery hook, once, with subject and attributes', async () => {
    clock = T0 + 60_000;
    const before = sns.outbox().length;
    const r = await client.send(
      new PublishCommand({
        TopicArn: topicArn,
        Subject: '超期预警',
        Message: '办件 2026-0001 已超期',
        MessageAttributes: {
          severity: { DataType: 'String', StringValue: 'red' },
          count: { DataType: 'Number', StringValue: '3' },
        },
      }),
    );
    expect(sns.outbox().length).toBe(before); // a topic message is not an SMS
    expect(delivered.at(-1)).toEqual({
      messageId: r.MessageId,
      topicArn,
      message: '办件 2026-0001 已超期',
      attributes: { severity: 'red', count: '3' },
      subject: '超期预警',
      at: new Date(T0 + 60_000).toISOString(),
    });
  });

  it('rejects phone numbers that are not E.164, too-long SMS, and leaves no record', async () => {
    const before = sns.outbox().length;
    for (const phone of ['13800000000', '+86 138 0000 0000', '+0861380000', 'abc']) {
      const err = await failure(client.send(new PublishCommand({ PhoneNumber: phone, Message: 'x' })));
      expect(err.name, phone).toBe('InvalidParameterException');
      expect(err.$metadata.httpStatusCode).toBe(400);
      expect(err.message).toMatch(/E\.164/);
    }
    const tooLong = await failure(
      client.send(new PublishCommand({ PhoneNumber: '+8613800000000', Message: '长'.repeat(1601) })),
    );
    expect(tooLong.name).toBe('InvalidParameterException');
    expect(
      (await failure(client.send(new PublishCommand({ PhoneNumber: '+8613800000000', Message: '' })))).name,
    ).toBe('InvalidParameterException');
    const badType = await failure(
      client.send(
        new PublishCommand({
          PhoneNumber: '+8613800000000',
          Message: 'x',
          MessageAttributes: { 'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Urgent' } },
        }),
      ),
    );
    expect(badType.name).toBe('InvalidParameterValueException');
    expect(sns.outbox().length).toBe(before);
    // Exactly 1600 characters is allowed.
    await client.send(new PublishCommand({ PhoneNumber: '+8613800000000', Message: '长'.repeat(1600) }));
    expect(sns.outbox().length).toBe(before + 1);
  });

  it('answers NotFound (404) for an unknown topic', async () => {
    const missing = 'arn:aws-cn:sns:cn-north-1:000000000000:nope';
    const err = await failure(client.send(new PublishCommand({ TopicArn: missing, Message: 'x' })));
    expect(err.name).toBe('NotFoundException');
    expect(err.$metadata.httpStatusCode).toBe(404);
  });

  it('refuses what it does not model rather than pretending', async () => {
    const json = await failure(
      client.send(
        new PublishCommand({ TopicArn: topicArn, MessageStructure: 'json', Message: '{"default":"x"}' }),
      ),
    );
    expect(json.name).toBe('InvalidParameterException');
    for (const call of [
      () =>
        client.send(
          new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sms', Endpoint: '+8613800000000' }),
        ),
      () => client.send(new ListTopicsCommand({})),
      () =>
        client.send(
          new PublishBatchCommand({
            TopicArn: topicArn,
            PublishBatchRequestEntries: [{ Id: 'a', Message: 'x' }],
          }),
        ),
    ]) {
      const err = await failure(call());
      expect(err.name).toBe('InvalidAction');
      expect(err.$metadata.httpStatusCode).toBe(400);
    }
  });

  it('answers an unknown action or a non-Query request with an XML error', async () => {
    const res = await fetch(sns.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=Frobnicate&Version=2010-03-31',
    });
    expect(res.status).toBe(400);
    const xml = await res.text();
    expect(xml).toContain('<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">');
    expect(xml).toMatch(
      /<Error><Type>Sender<\/Type><Code>InvalidAction<\/Code><Message>[^<]+<\/Message><\/Error><RequestId>[0-9a-f-]{36}<\/RequestId>/,
    );
    const json = await fetch(sns.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'AmazonSimpleNotificationService.Publish',
      },
      body: '{}',
    });
    expect(json.status).toBe(400);
    expect(await json.text()).toContain('<Code>InvalidAction</Code>');
  });

  it("checks a governed caller's grants like IAM: AuthorizationError (403) and no trace", async () => {
    const alertsFn = clientFor(sns.endpoint, 'alerts-fn');
    const smsFn = clientFor(sns.endpoint, 'sms-fn');
    const nothing = clientFor(sns.endpoint, 'no-grants-fn');
    try {
      const hooked = delivered.length;
      await alertsFn.send(new PublishCommand({ TopicArn: topicArn, Message: '黄牌预警' }));
      expect(delivered.length).toBe(hooked + 1);
      const before = sns.outbox().length;
      const sms = await failure(
        alertsFn.send(new PublishCommand({ PhoneNumber: '+8613800000000', Message: 'x' })),
      );
      expect(sms.name).toBe('AuthorizationErrorException');
      expect(sms.$metadata.httpStatusCode).toBe(403);
      expect(sms.message).toBe(
        'User: arn:aws-cn:sts::000000000000:assumed-role/alerts-fn/alerts-fn is not authorized to perform: ' +
          'sns:Publish on resource: * because no identity-based policy allows the sns:Publish action',
      );
      expect(sns.outbox().length).toBe(before);
      await smsFn.send(new PublishCommand({ PhoneNumber: '+8613800000000', Message: '验证码 123456' }));
      expect(sns.outbox().length).toBe(before + 1);
      // sns:Publish on * covers topics too, as in IAM.
      await smsFn.send(new PublishCommand({ TopicArn: topicArn, Message: 'x' }));
      for (const call of [
        () => nothing.send(new PublishCommand({ TopicArn: topicArn, Message: 'x' })),
        () => nothing.send(new CreateTopicCommand({ Name: 'mine' })),
      ])
        expect((await failure(call())).name).toBe('AuthorizationErrorException');
    } finally {
      for (const c of [alertsFn, smsFn, nothing]) c.destroy();
    }
  });

  it('persists the outbox across a restart when outboxFile is given', async () => {
    const before = sns.outbox();
    expect(before.length).toBeGreaterThanOrEqual(3);
    const lines = readFileSync(outboxFile, 'utf8').trim().split('\n');
    expect(lines.map((l) => JSON.parse(l))).toEqual(before);
    client.destroy();
    await sns.stop();
    await start();
    expect(sns.outbox()).toEqual(before);
    await client.send(new PublishCommand({ PhoneNumber: '+8613811112222', Message: '重启之后' }));
    expect(sns.outbox()).toHaveLength(before.length + 1);
    expect(readFileSync(outboxFile, 'utf8').trim().split('\n')).toHaveLength(before.length + 1);
    // Topics are not persisted: the local cloud creates them again at every start.
    expect((await failure(client.send(new PublishCommand({ TopicArn: topicArn, Message: 'x' })))).name).toBe(
      'NotFoundException',
    );
  });

  it('keeps memory-only outboxes separate', async () => {
    const mem = await startSns({});
    const c = clientFor(mem.endpoint);
    try {
      await c.send(new PublishCommand({ PhoneNumber: '+8613800000009', Message: '仅内存' }));
      expect(mem.outbox()).toHaveLength(1);
      expect(mem.outbox()[0].at).toMatch(/^\d{4}-\d\d-\d\dT/);
    } finally {
      c.destroy();
      await mem.stop();
    }
  });
});
