/**
 * IAM-like grants for the emulators: who may call what on which resource.
 *
 * A caller is known by the access key id its SDK signs with (the `Credential=` of a SigV4
 * Authorization header, or `X-Amz-Credential` of a presigned URL); the Lambda workers give each
 * function its own name as access key id, so a function is its own principal, as its execution role
 * is in AWS. A principal with statements in the policy may only do what a statement allows; a call
 * nothing allows fails the way AWS fails it (AccessDeniedException, SNS's AuthorizationError, S3's
 * AccessDenied). A principal without an entry (the local cloud's own clients, tests, scripts) is not
 * checked. Signatures are not verified. Only Allow statements exist: no Deny, no conditions, no
 * resource policies.
 *
 * Actions and resources are matched as IAM matches them: `*` and `?` wildcards; actions without
 * regard to case (`dynamodb:getitem` = `dynamodb:GetItem`), resources exactly.
 */
import {
  Agent,
  createServer,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Arns, arns as arnsFor } from './names.ts';

export interface Statement {
  /** e.g. `dynamodb:GetItem`, `sns:Publish`, `states:*`. */
  actions: string[];
  /** ARNs, with `*` / `?` wildcards; `*` alone is every resource. */
  resources: string[];
}

/** Principal (access key id) → what it may do. */
export type Policies = Record<string, Statement[]>;

/** One call as IAM sees it: the action and the resource it acts on (`*` when there is none). */
export interface Request {
  action: string;
  resource: string;
}

const globCache = new Map<string, RegExp>();
function glob(pattern: string, flags: string): RegExp {
  const key = `${flags}:${pattern}`;
  let re = globCache.get(key);
  if (!re) {
    const body = pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.');
    re = new RegExp(`^${body}$`, flags);
    globCache.set(key, re);
  }
  return re;
}

export function allows(statements: Statement[], { action, resource }: Request): boolean {
  return statements.some(
    (s) =>
      s.actions.some((a) => glob(a, 'i').test(action)) && s.resources.some((r) => glob(r, '').test(resource)),
  );
}

/** The access key id a request was signed with, if any. */
export function principalOf(req: Pick<IncomingMessage, 'headers' | 'url'>): string | undefined {
  const auth = req.headers.authorization;
  const fromHeader = typeof auth === 'string' ? /Credential=([^/,\s]+)\//.exec(auth)?.[1] : undefined;
  if (fromHeader) return fromHeader;
  const query = req.url?.includes('?')
    ? new URLSearchParams(req.url.slice(req.url.indexOf('?') + 1))
    : undefined;
  return query?.get('X-Amz-Credential')?.split('/')[0] || undefined;
}

export class AccessPolicy {
  readonly arns: Arns;

  constructor(
    private readonly policies: Policies,
    arns: Arns = arnsFor(),
  ) {
    this.arns = arns;
  }

  /** Whether calls of this principal are checked at all. */
  governs(principal: string | undefined): principal is string {
    return principal !== undefined && Object.hasOwn(this.policies, principal);
  }

  /** The first request of a call that the principal may not make, with AWS's wording; undefined if all may. */
  denial(principal: string | undefined, requests: Request[]): string | undefined {
    if (!this.governs(principal)) return undefined;
    const statements = this.policies[principal];
    const denied = requests.find((r) => !allows(statements, r));
    if (!denied) return undefined;
    const who = `arn:${this.arns.partition}:sts::${this.arns.account}:assumed-role/${principal}/${principal}`;
    return (
      `User: ${who} is not authorized to perform: ${denied.action} on resource: ${denied.resource} ` +
      `because no identity-based policy allows the ${denied.action} action`
    );
  }
}

// ---------------------------------------------------------------------------------------------
// DynamoDB: which actions on which tables and indexes a JSON 1.0 request needs.

type Json = Record<string, unknown>;

/** The IAM requests one DynamoDB API call makes (transactions and batches: one per item or table). */
export function dynamodbRequests(operation: string, body: Json, arns: Arns): Request[] {
  const table = (name: unknown) => (typeof name === 'string' ? arns.table(name) : '*');
  const keysOf = (v: unknown) => Object.keys((v ?? {}) as Json);
  switch (operation) {
    case 'Query':
    case 'Scan':
      return [
        {
          action: `dynamodb:${operation}`,
          resource:
            typeof body.IndexName === 'string'
              ? `${table(body.TableName)}/index/${body.IndexName}`
              : table(body.TableName),
        },
      ];
    case 'BatchGetItem':
    case 'BatchWriteItem':
      return keysOf(body.RequestItems).map((name) => ({
        action: `dynamodb:${operation}`,
        resource: table(name),
      }));
    case 'TransactGetItems':
      return ((body.TransactItems ?? []) as Json[]).map((item) => ({
        action: 'dynamodb:GetItem',
        resource: table((item.Get as Json | undefined)?.TableName),
      }));
    case 'TransactWriteItems': {
      const verbs: Record<string, string> = {
        Put: 'PutItem',
        Update: 'UpdateItem',
        Delete: 'DeleteItem',
        ConditionCheck: 'ConditionCheckItem',
      };
      return ((body.TransactItems ?? []) as Json[]).flatMap((item) =>
        Object.entries(item)
          .filter(([kind]) => kind in verbs)
          .map(([kind, op]) => ({
            action: `dynamodb:${verbs[kind]}`,
            resource: table((op as Json).TableName),
          })),
      );
    }
    default:
      return [
        {
          action: `dynamodb:${operation}`,
          resource: 'TableName' in body ? table(body.TableName) : '*',
        },
      ];
  }
}

const TABLE_WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);
const PARTIQL_WRITES = new Set(['ExecuteStatement', 'BatchExecuteStatement', 'ExecuteTransaction']);

/** The tables a DynamoDB call writes (`*` for PartiQL, whose statement names them); none for reads. */
export function writtenTables(operation: string, body: Buffer | undefined): string[] {
  if (PARTIQL_WRITES.has(operation)) return ['*'];
  if (!TABLE_WRITES.has(operation) || !body?.length) return [];
  let parsed: Json;
  try {
    parsed = JSON.parse(body.toString('utf8')) as Json;
  } catch {
    return [];
  }
  return [
    ...new Set(
      dynamodbRequests(operation, parsed, arnsFor())
        .map((r) => /:table\/([^/]+)$/.exec(r.resource)?.[1])
        .filter((t): t is string => t !== undefined),
    ),
  ];
}

// ---------------------------------------------------------------------------------------------
// S3: which action on which bucket or object a path-style request needs.

export function s3Request(method: string, url: string, arns: Arns): Request {
  const u = new URL(url, 'http://localhost');
  const [, bucket = '', ...rest] = u.pathname.split('/');
  const key = decodeURIComponent(rest.join('/'));
  if (!bucket) return { action: 's3:ListAllMyBuckets', resource: '*' };
  const bucketArn = arns.bucket(decodeURIComponent(bucket));
  if (!key) {
    const verb: Record<string, string> = {
      PUT: 'CreateBucket',
      DELETE: 'DeleteBucket',
      POST: 'DeleteObject',
    };
    return {
      action: `s3:${verb[method] ?? 'ListBucket'}`,
      resource: method === 'POST' ? `${bucketArn}/*` : bucketArn,
    };
  }
  const verb: Record<string, string> = { GET: 'GetObject', HEAD: 'GetObject', DELETE: 'DeleteObject' };
  return { action: `s3:${verb[method] ?? 'PutObject'}`, resource: `${bucketArn}/${key}` };
}

// ---------------------------------------------------------------------------------------------
// A small checking proxy in front of an emulator we do not own (DynamoDB Local, s3rver).

export interface Front {
  endpoint: string;
  stop(): Promise<void>;
}

interface FrontOptions {
  upstream: string;
  /** The IAM requests of one call, or undefined to let it through unchecked. */
  requests(req: IncomingMessage, body: Buffer | undefined): Request[] | undefined;
  deny(res: ServerResponse, message: string): void;
  /** Read the body before deciding (JSON APIs); otherwise the request streams through. */
  buffered: boolean;
  /** Change the request before it goes upstream (e.g. the credential an emulator knows). */
  rewrite?(
    headers: IncomingMessage['headers'],
    url: string,
  ): { headers: IncomingMessage['headers']; url: string };
  policy?: AccessPolicy;
  /** Called once upstream has answered a call (its status), e.g. to learn of writes. */
  answered?(req: IncomingMessage, body: Buffer | undefined, status: number): void;
  /** Answers a request itself, instead of upstream (resolves true when it did; e.g. S3's POST Object). */
  intercept?(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startFront(opts: FrontOptions): Promise<Front> {
  const upstream = new URL(opts.upstream);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const server: Server = createServer(async (req, res) => {
    try {
      if (await opts.intercept?.(req, res)) return;
      const body = opts.buffered ? await readAll(req) : undefined;
      const principal = principalOf(req);
      if (opts.policy?.governs(principal)) {
        const requests = opts.requests(req, body);
        const denial = requests && opts.policy.denial(principal, requests);
        if (denial) {
          opts.deny(res, denial);
          return;
        }
      }
      let headers: IncomingMessage['headers'] = { ...req.headers, host: upstream.host };
      let url = req.url ?? '/';
      if (opts.rewrite) ({ headers, url } = opts.rewrite(headers, url));
      if (body) headers['content-length'] = String(body.length);
      const out = request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: url, headers, agent },
        (answer) => {
          opts.answered?.(req, body, answer.statusCode ?? 502);
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      out.on('error', (err) => {
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`upstream failed: ${err.message}`);
      });
      if (body) out.end(body);
      else req.pipe(out);
    } catch (err) {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(err));
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
        agent.destroy();
      }),
  };
}

/**
 * DynamoDB's JSON 1.0 API, checked against the policy (if any). DynamoDB Local accepts only access
 * key ids of letters and digits, and function names have dashes: upstream every request is signed
 * as `local` (DynamoDB Local does not verify signatures). `onWrite` hears of every write that
 * succeeded, with the tables it wrote (the stream poller wakes on it).
 */
export function startDynamoFront(
  upstream: string,
  policy?: AccessPolicy,
  onWrite?: (tables: string[]) => void,
): Promise<Front> {
  const arns = policy?.arns ?? arnsFor();
  return startFront({
    upstream,
    policy,
    buffered: true,
    answered(req, body, status) {
      if (!onWrite || status !== 200) return;
      const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
      const tables = writtenTables(operation, body);
      if (tables.length) onWrite(tables);
    },
    requests(req, body) {
      const target = String(req.headers['x-amz-target'] ?? '');
      const operation = target.split('.')[1];
      if (!operation) return undefined;
      let parsed: Json = {};
      try {
        parsed = body?.length ? (JSON.parse(body.toString('utf8')) as Json) : {};
      } catch {
        return undefined; // DynamoDB Local answers the SerializationException
      }
      return dynamodbRequests(operation, parsed, arns);
    },
    deny(res, message) {
      const text = JSON.stringify({
        __type: 'com.amazonaws.dynamodb.v20120810#AccessDeniedException',
        Message: message,
      });
      res.writeHead(400, {
        'content-type': 'application/x-amz-json-1.0',
        'content-length': Buffer.byteLength(text),
        'x-amzn-requestid': crypto.randomUUID(),
      });
      res.end(text);
    },
    rewrite: (headers, url) => ({ headers: withAccessKey(headers, 'local'), url }),
  });
}

/** The same request signed (in name) by another access key id. */
export function withAccessKey(
  headers: IncomingMessage['headers'],
  accessKeyId: string,
): IncomingMessage['headers'] {
  const auth = headers.authorization;
  if (typeof auth !== 'string') return headers;
  return { ...headers, authorization: auth.replace(/Credential=[^/,\s]+\//, `Credential=${accessKeyId}/`) };
}
