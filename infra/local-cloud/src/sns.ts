/**
 * A local SNS endpoint. The AWS SDK's SNSClient speaks the AWS Query protocol to SNS (form-encoded
 * POST `Action=…&Version=2010-03-31`, XML answers in the SNS namespace, errors as <ErrorResponse>),
 * so that is what this server speaks: clients use the real SNSClient with AWS_ENDPOINT_URL_SNS
 * pointing here and never know.
 *
 * Two actions, what an application that sends SMS and publishes to its own topics needs:
 * - `CreateTopic` (idempotent by name), to create the topics at start, as CloudFormation would;
 * - `Publish` to a phone number (an SMS) or to a topic, with Subject and MessageAttributes.
 * Every other action answers `InvalidAction`.
 *
 * SMS are not sent: they land in an outbox (memory, plus a JSON-lines file when `outboxFile` is given,
 * read back at start so a developer's outbox survives restarts). A topic message goes, once per
 * publish, to the `onTopicMessage` hook: the application decides where its subscribers' copies land
 * (there is no Subscribe: subscriptions are the application's wiring, not API calls).
 *
 * With `policy`, a governed caller needs `sns:Publish` on the topic ARN (on `*` for an SMS) and
 * `sns:CreateTopic` on the topic's ARN, or gets SNS's `AuthorizationError` (403).
 *
 * Not modelled: signatures (any credentials are accepted), MessageStructure=json, FIFO topics,
 * topic attributes and tags. Topics live in memory: create them again at every start.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { appendFile, mkdir } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { type AccessPolicy, principalOf, type Request } from './iam.ts';
import { arns as arnsFor, DEFAULT_ACCOUNT, DEFAULT_REGION } from './names.ts';

export interface SmsRecord {
  id: string;
  phoneNumber: string;
  message: string;
  smsType?: string;
  senderId?: string;
  at: string;
  /** The Publish call's MessageId (equals `id`). */
  messageId?: string;
}

export interface TopicMessage {
  messageId: string;
  topicArn: string;
  message: string;
  /** Message attributes, flattened to their string (or base64 binary) values. */
  attributes: Record<string, string>;
  subject?: string;
  /** When it was published, on the `now` clock. */
  at: string;
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
  /** Each topic message, once per publish. A failing hook is logged; the publish still succeeds. */
  onTopicMessage?: (message: TopicMessage) => Promise<void> | void;
  /** Check governed callers' grants (see iam.ts). */
  policy?: AccessPolicy;
}

const XMLNS = 'http://sns.amazonaws.com/doc/2010-03-31/';
const MAX_BODY_BYTES = 1024 * 1024;
const MAX_MESSAGE_BYTES = 256 * 1024;
const MAX_SMS_CHARS = 1600;
const E164 = /^\+[1-9]\d{6,14}$/;

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

interface MessageAttribute {
  DataType: string;
  StringValue?: string;
  BinaryValue?: string;
}

// ---------------------------------------------------------------------------------------------
// Query-protocol input: flat `a.b.c=value` pairs.

type Params = Map<string, string>;

function sub(params: Params, prefix: string): Params {
  const out: Params = new Map();
  const p = `${prefix}.`;
  for (const [k, v] of params) if (k.startsWith(p)) out.set(k.slice(p.length), v);
  return out;
}

/** Indexes 1..n present under `entry.N`, in order. */
function entryIndexes(params: Params): number[] {
  const found = new Set<number>();
  for (const k of params.keys()) {
    const m = /^entry\.(\d+)(?:\.|$)/.exec(k);
    if (m) found.add(Number(m[1]));
  }
  return [...found].sort((a, b) => a - b);
}

function messageAttributes(params: Params, prefix: string): Record<string, MessageAttribute> {
  const p = sub(params, prefix);
  const out: Record<string, MessageAttribute> = {};
  for (const i of entryIndexes(p)) {
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

function responseXml(action: string, result: Record<string, string>, requestId: string): string {
  const fields = Object.entries(result)
    .map(([k, v]) => `<${k}>${xmlText(v)}</${k}>`)
    .join('');
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${XMLNS}">` +
    `<${action}Result>${fields}</${action}Result>` +
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

export async function startSns(opts: StartSnsOptions = {}): Promise<LocalSns> {
  const arns = arnsFor(opts.region ?? DEFAULT_REGION, opts.accountId ?? DEFAULT_ACCOUNT);
  const now = opts.now ?? Date.now;
  const topics = new Set<string>();
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

  function required(params: Params, name: string): string {
    const v = params.get(name);
    if (v === undefined || v === '') throw invalid(`${name} Reason: no value for required parameter`);
    return v;
  }

  function smsMeta(attrs: Record<string, MessageAttribute>) {
    const smsType = attrs['AWS.SNS.SMS.SMSType']?.StringValue;
    const senderId = attrs['AWS.SNS.SMS.SenderID']?.StringValue;
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

  /** The IAM request of one call, checked before anything is validated or done. */
  function iamRequest(action: string, p: Params): Request | undefined {
    if (action === 'CreateTopic')
      return { action: 'sns:CreateTopic', resource: arns.topic(p.get('Name') ?? '') };
    if (action === 'Publish') {
      const topicArn = p.get('TopicArn');
      return { action: 'sns:Publish', resource: topicArn || '*' };
    }
    return undefined;
  }

  const actions: Record<string, (p: Params) => Promise<Record<string, string>> | Record<string, string>> = {
    CreateTopic(p) {
      const name = required(p, 'Name');
      if (name.endsWith('.fifo'))
        throw invalid('Topic Name Reason: FIFO topics are not supported by the local SNS endpoint');
      if (!/^[A-Za-z0-9_-]{1,256}$/.test(name)) {
        throw invalid('Topic Name Reason: must be 1-256 characters of letters, digits, - and _');
      }
      const arn = arns.topic(name);
      topics.add(arn); // idempotent by name, as in SNS
      return { TopicArn: arn };
    },

    async Publish(p) {
      const phone = p.get('PhoneNumber') || undefined;
      const topicArn = p.get('TopicArn') || undefined;
      if (p.get('TargetArn')) throw invalid('TargetArn Reason: not supported by the local SNS endpoint');
      if (!phone && !topicArn) throw invalid('TopicArn or TargetArn Reason: no value for required parameter');
      if (phone && topicArn) throw invalid('Only one of TopicArn, TargetArn or PhoneNumber may be given');
      if (p.get('MessageStructure'))
        throw invalid('MessageStructure Reason: not supported by the local SNS endpoint');
      const message = p.get('Message');
      const subject = p.get('Subject');
      // Validate everything first: a rejected publish leaves no trace.
      if (message === undefined || message === '') throw invalid('Empty message');
      if (Buffer.byteLength(message, 'utf8') > MAX_MESSAGE_BYTES) throw invalid('Message too long');
      if (subject !== undefined && (subject.length === 0 || subject.length > 100 || /[\r\n]/.test(subject))) {
        throw invalid('Subject');
      }
      const attributes = messageAttributes(p, 'MessageAttributes');
      const meta = smsMeta(attributes);
      const messageId = randomUUID();
      const at = new Date(now()).toISOString();

      if (phone) {
        if (!E164.test(phone)) {
          throw invalid(
            `PhoneNumber Reason: ${phone} is not valid to publish to (E.164 format required, e.g. +8613800000000)`,
          );
        }
        if ([...message].length > MAX_SMS_CHARS)
          throw invalid(`Message too long for SMS (max ${MAX_SMS_CHARS} characters)`);
        await record({ id: messageId, messageId, phoneNumber: phone, message, ...defined(meta), at });
        return { MessageId: messageId };
      }

      if (!topics.has(topicArn!)) throw new SnsError('NotFound', 'Topic does not exist', 404);
      if (opts.onTopicMessage) {
        const flat: Record<string, string> = {};
        for (const [k, v] of Object.entries(attributes)) flat[k] = v.StringValue ?? v.BinaryValue ?? '';
        try {
          await opts.onTopicMessage({
            messageId,
            topicArn: topicArn!,
            message,
            attributes: flat,
            ...(subject === undefined ? {} : { subject }),
            at,
          });
        } catch (err) {
          // Delivery failures do not fail a publish in SNS either; make them visible instead.
          console.error(`[sns] delivery hook failed for ${topicArn}:`, err);
        }
      }
      return { MessageId: messageId };
    },
  };

  function send(res: ServerResponse, status: number, body: string, requestId: string): void {
    res.writeHead(status, {
      'content-type': 'text/xml; charset=utf-8',
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
      const iam = iamRequest(action, params);
      const denial = iam && opts.policy?.denial(principalOf(req), [iam]);
      if (denial) throw new SnsError('AuthorizationError', denial, 403);
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
