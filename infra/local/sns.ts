/**
 * A local SNS endpoint for the local cloud. The installed @aws-sdk/client-sns (3.11xx) speaks the AWS
 * Query protocol (AwsQueryProtocol: form-encoded POST `Action=…&Version=2010-03-31`, XML answers in
 * the SNS namespace, errors as <ErrorResponse>), so that is what this server speaks; handlers use the
 * real SNSClient with AWS_ENDPOINT_URL_SNS pointing here and never know.
 *
 * SMS are not sent: they land in an outbox (memory, plus a JSON-lines file when `outboxFile` is given,
 * read back at start so a developer's outbox survives restarts). Topic messages fan out to `sms`
 * subscriptions as SMS and, once per publish, to the `onTopicMessage` hook, which the local cloud
 * uses to deliver to the other protocols (email, http, lambda, sqs …).
 *
 * Not modelled: signatures (any credentials are accepted), confirmation of email/http subscriptions
 * (all are confirmed at once), filter policies (refused loudly rather than ignored), mobile push,
 * FIFO deduplication. Topics and subscriptions live in memory: the local cloud recreates them from
 * infra/resources.ts at every start.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { appendFile, mkdir } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { ACCOUNT, partitionOf, REGION } from './names.ts';

export interface SmsRecord {
  id: string;
  phoneNumber: string;
  message: string;
  smsType?: string;
  senderId?: string;
  at: string;
  topicArn?: string;
  /** The Publish call's MessageId (equals `id` for a direct SMS; shared by a topic's fan-out). */
  messageId?: string;
}

export interface LocalSns {
  endpoint: string;
  outbox(): SmsRecord[];
  stop(): Promise<void>;
}

export interface StartSnsOptions {
  port?: number;
  region?: string;
  accountId?: string;
  outboxFile?: string;
  now?: () => number;
  onTopicMessage?: (
    topicArn: string,
    message: string,
    attributes: Record<string, string>,
    subject?: string,
  ) => Promise<void> | void;
}

const XMLNS = 'http://sns.amazonaws.com/doc/2010-03-31/';
const MAX_BODY_BYTES = 1024 * 1024;
const MAX_MESSAGE_BYTES = 256 * 1024;
const MAX_SMS_CHARS = 1600;
const PAGE = 100;
const E164 = /^\+[1-9]\d{6,14}$/;
const PROTOCOLS = new Set([
  'sms',
  'email',
  'email-json',
  'http',
  'https',
  'lambda',
  'sqs',
  'application',
  'firehose',
]);
const SMS_ATTRIBUTES = new Set([
  'MonthlySpendLimit',
  'DeliveryStatusIAMRole',
  'DeliveryStatusSuccessSamplingRate',
  'DefaultSenderID',
  'DefaultSMSType',
  'UsageReportS3Bucket',
]);

class SnsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

const invalid = (message: string) => new SnsError('InvalidParameter', `Invalid parameter: ${message}`);
const notFound = (message: string) => new SnsError('NotFound', message, 404);

interface Topic {
  arn: string;
  name: string;
  attributes: Record<string, string>;
  tags: Map<string, string>;
  sequence: bigint;
}

interface Subscription {
  arn: string;
  topicArn: string;
  protocol: string;
  endpoint: string;
  attributes: Record<string, string>;
}

interface MessageAttribute {
  DataType: string;
  StringValue?: string;
  BinaryValue?: string;
}

// ---------------------------------------------------------------------------------------------
// Query-protocol input: flat `a.b.c=value` pairs read through small helpers.

type Params = Map<string, string>;

function sub(params: Params, prefix: string): Params {
  const out: Params = new Map();
  const p = `${prefix}.`;
  for (const [k, v] of params) if (k.startsWith(p)) out.set(k.slice(p.length), v);
  return out;
}

/** Indexes 1..n present under `<prefix>.<kind>.N` (member for lists, entry for maps), in order. */
function indexes(params: Params, kind: 'member' | 'entry'): number[] {
  const found = new Set<number>();
  const re = new RegExp(`^${kind}\\.(\\d+)(?:\\.|$)`);
  for (const k of params.keys()) {
    const m = re.exec(k);
    if (m) found.add(Number(m[1]));
  }
  return [...found].sort((a, b) => a - b);
}

function stringList(params: Params, prefix: string): string[] {
  const p = sub(params, prefix);
  return indexes(p, 'member').map((i) => p.get(`member.${i}`) ?? '');
}

function structList(params: Params, prefix: string): Params[] {
  const p = sub(params, prefix);
  return indexes(p, 'member').map((i) => sub(p, `member.${i}`));
}

function stringMap(params: Params, prefix: string): Record<string, string> {
  const p = sub(params, prefix);
  const out: Record<string, string> = {};
  for (const i of indexes(p, 'entry')) {
    const key = p.get(`entry.${i}.key`);
    if (key === undefined) throw invalid(`${prefix}: entry ${i} has no key`);
    out[key] = p.get(`entry.${i}.value`) ?? '';
  }
  return out;
}

function messageAttributes(params: Params, prefix: string): Record<string, MessageAttribute> {
  const p = sub(params, prefix);
  const out: Record<string, MessageAttribute> = {};
  for (const i of indexes(p, 'entry')) {
    const name = p.get(`entry.${i}.Name`);
    const dataType = p.get(`entry.${i}.Value.DataType`);
    if (!name) throw new SnsError('ParameterValueInvalid', 'The message attribute name must not be empty.');
    if (!dataType || !/^(String|String\.Array|Number|Binary)(\..+)?$/.test(dataType)) {
      throw new SnsError(
        'ParameterValueInvalid',
        `The message attribute '${name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.`,
      );
    }
    const attr: MessageAttribute = { DataType: dataType };
    const sv = p.get(`entry.${i}.Value.StringValue`);
    const bv = p.get(`entry.${i}.Value.BinaryValue`);
    if (sv !== undefined) attr.StringValue = sv;
    if (bv !== undefined) attr.BinaryValue = bv;
    if (sv === undefined && bv === undefined) {
      throw new SnsError(
        'ParameterValueInvalid',
        `The message attribute '${name}' must contain non-empty message attribute value.`,
      );
    }
    if (dataType.startsWith('Number') && !Number.isFinite(Number(sv))) {
      throw new SnsError(
        'ParameterValueInvalid',
        `Could not cast message attribute '${name}' value to number.`,
      );
    }
    out[name] = attr;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// XML output

function xmlText(value: string): string {
  return (
    value
      // Characters XML 1.0 cannot carry at all are dropped; \r is escaped so parsers keep it.
      // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/\r/g, '&#xD;')
  );
}

type Xml = string | number | boolean | undefined | Xml[] | { [k: string]: Xml };
/** A list of members. */
const members = (items: Xml[]): Xml => ({ $members: items });
/** A map in the Query protocol's <entry><key/><value/></entry> shape. */
const entries = (map: Record<string, string>): Xml => ({
  $members: Object.entries(map).map(([key, value]) => ({ key, value })),
  $tag: 'entry',
});

function toXml(value: Xml): string {
  if (value === undefined) return '';
  if (typeof value !== 'object') return xmlText(String(value));
  if (Array.isArray(value)) return value.map(toXml).join('');
  if ('$members' in value) {
    const tag = (value.$tag as string | undefined) ?? 'member';
    return (value.$members as Xml[]).map((m) => `<${tag}>${toXml(m)}</${tag}>`).join('');
  }
  return Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `<${k}>${toXml(v)}</${k}>`)
    .join('');
}

function responseXml(action: string, result: Xml | undefined, requestId: string): string {
  const body = result === undefined ? '' : `<${action}Result>${toXml(result)}</${action}Result>`;
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${XMLNS}">${body}` +
    `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`
  );
}

function errorXml(err: SnsError, requestId: string): string {
  const type = err.status >= 500 ? 'Receiver' : 'Sender';
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="${XMLNS}"><Error><Type>${type}</Type>` +
    `<Code>${xmlText(err.code)}</Code><Message>${xmlText(err.message)}</Message></Error>` +
    `<RequestId>${requestId}</RequestId></ErrorResponse>`
  );
}

// ---------------------------------------------------------------------------------------------

function readOutbox(file: string): SmsRecord[] {
  if (!existsSync(file)) return [];
  const records: SmsRecord[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      records.push(JSON.parse(line) as SmsRecord);
    } catch {
      // A torn last line after a crash: keep the rest of the outbox.
      console.warn(`[sns] skipping an unreadable outbox line in ${file}`);
    }
  }
  return records;
}

function pageToken(params: Params, total: number): number {
  const token = params.get('NextToken');
  if (token === undefined || token === '') return 0;
  const offset = Number(Buffer.from(token, 'base64url').toString('utf8'));
  if (!Number.isInteger(offset) || offset < 0 || offset > total) throw invalid('NextToken');
  return offset;
}

const nextToken = (offset: number, total: number) =>
  offset + PAGE < total ? Buffer.from(String(offset + PAGE)).toString('base64url') : undefined;

export async function startSns(opts: StartSnsOptions = {}): Promise<LocalSns> {
  const region = opts.region ?? REGION;
  const accountId = opts.accountId ?? ACCOUNT;
  const now = opts.now ?? Date.now;
  const topics = new Map<string, Topic>();
  const subscriptions = new Map<string, Subscription>();
  const smsAttributes: Record<string, string> = {};
  const outbox: SmsRecord[] = opts.outboxFile ? readOutbox(opts.outboxFile) : [];
  if (opts.outboxFile) await mkdir(dirname(opts.outboxFile), { recursive: true });
  let writes: Promise<void> = Promise.resolve();

  async function record(sms: SmsRecord): Promise<void> {
    outbox.push(sms);
    if (!opts.outboxFile) return;
    const file = opts.outboxFile;
    // Appends are chained so lines never interleave; the caller waits so "sent" means "on disk".
    // A failed append fails this publish (InternalError) but not the ones after it.
    writes = writes.catch(() => {}).then(() => appendFile(file, `${JSON.stringify(sms)}\n`, 'utf8'));
    await writes;
  }

  const topicArnOf = (name: string) => `arn:${partitionOf(region)}:sns:${region}:${accountId}:${name}`;

  function topicOf(arn: string | undefined, param = 'TopicArn'): Topic {
    if (!arn) throw invalid(`${param} Reason: no value for required parameter`);
    const topic = topics.get(arn);
    if (!topic) throw notFound('Topic does not exist');
    return topic;
  }

  function required(params: Params, name: string): string {
    const v = params.get(name);
    if (v === undefined || v === '') throw invalid(`${name} Reason: no value for required parameter`);
    return v;
  }

  function checkPhone(phone: string): void {
    if (!E164.test(phone)) {
      throw invalid(
        `PhoneNumber Reason: ${phone} is not valid to publish to (E.164 format required, e.g. +8613800000000)`,
      );
    }
  }

  function smsMeta(attrs: Record<string, MessageAttribute>) {
    const smsType = attrs['AWS.SNS.SMS.SMSType']?.StringValue ?? smsAttributes.DefaultSMSType;
    const senderId = attrs['AWS.SNS.SMS.SenderID']?.StringValue ?? smsAttributes.DefaultSenderID;
    if (smsType !== undefined && smsType !== 'Transactional' && smsType !== 'Promotional') {
      throw new SnsError(
        'ParameterValueInvalid',
        `Value ${smsType} for AWS.SNS.SMS.SMSType is not valid (Transactional or Promotional).`,
      );
    }
    if (senderId !== undefined && !/^(?=.*[A-Za-z])[A-Za-z0-9-]{1,11}$/.test(senderId)) {
      throw new SnsError('ParameterValueInvalid', `Value ${senderId} for AWS.SNS.SMS.SenderID is not valid.`);
    }
    return { smsType, senderId };
  }

  /** The text one protocol receives: with MessageStructure=json, its own key or "default". */
  function textFor(message: string, structured: boolean, protocol: string): string {
    if (!structured) return message;
    const parsed = JSON.parse(message) as Record<string, unknown>;
    const v = parsed[protocol] ?? parsed.default;
    return typeof v === 'string' ? v : String(v);
  }

  interface PublishInput {
    message: string | undefined;
    subject?: string;
    structure?: string;
    attributes: Record<string, MessageAttribute>;
    groupId?: string;
  }

  function checkMessage(input: PublishInput): { message: string; structured: boolean } {
    const { message, subject, structure } = input;
    if (message === undefined || message === '') throw invalid('Empty message');
    if (Buffer.byteLength(message, 'utf8') > MAX_MESSAGE_BYTES) throw invalid('Message too long');
    if (subject !== undefined && (subject.length === 0 || subject.length > 100 || /[\r\n]/.test(subject))) {
      throw invalid('Subject');
    }
    if (structure !== undefined && structure !== 'json') throw invalid('MessageStructure');
    if (structure === 'json') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(message);
      } catch {
        throw invalid('Message Structure - JSON message body failed to parse');
      }
      if (
        !parsed ||
        typeof parsed !== 'object' ||
        typeof (parsed as { default?: unknown }).default !== 'string'
      ) {
        throw invalid('Message Structure - No default entry in JSON message body');
      }
    }
    return { message, structured: structure === 'json' };
  }

  /** Validate first, then deliver: a rejected publish leaves no trace. Returns MessageId (+ FIFO sequence). */
  async function publish(
    target: { phone?: string; topic?: Topic },
    input: PublishInput,
  ): Promise<{ messageId: string; sequenceNumber?: string }> {
    const { message, structured } = checkMessage(input);
    const meta = smsMeta(input.attributes);
    const messageId = randomUUID();
    const at = new Date(now()).toISOString();

    if (target.phone !== undefined) {
      checkPhone(target.phone);
      const text = textFor(message, structured, 'sms');
      if ([...text].length > MAX_SMS_CHARS)
        throw invalid(`Message too long for SMS (max ${MAX_SMS_CHARS} characters)`);
      await record({
        id: messageId,
        messageId,
        phoneNumber: target.phone,
        message: text,
        ...defined(meta),
        at,
      });
      return { messageId };
    }

    const topic = target.topic!;
    let sequenceNumber: string | undefined;
    if (topic.attributes.FifoTopic === 'true') {
      if (!input.groupId) throw invalid('The MessageGroupId parameter is required for FIFO topics');
      topic.sequence += 1n;
      sequenceNumber = topic.sequence.toString().padStart(20, '0');
    }
    for (const s of subscriptions.values()) {
      if (s.topicArn !== topic.arn || s.protocol !== 'sms') continue;
      const text = textFor(message, structured, 'sms');
      if ([...text].length > MAX_SMS_CHARS) {
        // SNS drops such a delivery (the publish itself succeeded); say so where a developer looks.
        console.warn(
          `[sns] SMS to ${s.endpoint} from ${topic.name} dropped: longer than ${MAX_SMS_CHARS} characters`,
        );
        continue;
      }
      await record({
        id: randomUUID(),
        messageId,
        phoneNumber: s.endpoint,
        message: text,
        ...defined(meta),
        at,
        topicArn: topic.arn,
      });
    }
    if (opts.onTopicMessage) {
      const flat: Record<string, string> = {};
      for (const [k, v] of Object.entries(input.attributes)) flat[k] = v.StringValue ?? v.BinaryValue ?? '';
      try {
        await opts.onTopicMessage(topic.arn, message, flat, input.subject);
      } catch (err) {
        // Delivery failures do not fail a publish in SNS either; make them visible instead.
        console.error(`[sns] delivery hook failed for ${topic.arn}:`, err);
      }
    }
    return { messageId, sequenceNumber };
  }

  function publishInput(p: Params): PublishInput {
    return {
      message: p.get('Message'),
      subject: p.get('Subject'),
      structure: p.get('MessageStructure') || undefined,
      attributes: messageAttributes(p, 'MessageAttributes'),
      groupId: p.get('MessageGroupId'),
    };
  }

  function topicAttributes(topic: Topic): Record<string, string> {
    const count = [...subscriptions.values()].filter((s) => s.topicArn === topic.arn).length;
    return {
      TopicArn: topic.arn,
      Owner: accountId,
      DisplayName: '',
      Policy: JSON.stringify({
        Version: '2008-10-17',
        Id: '__default_policy_ID',
        Statement: [
          {
            Sid: '__default_statement_ID',
            Effect: 'Allow',
            Principal: { AWS: '*' },
            Action: ['SNS:Publish', 'SNS:Subscribe', 'SNS:GetTopicAttributes'],
            Resource: topic.arn,
            Condition: { StringEquals: { 'AWS:SourceOwner': accountId } },
          },
        ],
      }),
      EffectiveDeliveryPolicy: JSON.stringify({
        http: { defaultHealthyRetryPolicy: { numRetries: 3, minDelayTarget: 20, maxDelayTarget: 20 } },
      }),
      ...topic.attributes,
      SubscriptionsConfirmed: String(count),
      SubscriptionsPending: '0',
      SubscriptionsDeleted: '0',
    };
  }

  function checkSubscriptionAttributes(attrs: Record<string, string>): void {
    for (const name of Object.keys(attrs)) {
      if (name === 'FilterPolicy' || name === 'FilterPolicyScope') {
        // Silently delivering everything would make a filter look like it works; refuse instead.
        throw invalid(`Attributes Reason: ${name} is not supported by the local SNS endpoint`);
      }
    }
  }

  function subscriptionXml(s: Subscription): Xml {
    return {
      SubscriptionArn: s.arn,
      Owner: accountId,
      Protocol: s.protocol,
      Endpoint: s.endpoint,
      TopicArn: s.topicArn,
    };
  }

  function resourceTags(arn: string | undefined): Map<string, string> {
    if (!arn) throw invalid('ResourceArn Reason: no value for required parameter');
    const topic = topics.get(arn);
    if (!topic) throw new SnsError('ResourceNotFound', 'Resource does not exist', 404);
    return topic.tags;
  }

  const actions: Record<string, (p: Params) => Promise<Xml | undefined> | Xml | undefined> = {
    CreateTopic(p) {
      const name = required(p, 'Name');
      const attributes = stringMap(p, 'Attributes');
      const fifo = name.endsWith('.fifo');
      if (!/^[A-Za-z0-9_-]{1,256}$/.test(fifo ? name.slice(0, -5) : name)) {
        throw invalid(
          'Topic Name Reason: must be 1-256 characters of letters, digits, - and _ (.fifo suffix for FIFO)',
        );
      }
      if (fifo !== (attributes.FifoTopic === 'true')) {
        throw invalid(
          'Fifo Topic names must end with .fifo and they must have FifoTopic attribute set to true',
        );
      }
      const arn = topicArnOf(name);
      const existing = topics.get(arn);
      // Idempotent by name, as in SNS.
      if (existing) return { TopicArn: existing.arn };
      const tags = new Map(structList(p, 'Tags').map((t) => [t.get('Key') ?? '', t.get('Value') ?? '']));
      topics.set(arn, { arn, name, attributes, tags, sequence: 0n });
      return { TopicArn: arn };
    },

    DeleteTopic(p) {
      const arn = required(p, 'TopicArn');
      // Deleting a missing topic is not an error in SNS.
      topics.delete(arn);
      for (const [k, s] of subscriptions) if (s.topicArn === arn) subscriptions.delete(k);
      return undefined;
    },

    ListTopics(p) {
      const all = [...topics.values()];
      const offset = pageToken(p, all.length);
      return {
        Topics: members(all.slice(offset, offset + PAGE).map((t) => ({ TopicArn: t.arn }))),
        NextToken: nextToken(offset, all.length),
      };
    },

    GetTopicAttributes(p) {
      return { Attributes: entries(topicAttributes(topicOf(p.get('TopicArn')))) };
    },

    SetTopicAttributes(p) {
      const topic = topicOf(p.get('TopicArn'));
      const name = required(p, 'AttributeName');
      if (name === 'FifoTopic') throw invalid('AttributeName Reason: FifoTopic cannot be changed');
      topic.attributes[name] = p.get('AttributeValue') ?? '';
      return undefined;
    },

    Subscribe(p) {
      const topic = topicOf(p.get('TopicArn'));
      const protocol = required(p, 'Protocol');
      if (!PROTOCOLS.has(protocol)) throw invalid(`Invalid protocol type: ${protocol}`);
      const endpoint = required(p, 'Endpoint');
      if (protocol === 'sms' && !E164.test(endpoint)) {
        throw invalid(`SMS endpoint Reason: ${endpoint} is not an E.164 phone number (e.g. +8613800000000)`);
      }
      if ((protocol === 'email' || protocol === 'email-json') && !/^[^@\s]+@[^@\s]+$/.test(endpoint)) {
        throw invalid('Email address');
      }
      if ((protocol === 'http' || protocol === 'https') && !endpoint.startsWith(`${protocol}://`)) {
        throw invalid(`Endpoint Reason: must start with ${protocol}://`);
      }
      const attributes = stringMap(p, 'Attributes');
      checkSubscriptionAttributes(attributes);
      for (const s of subscriptions.values()) {
        if (s.topicArn === topic.arn && s.protocol === protocol && s.endpoint === endpoint) {
          return { SubscriptionArn: s.arn };
        }
      }
      const arn = `${topic.arn}:${randomUUID()}`;
      subscriptions.set(arn, { arn, topicArn: topic.arn, protocol, endpoint, attributes });
      return { SubscriptionArn: arn };
    },

    Unsubscribe(p) {
      const arn = required(p, 'SubscriptionArn');
      if (!subscriptions.delete(arn)) throw notFound('Subscription does not exist');
      return undefined;
    },

    GetSubscriptionAttributes(p) {
      const s = subscriptions.get(required(p, 'SubscriptionArn'));
      if (!s) throw notFound('Subscription does not exist');
      return {
        Attributes: entries({
          SubscriptionArn: s.arn,
          TopicArn: s.topicArn,
          Protocol: s.protocol,
          Endpoint: s.endpoint,
          Owner: accountId,
          ConfirmationWasAuthenticated: 'true',
          PendingConfirmation: 'false',
          RawMessageDelivery: 'false',
          ...s.attributes,
        }),
      };
    },

    SetSubscriptionAttributes(p) {
      const s = subscriptions.get(required(p, 'SubscriptionArn'));
      if (!s) throw notFound('Subscription does not exist');
      const name = required(p, 'AttributeName');
      checkSubscriptionAttributes({ [name]: '' });
      s.attributes[name] = p.get('AttributeValue') ?? '';
      return undefined;
    },

    ListSubscriptions(p) {
      const all = [...subscriptions.values()];
      const offset = pageToken(p, all.length);
      return {
        Subscriptions: members(all.slice(offset, offset + PAGE).map(subscriptionXml)),
        NextToken: nextToken(offset, all.length),
      };
    },

    ListSubscriptionsByTopic(p) {
      const topic = topicOf(p.get('TopicArn'));
      const all = [...subscriptions.values()].filter((s) => s.topicArn === topic.arn);
      const offset = pageToken(p, all.length);
      return {
        Subscriptions: members(all.slice(offset, offset + PAGE).map(subscriptionXml)),
        NextToken: nextToken(offset, all.length),
      };
    },

    async Publish(p) {
      const phone = p.get('PhoneNumber') || undefined;
      const topicArn = p.get('TopicArn') || undefined;
      const targetArn = p.get('TargetArn') || undefined;
      const given = [phone, topicArn, targetArn].filter((v) => v !== undefined).length;
      if (given === 0) throw invalid('TopicArn or TargetArn Reason: no value for required parameter');
      if (given > 1) throw invalid('Only one of TopicArn, TargetArn or PhoneNumber may be given');
      const input = publishInput(p);
      if (phone !== undefined) {
        const { messageId } = await publish({ phone }, input);
        return { MessageId: messageId };
      }
      const arn = (topicArn ?? targetArn)!;
      if (!topics.has(arn) && targetArn) throw notFound('Target does not exist');
      const r = await publish({ topic: topicOf(arn) }, input);
      return { MessageId: r.messageId, SequenceNumber: r.sequenceNumber };
    },

    async PublishBatch(p) {
      const topic = topicOf(p.get('TopicArn'));
      const batch = structList(p, 'PublishBatchRequestEntries');
      if (batch.length === 0)
        throw new SnsError('EmptyBatchRequest', 'The batch request does not contain any entries.');
      if (batch.length > 10) {
        throw new SnsError(
          'TooManyEntriesInBatchRequest',
          'The batch request contains more entries than permissible.',
        );
      }
      const ids = batch.map((e) => e.get('Id') ?? '');
      if (new Set(ids).size !== ids.length) {
        throw new SnsError(
          'BatchEntryIdsNotDistinct',
          'Two or more batch entries in the request have the same Id.',
        );
      }
      for (const id of ids) {
        if (!/^[A-Za-z0-9_-]{1,80}$/.test(id))
          throw new SnsError('InvalidBatchEntryId', `The Id of a batch entry is invalid: ${id}`);
      }
      const total = batch.reduce((n, e) => n + Buffer.byteLength(e.get('Message') ?? '', 'utf8'), 0);
      if (total > MAX_MESSAGE_BYTES) {
        throw new SnsError(
          'BatchRequestTooLong',
          'The length of all the messages put together is more than the limit.',
        );
      }
      const successful: Xml[] = [];
      const failed: Xml[] = [];
      for (const [i, e] of batch.entries()) {
        try {
          const r = await publish({ topic }, publishInput(e));
          successful.push({ Id: ids[i], MessageId: r.messageId, SequenceNumber: r.sequenceNumber });
        } catch (err) {
          if (!(err instanceof SnsError)) throw err;
          failed.push({ Id: ids[i], Code: err.code, Message: err.message, SenderFault: true });
        }
      }
      return { Successful: members(successful), Failed: members(failed) };
    },

    SetSMSAttributes(p) {
      const attrs = stringMap(p, 'attributes');
      for (const [k, v] of Object.entries(attrs)) {
        if (!SMS_ATTRIBUTES.has(k)) throw invalid(`attributes Reason: ${k} is not a valid SMS attribute`);
        if (k === 'DefaultSMSType' && v !== 'Transactional' && v !== 'Promotional') {
          throw invalid('DefaultSMSType Reason: must be Transactional or Promotional');
        }
      }
      Object.assign(smsAttributes, attrs);
      return {};
    },

    GetSMSAttributes(p) {
      const wanted = stringList(p, 'attributes');
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(smsAttributes))
        if (wanted.length === 0 || wanted.includes(k)) out[k] = v;
      return { attributes: entries(out) };
    },

    ListTagsForResource(p) {
      const tags = resourceTags(p.get('ResourceArn'));
      return { Tags: members([...tags].map(([Key, Value]) => ({ Key, Value }))) };
    },

    TagResource(p) {
      const tags = resourceTags(p.get('ResourceArn'));
      for (const t of structList(p, 'Tags')) tags.set(t.get('Key') ?? '', t.get('Value') ?? '');
      return {};
    },

    UntagResource(p) {
      const tags = resourceTags(p.get('ResourceArn'));
      for (const k of stringList(p, 'TagKeys')) tags.delete(k);
      return {};
    },
  };

  function send(
    res: ServerResponse,
    status: number,
    body: string,
    requestId: string,
    type = 'text/xml',
  ): void {
    res.writeHead(status, {
      'content-type': `${type}; charset=utf-8`,
      'x-amzn-requestid': requestId,
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
  }

  async function readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY_BYTES) throw invalid('Request too large');
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    try {
      // A developer's view of the outbox (the dev page may read it too).
      if (req.method === 'GET' && req.url?.split('?')[0] === '/_local/outbox') {
        send(res, 200, JSON.stringify(outbox), requestId, 'application/json');
        return;
      }
      if (req.method !== 'POST')
        throw new SnsError('InvalidAction', 'The SNS endpoint only accepts POST requests.');
      const contentType = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
      const body = await readBody(req);
      if (contentType !== 'application/x-www-form-urlencoded') {
        throw new SnsError(
          'InvalidAction',
          'This endpoint speaks the SNS Query protocol (form-encoded bodies).',
        );
      }
      const params: Params = new Map(new URLSearchParams(body));
      const action = params.get('Action') ?? '';
      const run = Object.hasOwn(actions, action) ? actions[action] : undefined;
      if (!run)
        throw new SnsError(
          'InvalidAction',
          `The action ${action || '(none)'} is not valid for this endpoint.`,
        );
      const version = params.get('Version');
      if (version !== undefined && version !== '2010-03-31') {
        throw new SnsError('InvalidParameter', `Invalid parameter: Version ${version}`);
      }
      const result = await run(params);
      send(res, 200, responseXml(action, result, requestId), requestId);
    } catch (err) {
      if (!(err instanceof SnsError)) console.error('[sns] internal error:', err);
      const e = err instanceof SnsError ? err : new SnsError('InternalError', 'Internal error', 500);
      send(res, e.status, errorXml(e, requestId), requestId);
    }
  }

  const server = createServer((req, res) => {
    void handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    outbox: () => outbox.map((r) => ({ ...r })),
    async stop() {
      await new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
      await writes.catch(() => {});
    },
  };
}

/** Drop undefined fields so records stay compact in the JSON-lines file. */
function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
