import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateTopicCommand,
  DeleteTopicCommand,
  GetSMSAttributesCommand,
  GetSubscriptionAttributesCommand,
  GetTopicAttributesCommand,
  ListSubscriptionsByTopicCommand,
  ListSubscriptionsCommand,
  ListTagsForResourceCommand,
  ListTopicsCommand,
  PublishBatchCommand,
  PublishCommand,
  SetSMSAttributesCommand,
  SetTopicAttributesCommand,
  SNSClient,
  type SNSServiceException,
  SubscribeCommand,
  UnsubscribeCommand,
} from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalSns, startSns } from '#infra/local/sns.ts';

const dir = mkdtempSync(join(tmpdir(), 'hall-sns-test-'));
const outboxFile = join(dir, 'nested', 'outbox.jsonl');
const T0 = Date.parse('2026-03-02T02:00:00.000Z');
let clock = T0;
const delivered: {
  topicArn: string;
  message: string;
  attributes: Record<string, string>;
  subject?: string;
}[] = [];

let sns: LocalSns;
let client: SNSClient;

const clientFor = (endpoint: string) =>
  new SNSClient({
    endpoint,
    region: 'cn-north-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });

async function start() {
  sns = await startSns({
    outboxFile,
    now: () => clock,
    onTopicMessage: (topicArn, message, attributes, subject) => {
      delivered.push({ topicArn, message, attributes, subject });
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
  let smsSubscription: string;

  it('creates topics idempotently by name and lists them', async () => {
    const a = await client.send(
      new CreateTopicCommand({
        Name: 'platform-alerts',
        Attributes: { DisplayName: '监察' },
        Tags: [{ Key: 'hall', Value: 'city' }],
      }),
    );
    const b = await client.send(new CreateTopicCommand({ Name: 'platform-alerts' }));
    expect(a.TopicArn).toBe('arn:aws-cn:sns:cn-north-1:000000000000:platform-alerts');
    expect(b.TopicArn).toBe(a.TopicArn);
    topicArn = a.TopicArn!;
    const list = await client.send(new ListTopicsCommand({}));
    expect(list.Topics).toEqual([{ TopicArn: topicArn }]);
    const tags = await client.send(new ListTagsForResourceCommand({ ResourceArn: topicArn }));
    expect(tags.Tags).toEqual([{ Key: 'hall', Value: 'city' }]);
  });

  it('reads and sets topic attributes', async () => {
    await client.send(
      new SetTopicAttributesCommand({
        TopicArn: topicArn,
        AttributeName: 'DisplayName',
        AttributeValue: '电子监察',
      }),
    );
    const attrs = await client.send(new GetTopicAttributesCommand({ TopicArn: topicArn }));
    expect(attrs.Attributes).toMatchObject({
      TopicArn: topicArn,
      DisplayName: '电子监察',
      SubscriptionsConfirmed: '0',
    });
    expect(JSON.parse(attrs.Attributes!.Policy!).Statement[0].Resource).toBe(topicArn);
  });

  it('subscribes an sms endpoint and an email endpoint, idempotently', async () => {
    const s1 = await client.send(
      new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sms', Endpoint: '+8613800000001' }),
    );
    const again = await client.send(
      new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sms', Endpoint: '+8613800000001' }),
    );
    const s2 = await client.send(
      new SubscribeCommand({
        TopicArn: topicArn,
        Protocol: 'email',
        Endpoint: 'jiancha@example.gov.cn',
        ReturnSubscriptionArn: true,
      }),
    );
    expect(s1.SubscriptionArn).toMatch(new RegExp(`^${topicArn}:[0-9a-f-]{36}$`));
    expect(again.SubscriptionArn).toBe(s1.SubscriptionArn);
    smsSubscription = s1.SubscriptionArn!;
    const byTopic = await client.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }));
    expect(byTopic.Subscriptions?.map((s) => [s.Protocol, s.Endpoint, s.TopicArn])).toEqual([
      ['sms', '+8613800000001', topicArn],
      ['email', 'jiancha@example.gov.cn', topicArn],
    ]);
    expect((await client.send(new ListSubscriptionsCommand({}))).Subscriptions).toHaveLength(2);
    expect(s2.SubscriptionArn).not.toBe(s1.SubscriptionArn);
    const sa = await client.send(
      new GetSubscriptionAttributesCommand({ SubscriptionArn: s2.SubscriptionArn }),
    );
    expect(sa.Attributes).toMatchObject({ Protocol: 'email', PendingConfirmation: 'false' });
    const attrs = await client.send(new GetTopicAttributesCommand({ TopicArn: topicArn }));
    expect(attrs.Attributes?.SubscriptionsConfirmed).toBe('2');
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

  it('fans a topic message out to sms subscribers and to the delivery hook', async () => {
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
    const added = sns.outbox().slice(before);
    expect(added).toEqual([
      {
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        messageId: r.MessageId,
        phoneNumber: '+8613800000001',
        message: '办件 2026-0001 已超期',
        at: new Date(T0 + 60_000).toISOString(),
        topicArn,
      },
    ]);
    expect(delivered.at(-1)).toEqual({
      topicArn,
      message: '办件 2026-0001 已超期',
      attributes: { severity: 'red', count: '3' },
      subject: '超期预警',
    });
  });

  it('sends each protocol its own text with MessageStructure=json, and accepts TargetArn', async () => {
    await client.send(
      new PublishCommand({
        TargetArn: topicArn,
        MessageStructure: 'json',
        Message: JSON.stringify({ default: '详细内容', sms: '短信内容' }),
      }),
    );
    expect(sns.outbox().at(-1)?.message).toBe('短信内容');
    const err = await failure(
      client.send(
        new PublishCommand({ TopicArn: topicArn, MessageStructure: 'json', Message: '{"sms":"x"}' }),
      ),
    );
    expect(err.name).toBe('InvalidParameterException');
  });

  it('publishes a batch, reporting failed entries separately', async () => {
    const before = sns.outbox().length;
    const r = await client.send(
      new PublishBatchCommand({
        TopicArn: topicArn,
        PublishBatchRequestEntries: [
          { Id: 'a', Message: '第一条' },
          { Id: 'b', Message: '' },
          { Id: 'c', Message: '第三条' },
        ],
      }),
    );
    expect(r.Successful?.map((s) => s.Id)).toEqual(['a', 'c']);
    expect(r.Failed).toEqual([
      { Id: 'b', Code: 'InvalidParameter', Message: 'Invalid parameter: Empty message', SenderFault: true },
    ]);
    expect(
      sns
        .outbox()
        .slice(before)
        .map((s) => s.message),
    ).toEqual(['第一条', '第三条']);
    const dup = await failure(
      client.send(
        new PublishBatchCommand({
          TopicArn: topicArn,
          PublishBatchRequestEntries: [
            { Id: 'x', Message: '1' },
            { Id: 'x', Message: '2' },
          ],
        }),
      ),
    );
    expect(dup.name).toBe('BatchEntryIdsNotDistinctException');
    const many = Array.from({ length: 11 }, (_, i) => ({ Id: `m${i}`, Message: 'x' }));
    expect(
      (
        await failure(
          client.send(new PublishBatchCommand({ TopicArn: topicArn, PublishBatchRequestEntries: many })),
        )
      ).name,
    ).toBe('TooManyEntriesInBatchRequestException');
  });

  it('applies SMS defaults set with SetSMSAttributes', async () => {
    await client.send(
      new SetSMSAttributesCommand({
        attributes: { DefaultSMSType: 'Transactional', DefaultSenderID: 'Hall' },
      }),
    );
    const got = await client.send(new GetSMSAttributesCommand({ attributes: ['DefaultSMSType'] }));
    expect(got.attributes).toEqual({ DefaultSMSType: 'Transactional' });
    expect((await client.send(new GetSMSAttributesCommand({}))).attributes).toEqual({
      DefaultSMSType: 'Transactional',
      DefaultSenderID: 'Hall',
    });
    await client.send(new PublishCommand({ PhoneNumber: '+8613900000000', Message: '默认类型' }));
    expect(sns.outbox().at(-1)).toMatchObject({ smsType: 'Transactional', senderId: 'Hall' });
    const bad = await failure(
      client.send(new SetSMSAttributesCommand({ attributes: { DefaultSMSType: 'Urgent' } })),
    );
    expect(bad.name).toBe('InvalidParameterException');
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

  it('answers NotFound (404) for unknown topics and subscriptions', async () => {
    const missing = 'arn:aws-cn:sns:cn-north-1:000000000000:nope';
    for (const call of [
      client.send(new PublishCommand({ TopicArn: missing, Message: 'x' })),
      client.send(new SubscribeCommand({ TopicArn: missing, Protocol: 'sms', Endpoint: '+8613800000000' })),
      client.send(new GetTopicAttributesCommand({ TopicArn: missing })),
      client.send(new ListSubscriptionsByTopicCommand({ TopicArn: missing })),
      client.send(new UnsubscribeCommand({ SubscriptionArn: `${missing}:1` })),
    ]) {
      const err = await failure(call);
      expect(err.name).toBe('NotFoundException');
      expect(err.$metadata.httpStatusCode).toBe(404);
    }
  });

  it('validates subscriptions', async () => {
    const cases: [string, string][] = [
      ['sms', '13800000000'],
      ['carrier-pigeon', 'x'],
      ['email', 'not-an-address'],
      ['https', 'http://insecure.example'],
    ];
    for (const [Protocol, Endpoint] of cases) {
      const err = await failure(
        client.send(new SubscribeCommand({ TopicArn: topicArn, Protocol, Endpoint })),
      );
      expect(err.name, Protocol).toBe('InvalidParameterException');
    }
    const filter = await failure(
      client.send(
        new SubscribeCommand({
          TopicArn: topicArn,
          Protocol: 'sqs',
          Endpoint: 'arn:aws:sqs:x',
          Attributes: { FilterPolicy: '{}' },
        }),
      ),
    );
    expect(filter.message).toMatch(/FilterPolicy/);
  });

  it('stops sending to a number once unsubscribed', async () => {
    await client.send(new UnsubscribeCommand({ SubscriptionArn: smsSubscription }));
    const before = sns.outbox().length;
    const hookBefore = delivered.length;
    await client.send(new PublishCommand({ TopicArn: topicArn, Message: '无人接收短信' }));
    expect(sns.outbox().length).toBe(before);
    expect(delivered.length).toBe(hookBefore + 1); // the email subscriber still gets it through the hook
  });

  it('supports FIFO topics with a message group and sequence numbers', async () => {
    const { TopicArn } = await client.send(
      new CreateTopicCommand({ Name: 'events.fifo', Attributes: { FifoTopic: 'true' } }),
    );
    expect((await failure(client.send(new PublishCommand({ TopicArn, Message: 'x' })))).name).toBe(
      'InvalidParameterException',
    );
    const a = await client.send(
      new PublishCommand({ TopicArn, Message: 'x', MessageGroupId: 'g', MessageDeduplicationId: '1' }),
    );
    const b = await client.send(
      new PublishCommand({ TopicArn, Message: 'y', MessageGroupId: 'g', MessageDeduplicationId: '2' }),
    );
    expect(BigInt(b.SequenceNumber!)).toBe(BigInt(a.SequenceNumber!) + 1n);
    expect((await failure(client.send(new CreateTopicCommand({ Name: 'plain.fifo' })))).name).toBe(
      'InvalidParameterException',
    );
    expect((await failure(client.send(new CreateTopicCommand({ Name: 'bad name' })))).name).toBe(
      'InvalidParameterException',
    );
  });

  it('paginates ListTopics by 100', async () => {
    for (let i = 0; i < 120; i++) await client.send(new CreateTopicCommand({ Name: `bulk-${i}` }));
    const first = await client.send(new ListTopicsCommand({}));
    expect(first.Topics).toHaveLength(100);
    expect(first.NextToken).toBeTruthy();
    const second = await client.send(new ListTopicsCommand({ NextToken: first.NextToken }));
    expect(second.NextToken).toBeUndefined();
    const all = [...first.Topics!, ...second.Topics!].map((t) => t.TopicArn);
    expect(new Set(all).size).toBe(122);
  });

  it('deletes a topic with its subscriptions; deleting again is not an error', async () => {
    await client.send(new DeleteTopicCommand({ TopicArn: topicArn }));
    await client.send(new DeleteTopicCommand({ TopicArn: topicArn }));
    const subs = await client.send(new ListSubscriptionsCommand({}));
    expect(subs.Subscriptions?.filter((s) => s.TopicArn === topicArn)).toEqual([]);
    expect((await failure(client.send(new PublishCommand({ TopicArn: topicArn, Message: 'x' })))).name).toBe(
      'NotFoundException',
    );
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

  it('serves the outbox as JSON for the dev page', async () => {
    const res = await fetch(`${sns.endpoint}/_local/outbox`);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(await res.json()).toEqual(sns.outbox());
  });

  it('persists the outbox across a restart when outboxFile is given', async () => {
    const before = sns.outbox();
    expect(before.length).toBeGreaterThan(3);
    const lines = readFileSync(outboxFile, 'utf8').trim().split('\n');
    expect(lines.map((l) => JSON.parse(l))).toEqual(before);
    client.destroy();
    await sns.stop();
    await start();
    expect(sns.outbox()).toEqual(before);
    await client.send(new PublishCommand({ PhoneNumber: '+8613811112222', Message: '重启之后' }));
    expect(sns.outbox()).toHaveLength(before.length + 1);
    expect(readFileSync(outboxFile, 'utf8').trim().split('\n')).toHaveLength(before.length + 1);
    // Topics are not persisted: the local cloud recreates them from infra/resources.ts.
    expect((await client.send(new ListTopicsCommand({}))).Topics).toEqual([]);
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
