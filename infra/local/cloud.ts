/**
 * The local cloud of this app: the emulators of @online-hall/local-cloud (infra/local-cloud) wired
 * from infra/resources.ts, with the same handler modules and the same state machine files as in AWS;
 * each function with its own environment and its spec's grants (grants.ts). Seeding, the identity
 * provider and the dev routes are this app's. `npm start` runs it with data under `.data/`; the test
 * suite runs it once per run, in memory.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import {
  CreateStateMachineCommand,
  SFNClient,
  StateMachineAlreadyExists,
  UpdateStateMachineCommand,
} from '@aws-sdk/client-sfn';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  AccessPolicy,
  ensureTables,
  freePort,
  type GatewayRoute,
  LocalClock,
  LocalLambdas,
  type LocalSns,
  localCredentials,
  type Policies,
  StreamPoller,
  startDynamo,
  startGateway,
  startS3,
  startSns,
  startStepFunctions,
} from '@online-hall/local-cloud';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { loadSeedCatalogue, readCatalogue, writeCatalogue } from '#functions/catalogue/store.ts';
import { AccountStore } from '#functions/identity/store.ts';
import { API_CSP, pageCsp, securityHeaders, sitePages } from '../constructs/portal-headers.ts';
import { halls } from '../halls.ts';
import { hallResources, platformResources, STREAM_MAPPING } from '../resources.ts';
import { type DemoAccount, demoAccounts } from '../seed/accounts.ts';
import { type DeadLetters, deadLetters } from './dead-letters.ts';
import { devApi, gatewayErrorBody } from './dev-api.ts';
import { environmentOf, type LocalStack, statementsOf } from './grants.ts';
import { LocalIssuer } from './identity.ts';
import { SUPERVISOR_TOPICS, SupervisorInbox } from './inbox.ts';
import {
  ARNS,
  functionArn,
  hallScope,
  localName,
  REGION,
  type Scope,
  stateMachineArn,
  topicArn,
} from './names.ts';
import { type IdentityProvider, startIdentityProvider } from './oidc/provider.ts';
import { seedIdentity } from './oidc/seed.ts';
import { startLocalPayment } from './payment.ts';

const ROOT = resolve(import.meta.dirname, '../..');

export interface CloudOptions {
  /** Persist everything here (`.data/`); omitted → in memory, gone at stop. */
  dataDir?: string;
  /** Gateway port; 0 → any free port. */
  port?: number;
  /**
   * Interface the gateway listens on; default 127.0.0.1. Anything wider exposes the dev routes
   * (every demo password, the SMS outbox with its codes, the dev clock) to that network.
   */
  host?: string;
  /** Wipe dataDir first and seed again. */
  reset?: boolean;
  /** Log level of the handlers (Powertools). */
  logLevel?: string;
  /** Start the dev clock at this instant (tests pin the working-day calendar); default: now. */
  clockStart?: string;
  /** Extra environment for every function (e.g. operator settings in a benchmark). */
  functionEnv?: Record<string, string>;
  /**
   * Check each function's calls against the grants of its spec (default true): a call its spec does
   * not grant fails with AccessDenied, as IAM would fail it in AWS.
   */
  enforceGrants?: boolean;
  /** Put something between the functions and an emulator (benchmarks count requests this way). */
  wrapEndpoint?: (service: 'dynamodb' | 'sns', endpoint: string) => Promise<string>;
}

export interface LocalCloud {
  url: string;
  /** The local payment gateway (cashier pages, `/dev/notifications`, `/dev/notify`). */
  paymentGatewayUrl: string;
  clock: LocalClock;
  sns: LocalSns;
  /** Topic messages of the supervisors' topics (GET /api/dev/inbox). */
  inbox: SupervisorInbox;
  lambdas: LocalLambdas;
  issuer: LocalIssuer;
  accounts: DemoAccount[];
  /** The accounts table (functions/identity/store.ts), as the identity provider reads it. */
  accountStore: AccountStore;
  /** The SDK endpoint variables a client of this cloud needs (tests, scripts). */
  env: Record<string, string>;
  tableName(scope: Scope, id: string): string;
  /** Child processes (DynamoDB Local's JVM), for memory figures. */
  childPids: number[];
  /** Deliver pending stream records now rather than at the next idle poll. */
  nudgeStreams(): void;
  /** Dead-lettered stream batches and failed SMS, and their replay (GET/POST /api/dev/dead-letters). */
  deadLetters: DeadLetters;
  stop(): Promise<void>;
}

/** The global through which functions/domain/clock.ts reads the dev clock in the Lambda workers. */
const DEV_CLOCK_GLOBAL = 'online-hall.dev-clock';

interface Stack extends LocalStack {
  apiPrefix: string;
}

function stacks(cursorKey: string): Stack[] {
  // CURSOR_KEY: one key for every function, as the CDK stacks pass the platform's (cursor.ts).
  const platform: Stack = {
    scope: 'platform',
    resources: platformResources,
    apiPrefix: '/api',
    environment: { CURSOR_KEY: cursorKey },
  };
  const hallStacks = halls.map((hall) => ({
    scope: hallScope(hall.id),
    resources: hallResources,
    apiPrefix: hallResources.apiPrefix.replace('{hallId}', hall.id),
    environment: { HALL_ID: hall.id, HALL_CODE: hall.code, CURSOR_KEY: cursorKey },
  }));
  return [platform, ...hallStacks];
}

/** Every function's grants, keyed by its name (its principal in the emulators). */
function policiesOf(all: Stack[]): Policies {
  const policies: Policies = {};
  for (const s of all)
    for (const [id, spec] of Object.entries(s.resources.functions))
      policies[localName(s.scope, id)] = statementsOf(s, spec, id);
  return policies;
}

function definitionOf(stack: Stack, id: string): string {
  const spec = stack.resources.stateMachines[id];
  const text = readFileSync(join(ROOT, 'statemachines', spec.file), 'utf8');
  return text.replace(/\$\{(\w+)\}/g, (whole, name: string) => {
    const fnId = spec.functions[name];
    if (!fnId) throw new Error(`${spec.file}: no substitution for ${whole}`);
    return functionArn(stack.scope, fnId);
  });
}

/**
 * The portal's and the API's security headers by path, as the Portal stack gives them (its response
 * headers policies, and its function that sets each page's CSP). The pages' script hashes come from
 * the built portal, read again whenever it is rebuilt (its index.html changes); sign-in is
 * same-origin here (`/oidc`), so connect-src is 'self'. `/oidc` stands for the identity provider,
 * another site in AWS (Cognito's hosted UI) that CloudFront does not serve: its pages keep their own
 * headers.
 */
function edgeHeaders(siteDir: string, materialsOrigin: string): (pathname: string) => Record<string, string> {
  const api = securityHeaders(API_CSP);
  const index = join(siteDir, 'index.html');
  let site: { builtAt: number; pages: Record<string, string[]> } | undefined;
  return (pathname) => {
    if (pathname === '/oidc' || pathname.startsWith('/oidc/')) return {};
    if (pathname === '/api' || pathname.startsWith('/api/')) return api;
    const builtAt = existsSync(index) ? statSync(index).mtimeMs : 0;
    if (site?.builtAt !== builtAt) site = { builtAt, pages: sitePages(siteDir) };
    return securityHeaders(pageCsp(site.pages, pathname, { connectOrigins: [], materialsOrigin }));
  };
}

/**
 * The key paging cursors are signed with (functions/lib/cursor.ts): kept in `.data/` so a restart
 * keeps people's "加载更多" working; an in-memory cloud makes one for its lifetime.
 */
function cursorKey(file: string | undefined): string {
  if (file && existsSync(file)) return readFileSync(file, 'utf8').trim();
  const key = randomBytes(32).toString('hex');
  if (file) writeFileSync(file, key, { mode: 0o600 });
  return key;
}

export async function startCloud(opts: CloudOptions = {}): Promise<LocalCloud> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const dataDir = opts.dataDir ? resolve(opts.dataDir) : undefined;
  if (dataDir && opts.reset) rmSync(dataDir, { recursive: true, force: true });
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const at = (name: string) => (dataDir ? join(dataDir, name) : undefined);
  const all = stacks(cursorKey(at('cursor.key')));
  const stopping: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const fn of stopping.reverse())
      await fn().catch((err) => console.error('[cloud] stop:', err.message));
  };

  try {
    const clock = new LocalClock(at('clock.json'), opts.clockStart ? Date.parse(opts.clockStart) : undefined);
    const policy = opts.enforceGrants === false ? undefined : new AccessPolicy(policiesOf(all), ARNS);
    const dynamo = await startDynamo({ dataDir: at('dynamodb'), policy });
    stopping.push(() => dynamo.stop());
    const s3 = await startS3({
      dataDir: at('s3'),
      policy,
      buckets: all.flatMap((s) =>
        Object.entries(s.resources.buckets).map(([id, b]) => ({
          name: localName(s.scope, id),
          browserUploads: b.browserUploads,
        })),
      ),
      region: REGION,
      // S3 event notifications invoke their function as in AWS (asynchronously, with retries).
      notifications: all.flatMap((s) =>
        Object.entries(s.resources.buckets).flatMap(([id, b]) =>
          b.notify
            ? [
                {
                  bucket: localName(s.scope, id),
                  events: ['s3:ObjectCreated:*'],
                  prefix: b.notify.prefix,
                  deliver: async (event: unknown) => {
                    await registered;
                    return lambdas.invoke(localName(s.scope, b.notify!.function), event);
                  },
                },
              ]
            : [],
        ),
      ),
    });
    stopping.push(() => s3.stop());
    const inbox = new SupervisorInbox(
      new Set(
        all.flatMap((s) =>
          SUPERVISOR_TOPICS.filter((id) => id in s.resources.topics).map((id) => topicArn(s.scope, id)),
        ),
      ),
      at('supervisor-inbox.jsonl'),
    );
    stopping.push(() => inbox.flush());
    const sns = await startSns({
      outboxFile: at('sms-outbox.jsonl'),
      now: () => clock.now(),
      region: REGION,
      policy,
      onTopicMessage: inbox.receive,
    });
    stopping.push(() => sns.stop());

    // Each function gets its own name as access key id (lambda.ts): its principal for `policy`.
    // The environment beneath each function's own is filled in once every endpoint is known.
    const functionBase: Record<string, string> = {};
    const lambdas = new LocalLambdas({
      clock,
      clockGlobal: DEV_CLOCK_GLOBAL,
      region: REGION,
      baseEnvironment: functionBase,
    });
    stopping.push(() => lambdas.stop());
    // Functions are registered below; an execution resumed from `.data/` waits for them.
    let functionsReady!: () => void;
    const registered = new Promise<void>((resolve) => {
      functionsReady = resolve;
    });
    const sfn = await startStepFunctions({
      dataDir: at('stepfunctions'),
      region: REGION,
      invokeLambda: async (name, payload) => {
        await registered;
        return lambdas.invoke(name, payload);
      },
      clock,
      policy,
    });
    stopping.push(() => sfn.stop());

    const endpoints = {
      AWS_ENDPOINT_URL_DYNAMODB: (await opts.wrapEndpoint?.('dynamodb', dynamo.endpoint)) ?? dynamo.endpoint,
      AWS_ENDPOINT_URL_DYNAMODB_STREAMS: dynamo.directEndpoint,
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      AWS_ENDPOINT_URL_SFN: sfn.endpoint,
      AWS_ENDPOINT_URL_SNS: (await opts.wrapEndpoint?.('sns', sns.endpoint)) ?? sns.endpoint,
      // s3rver stores streamed bodies corrupted unless checksums are only computed when required.
      AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
      AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
      // We run on Node 20 by choice (see README); the SDK's reminder is not news to a newcomer.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
    Object.assign(
      functionBase,
      endpoints,
      { POWERTOOLS_LOG_LEVEL: opts.logLevel ?? 'WARN' },
      opts.functionEnv,
    );

    const sdk = { region: REGION, credentials: localCredentials };
    const ddb = new DynamoDBClient({ ...sdk, endpoint: dynamo.directEndpoint });
    const doc = DynamoDBDocumentClient.from(ddb, { marshallOptions: { removeUndefinedValues: true } });
    const snsClient = new SNSClient({ ...sdk, endpoint: sns.endpoint });
    const sfnClient = new SFNClient({ ...sdk, endpoint: sfn.endpoint });
    stopping.push(async () => {
      for (const c of [ddb, snsClient, sfnClient]) c.destroy();
    });

    // Resources of every stack, as CloudFormation would create them.
    await ensureTables(
      ddb,
      all.flatMap((s) =>
        Object.entries(s.resources.tables).map(([id, spec]) => ({ name: localName(s.scope, id), spec })),
      ),
    );
    // The portal's URL is every hall function's PORTAL_URL (links in SMS, payment return and
    // notification addresses), and functions get their environment when registered: so the gateway's
    // port is chosen now, before it listens (with port 0, a free one reserved here).
    const port = opts.port || (await freePort());
    const portalUrl = `http://127.0.0.1:${port}`;
    // The payment provider (Alipay's protocol), before the functions: its URL and keys are theirs.
    const payment = await startLocalPayment({
      dataDir: at('payment'),
      now: () => clock.now(),
      host: opts.host,
    });
    stopping.push(() => payment.gateway.stop());
    for (const s of all)
      if (s.scope !== 'platform')
        Object.assign(s.environment, payment.environment, { PORTAL_URL: portalUrl });
    for (const s of all) {
      for (const id of Object.keys(s.resources.topics)) {
        await snsClient.send(new CreateTopicCommand({ Name: localName(s.scope, id) }));
      }
      for (const [id, spec] of Object.entries(s.resources.functions)) {
        lambdas.register({
          name: localName(s.scope, id),
          entry: resolve(ROOT, spec.entry),
          environment: environmentOf(s, spec, id),
          // Locally 30 s by default (AWS: 10 s): the first invocation compiles the TypeScript.
          timeoutSeconds: spec.timeoutSeconds ?? 30,
          memoryMb: spec.memoryMb ?? 512,
          // One worker thread per stack; each function still has its own env and module instances.
          group: s.scope,
        });
      }
      for (const id of Object.keys(s.resources.stateMachines)) {
        const name = localName(s.scope, id);
        const definition = definitionOf(s, id);
        const roleArn = ARNS.role(name);
        try {
          await sfnClient.send(new CreateStateMachineCommand({ name, definition, roleArn }));
        } catch (err) {
          if (!(err instanceof StateMachineAlreadyExists)) throw err;
          await sfnClient.send(
            new UpdateStateMachineCommand({ stateMachineArn: stateMachineArn(s.scope, id), definition }),
          );
        }
      }
    }
    functionsReady();

    // Seed the catalogue once; a persisted `.data/` keeps what operators imported.
    const catalogueTable = localName('platform', 'catalogue');
    let catalogue = await readCatalogue(doc, catalogueTable).catch(() => undefined);
    if (!catalogue || catalogue.items.length === 0) {
      catalogue = loadSeedCatalogue();
      await writeCatalogue(doc, catalogueTable, catalogue);
    }
    const itemCounts = new Map<string, number>();
    for (const item of catalogue.items)
      itemCounts.set(item.deptCode, (itemCounts.get(item.deptCode) ?? 0) + 1);
    const accounts = demoAccounts(
      catalogue.departments.map((d) => ({
        code: d.code,
        name: d.name,
        hallId: d.hallId,
        itemCount: itemCounts.get(d.code) ?? 0,
      })),
    );

    // Accounts as our own data: registries, the demo accounts, a demo enterprise (idempotent).
    const accountStore = new AccountStore(doc, localName('platform', 'accounts'));
    await seedIdentity(accountStore, accounts, clock.now());

    // One reader per streamed table for all its mappings, woken by the handlers' writes (they all
    // pass the DynamoDB front) instead of polling DynamoDB Local; failures as the mappings in AWS.
    const streamsClient = new DynamoDBStreamsClient({ ...sdk, endpoint: dynamo.directEndpoint });
    const streams = new StreamPoller(ddb, streamsClient, {
      checkpointFile: at('stream-checkpoints.json'),
      deadLetterDir: at('stream-dead-letters'),
    });
    dynamo.onWrite((tables) => streams.written(tables));
    streams.start(
      all.flatMap((s) =>
        s.resources.streams.map((m) => ({
          id: localName(s.scope, m.function),
          table: localName(s.scope, m.table),
          functionArn: functionArn(s.scope, m.function),
          batchSize: STREAM_MAPPING.batchSize,
          maximumRetryAttempts: STREAM_MAPPING.maximumRetryAttempts,
          bisectBatchOnFunctionError: STREAM_MAPPING.bisectBatchOnFunctionError,
          maximumRecordAgeSeconds: STREAM_MAPPING.maximumRecordAgeSeconds,
          invoke: (event: { Records: unknown[] }) => lambdas.invoke(localName(s.scope, m.function), event),
        })),
      ),
    );
    stopping.push(async () => {
      await streams.stop();
      streamsClient.destroy();
    });
    const failed = deadLetters({
      poller: streams,
      doc,
      sns: snsClient,
      halls: halls.map((h) => ({ id: h.id, casesTable: localName(hallScope(h.id), 'cases') })),
      now: () => new Date(clock.now()).toISOString(),
    });

    const routes: GatewayRoute[] = all.flatMap((s) =>
      s.resources.routes.map((r) => ({
        method: r.method,
        path: `${s.apiPrefix}${r.path}`,
        functionName: localName(s.scope, r.function),
        auth: r.auth === 'user' ? 'jwt' : 'none',
      })),
    );
    // The issuer URL must be known before the gateway listens; with port 0 it is fixed up below.
    let issuer: LocalIssuer | undefined;
    let identity: IdentityProvider | undefined;
    const gateway = await startGateway({
      port,
      host: opts.host,
      // The headers CloudFront's response headers policies add in AWS (Portal stack), from the same module.
      responseHeaders: edgeHeaders(join(ROOT, 'web', 'out'), s3.endpoint),
      routes,
      invoke: (name, event: APIGatewayProxyEventV2) => lambdas.invoke(name, event),
      verifyToken: (token) => issuer!.verify(token),
      // Until the issuer and the identity provider are up, every request is told to come back
      // (the gateway must listen first: its URL is the issuer's).
      raw: async (req, res, url) => {
        if (identity) return identity.handle(req, res, url);
        res.writeHead(503, { 'content-type': 'application/json; charset=utf-8', 'retry-after': '2' });
        res.end(JSON.stringify({ error: { code: 'STARTING', message: '系统正在启动，请稍后再试' } }));
        return true;
      },
      extra: (req, res, url, body) =>
        devApi(
          { issuer: issuer!, accounts, store: accountStore, clock, sns, inbox, deadLetters: failed },
          req,
          res,
          url,
          body,
        ),
      staticDir: join(ROOT, 'web', 'out'),
      apiPrefix: '/api',
      errorBody: gatewayErrorBody,
    });
    stopping.push(() => gateway.stop());
    // One issuer, one key: the provider's access tokens and POST /api/dev/token's verify alike.
    issuer = await LocalIssuer.create(`${gateway.url}/oidc`, at('oidc/jwks.json'));
    identity = await startIdentityProvider({
      issuer,
      portalUrl: gateway.url,
      accounts: accountStore,
      now: () => clock.now(),
      dataDir,
    });
    stopping.push(() => identity!.stop());

    return {
      url: gateway.url,
      paymentGatewayUrl: payment.gateway.url,
      clock,
      sns,
      inbox,
      lambdas,
      issuer,
      accounts,
      accountStore,
      env: {
        AWS_REGION: REGION,
        AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
        ...endpoints,
      },
      tableName: localName,
      childPids: dynamo.pid ? [dynamo.pid] : [],
      nudgeStreams: () => streams.nudge(),
      deadLetters: failed,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
