/**
 * The one description of the cloud resources. The CDK stacks (infra/stacks) and the local cloud
 * (infra/local) both read this file, so what runs locally is what deploys.
 *
 * Naming contract for handlers: every resource reaches a handler as an environment variable
 * named by `envVarFor` (table `cases` → CASES_TABLE, topic `alerts` → ALERTS_TOPIC_ARN, …).
 * Hall routes are served under `/api/halls/<hallId>`; platform routes under `/api`.
 */

export type KeyType = 'S' | 'N';
export interface Key {
  name: string;
  type: KeyType;
}

export interface TableSpec {
  partitionKey: Key;
  sortKey?: Key;
  indexes: Record<string, { partitionKey: Key; sortKey?: Key }>;
  stream: boolean;
  ttlAttribute?: string;
  /** The key schema in words: what lives under which key. */
  doc: string;
}

export interface BucketSpec {
  /** Browsers upload straight to the bucket with presigned POSTs (and PUTs), so it needs CORS. */
  browserUploads: boolean;
  doc: string;
  /** Objects created under `prefix` start `function` (an S3 event notification; asynchronous invocation). */
  notify?: { function: string; prefix: string };
  /** Lifecycle: objects under `prefix`, or carrying the tag, expire `days` after creation (old versions too). */
  expire?: { prefix?: string; tag?: { key: string; value: string }; days: number }[];
}

/** The object verbs a function may use on a bucket. */
export type S3ObjectAction =
  | 's3:GetObject'
  | 's3:PutObject'
  | 's3:PutObjectTagging'
  | 's3:DeleteObject'
  | 's3:DeleteObjectVersion';
/** 'read' = GetObject; 'write' = GetObject and PutObject; or exactly the verbs listed. */
export type BucketAccess = Access | readonly S3ObjectAction[];

/** The IAM actions of a BucketAccess (the CDK construct and the local grants both use it). */
export function bucketActions(access: BucketAccess): string[] {
  if (access === 'read') return ['s3:GetObject'];
  if (access === 'write') return ['s3:GetObject', 's3:PutObject'];
  return [...access];
}

export interface TopicSpec {
  doc: string;
}

export type Access = 'read' | 'write';
/**
 * 'revocation': only what the token check of every request that needs a token reads
 * (functions/identity/revocation.ts): the status and valid-after instants of account profiles, by
 * key — for the accounts table.
 */
export type TableAccess = Access | 'revocation';

export interface FunctionSpec {
  /** Module path from the repository root; the module exports `handler`. */
  entry: string;
  description: string;
  timeoutSeconds?: number;
  memoryMb?: number;
  /** A function serving a route that needs a token reads the accounts table (at least 'revocation'). */
  tables?: Record<string, TableAccess>;
  /**
   * Tables of the platform stack a hall function reads by key (e.g. the catalogue when filing);
   * 'query' also reads whole partitions of the table — only for public data (the catalogue's items
   * and departments, for statistics).
   */
  platformTables?: Record<string, 'read' | 'revocation' | 'query'>;
  buckets?: Record<string, BucketAccess>;
  topics?: string[];
  /** Sends SMS straight to phone numbers (SNS Publish with PhoneNumber). */
  sms?: boolean;
  /** State machines this function starts executions of. */
  starts?: string[];
  /** State machines whose task tokens this function answers (SendTaskSuccess/Failure). */
  answers?: string[];
  /**
   * Another stack calls it by name (the platform's calendar job calls each hall's): its physical
   * name is fixed, `hallFunctionName(hallId, id)` in a hall stack, the same in AWS and locally.
   */
  fixedName?: boolean;
}

export interface StateMachineSpec {
  /** File in statemachines/; `${Name}` placeholders are filled from `functions`. */
  file: string;
  /** Definition substitution name → function id whose ARN fills it. */
  functions: Record<string, string>;
  /** Functions of every hall stack it invokes by their fixed names (`fixedName`, `hallFunctionName`). */
  hallFunctions?: string[];
  doc: string;
}

/** The physical name of a hall function with a fixed name (FunctionSpec.fixedName). */
export const hallFunctionName = (hallId: string, functionId: string) => `hall-${hallId}-${functionId}`;

export interface RouteSpec {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  /** Path relative to the stack's API prefix, with `{param}` segments. */
  path: string;
  function: string;
  /**
   * 'public' routes only read; every route that changes data needs 'user' (a verified JWT) —
   * except registration, its SMS codes and password reset (POST /accounts, /accounts/codes,
   * /accounts/password-reset), which are how one comes to have a token (they are abuse-limited).
   */
  auth: 'public' | 'user';
}

export interface StreamSpec {
  table: string;
  function: string;
}

/**
 * How every stream mapping reads and retries: the event source mapping's settings in AWS, and the
 * local cloud's poller follows the same ones. A batch that still fails goes to the mapping's
 * on-failure queue (AWS) or the local dead letters; `npm run replay` delivers it again. The record
 * age limit is well under the stream's 24 h, so a dead-lettered batch can still be read back.
 */
export const STREAM_MAPPING = {
  batchSize: 25,
  maximumRetryAttempts: 5,
  bisectBatchOnFunctionError: true,
  maximumRecordAgeSeconds: 3600,
  maximumBatchingWindowSeconds: 1,
} as const;

export interface StackResources {
  apiPrefix: string;
  tables: Record<string, TableSpec>;
  buckets: Record<string, BucketSpec>;
  topics: Record<string, TopicSpec>;
  stateMachines: Record<string, StateMachineSpec>;
  functions: Record<string, FunctionSpec>;
  routes: RouteSpec[];
  streams: StreamSpec[];
}

const upper = (id: string) => id.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();

export function envVarFor(kind: 'table' | 'bucket' | 'topic' | 'stateMachine', id: string): string {
  switch (kind) {
    case 'table':
      return `${upper(id)}_TABLE`;
    case 'bucket':
      return `${upper(id)}_BUCKET`;
    case 'topic':
      return `${upper(id)}_TOPIC_ARN`;
    case 'stateMachine':
      return `${upper(id)}_STATE_MACHINE_ARN`;
  }
}

/** How one stack names its resources to its functions: CDK tokens in the stacks, local names locally. */
export interface ResourceNames {
  table(id: string): string;
  /** A table of the platform stack (hall functions read some by key). */
  platformTable(id: string): string;
  bucket(id: string): string;
  /** Topic ARN. */
  topic(id: string): string;
  /** State machine ARN. */
  stateMachine(id: string): string;
}

/**
 * The resource variables of one function: one per resource its spec names, named by `envVarFor`,
 * and nothing else. The CDK construct (infra/constructs/house-function.ts) and the local cloud both
 * use it, so a function sees the same variables in both.
 */
export function functionEnvironment(
  functionId: string,
  spec: FunctionSpec,
  names: ResourceNames,
): Record<string, string> {
  const env: Record<string, string> = {};
  const put = (name: string, value: string) => {
    if (name in env) throw new Error(`function ${functionId}: two resources map to env var ${name}`);
    env[name] = value;
  };
  for (const id of Object.keys(spec.tables ?? {})) put(envVarFor('table', id), names.table(id));
  for (const id of Object.keys(spec.platformTables ?? {}))
    put(envVarFor('table', id), names.platformTable(id));
  for (const id of Object.keys(spec.buckets ?? {})) put(envVarFor('bucket', id), names.bucket(id));
  for (const id of spec.topics ?? []) put(envVarFor('topic', id), names.topic(id));
  for (const id of new Set([...(spec.starts ?? []), ...(spec.answers ?? [])]))
    put(envVarFor('stateMachine', id), names.stateMachine(id));
  return env;
}

/** Resources of one hall stack (HallStack-<hallId>); every hall has the same set. */
const hall = {
  apiPrefix: '/api/halls/{hallId}',
  tables: {
    cases: {
      partitionKey: { name: 'pk', type: 'S' },
      sortKey: { name: 'sk', type: 'S' },
      indexes: {
        byApplicant: { partitionKey: { name: 'gsi1pk', type: 'S' }, sortKey: { name: 'gsi1sk', type: 'S' } },
        byQueue: { partitionKey: { name: 'gsi2pk', type: 'S' }, sortKey: { name: 'gsi2sk', type: 'S' } },
        byDeadline: { partitionKey: { name: 'gsi3pk', type: 'S' }, sortKey: { name: 'gsi3sk', type: 'S' } },
      },
      stream: true,
      ttlAttribute: 'expiresAt',
      doc: [
        'Single table of one hall.',
        'CASE#<caseNo> / CASE                 the case: state, plan, version, deadlines, timers',
        'CASE#<caseNo> / EVT#<seq:4>          process events, hash-chained (each stores the previous hash)',
        'CASE#<caseNo> / TASK#<taskId>        an open human task with its state machine task token',
        'CASE#<caseNo> / ALERT#<alertId>      e-supervision alert (yellow/red/finding), with 督办 and reply',
        'CASE#<caseNo> / SMS#<eventSeq>#<to>  SMS outbox record of one event and recipient',
        '                                     (a failed one is listed under gsi2pk=SMS_FAILED until resent)',
        'CASE#<caseNo> / AGENT                the agent who filed it (for the agent’s own list)',
        'CASE#<caseNo> / PAY#<tradeNo>        a payment provider trade (ledger), gsi2pk=LEDGER#<yyyy-mm-dd>',
        'SEQ#<yyyymmdd> / SEQ                 daily case number counter',
        'IDEM#<sub>#<key> / IDEM              idempotency record of a filing (expiresAt TTL)',
        'CASE#<consultNo> / CONSULT           在线咨询 (ZX… numbers, never a case’s), its ALERT# and SMS# beside it like a case’s;',
        '                                     gsi1pk=ASKER#<sub>|ASKER#PHONE#<phone>, gsi2pk=CONSULTS#<dept>#<open|answered> (functions/consult/store.ts)',
        'CASE#<consultNo> / NOTICE#answered   the answer’s SMS to the asker (sent by caseStream)',
        'FAQ#<itemCode> / <consultNo>         a consultation published as an FAQ of the item (edited texts, no asker)',
        'IDEM#CONSULT#<asker>#<key> / IDEM    idempotency record of an ask (expiresAt TTL)',
        '(the CASE item of a case whose rating is under appeal: gsi2pk=APPEALS#<pending|decided>, gsi2sk=<at>#<caseNo>)',
        'byApplicant: gsi1pk=APPLICANT#<sub>, gsi1sk=<filedAt>            “我的办件”',
        'byQueue:     gsi2pk=QUEUE#<dept>#<post>, gsi2sk=<deadline|9999>#<since>#<caseNo>  staff queue (TASK items), most urgent first',
        '             gsi2pk=ALERTS#<status>#<severity>, gsi2sk=<raisedAt>#<caseNo>#<alertId>   alert list by status/level, newest first',
        '             (byApplicant: gsi1pk=ALERTS#D#<dept>#<status>#<severity>, same gsi1sk: one department’s alerts)',
        '             gsi2pk=SMS_FAILED, gsi2sk=<failedAt>#<caseNo>#<key>     SMS that failed, for `npm run replay`',
        'byDeadline:  gsi3pk=OVERDUE, gsi3sk=<deadline>#<caseNo>#<alertId>  red alerts/findings past their limit, unanswered, most late first (sparse)',
      ].join('\n'),
    },
    limits: {
      partitionKey: { name: 'pk', type: 'S' },
      sortKey: { name: 'sk', type: 'S' },
      indexes: {},
      // Not streamed: a counter update must not wake the cases stream's consumers.
      stream: false,
      ttlAttribute: 'expiresAt',
      doc: [
        'Abuse counters of one hall (functions/lib/limiter.ts), apart from the streamed cases table.',
        'RATE#<key> / SLIDING   sliding-window counter, 10 slots (expiresAt TTL):',
        '                       progress-ip#<ip>[#1] failed progress queries of an address,',
        '                       progress-case#<caseNo> failed progress queries of a case number,',
        '                       upload#<sub> upload tickets an account asked for (functions/materials)',
      ].join('\n'),
    },
    stats: {
      partitionKey: { name: 'pk', type: 'S' },
      sortKey: { name: 'sk', type: 'S' },
      indexes: {},
      // Not streamed: a counter write must not wake the cases stream's consumers.
      stream: false,
      ttlAttribute: 'expiresAt',
      doc: [
        'Statistics of one hall, counted from the cases stream (functions/stats); never a scan of cases.',
        'M#<yyyy-mm> / H | D#<dept> | I#<dept>#<item>  month counters: hall, department, item',
        'HALL / M#<yyyy-mm>                   the hall month counters again (the trend in one query)',
        'DAY#<yyyy-mm> / <dd>#<dept>#<item>   day counters of an item',
        'OPEN / D#<dept>                      cases in handling now (filed, not yet 办结/closed)',
        'MARK#<caseNo> / V#<version>          this version of the case is counted (expiresAt TTL): replays count nothing',
        'PUB#<yyyy-mm> / <filedAt>#<caseNo>   办件公示 row (masked), latest version (v) wins',
        'RECT#<yyyy-mm> / <fixedAt>#<caseNo>  a rectified 差评, published masked',
      ].join('\n'),
    },
    materials: {
      partitionKey: { name: 'pk', type: 'S' },
      sortKey: { name: 'sk', type: 'S' },
      indexes: {},
      stream: false,
      ttlAttribute: 'expiresAt',
      doc: [
        'Application materials of one hall (functions/materials): drafts, uploads, files, opens.',
        'DRAFT#<draftId> / DRAFT              a material set: owner, item, slots filled, state open|filing|filed,',
        '                                     caseNo once filed (expiresAt TTL while open: 30 days from its start)',
        'DRAFT#<draftId> / UPLOAD#<uploadId>  an upload ticket (presigned POST) and its verdict (expiresAt TTL)',
        'DRAFT#<draftId> / FILE#<fileId>      an accepted file: slot, name, type, size, pages, SHA-256, key',
        'OWNER#<owner>#<itemCode> / DRAFT     the draft an account (or enterprise) is filling for an item',
        'CASE#<caseNo> / OPEN#<at>#<id>       one open of a file by staff: who, when, which file',
      ].join('\n'),
    },
  },
  buckets: {
    materials: {
      browserUploads: true,
      doc:
        'Application materials: incoming/<draftId>/<slotId>/<uploadId> as uploaded (presigned POST, ' +
        'verified then deleted), files/<draftId>/<slotId>/<fileId>.<ext> as accepted',
      notify: { function: 'verifyMaterial', prefix: 'incoming/' },
      expire: [
        { prefix: 'incoming/', days: 1 },
        // Files of drafts never filed; filing retags a draft's files stage=case (kept: README, archive rule).
        { tag: { key: 'stage', value: 'draft' }, days: 31 },
      ],
    },
  },
  topics: {
    alerts: { doc: 'E-supervision alerts fanned out to supervisors' },
  },
  stateMachines: {
    lifecycle: {
      file: 'case-lifecycle.asl.json',
      functions: { AdvanceFunctionArn: 'advance', AwaitTaskFunctionArn: 'awaitTask' },
      doc: 'One execution per case (name = case number): ask the rules what to wait for, wait for task tokens, repeat',
    },
    timer: {
      file: 'supervision-timer.asl.json',
      functions: { TimerFiredFunctionArn: 'timerFired' },
      doc: 'One execution per deadline instant (yellow, red, deemed acceptance, a 督办’s reply); stale timers do nothing',
    },
  },
  functions: {
    fileCase: {
      entry: 'functions/cases/file.ts',
      description: '申办: file a case (for oneself, one’s enterprise, or as an agent)',
      tables: { cases: 'write', materials: 'write' },
      platformTables: { catalogue: 'read', accounts: 'read', calendar: 'read' },
      // Filing retags the draft's files (stage=case), so the abandoned-draft rule never takes them.
      buckets: { materials: ['s3:PutObjectTagging'] },
      starts: ['lifecycle'],
    },
    materialDrafts: {
      entry: 'functions/materials/drafts.ts',
      description:
        '申请材料: a draft’s slots and files; a presigned POST for one slot, within limits (also 补交 into a case)',
      // The case is read for a 补交 upload (its phase and the slots its 补交告知 names).
      tables: { materials: 'write', limits: 'write', cases: 'read' },
      // Agents' mandates are read from the accounts table (so is the token check).
      platformTables: { catalogue: 'read', accounts: 'read' },
      // Presigned POSTs are signed with this function's credentials: S3 allows what it may do.
      buckets: { materials: ['s3:PutObject'] },
    },
    verifyMaterial: {
      entry: 'functions/materials/verify.ts',
      description:
        'S3 object created: check an upload (real type, structure, size, pages, scripts), strip location, accept or reject',
      tables: { materials: 'write', cases: 'read' },
      buckets: {
        materials: [
          's3:GetObject',
          's3:PutObject',
          's3:PutObjectTagging',
          's3:DeleteObject',
          's3:DeleteObjectVersion',
        ],
      },
      timeoutSeconds: 30,
      memoryMb: 1024,
    },
    licenceIssue: {
      entry: 'functions/licences/issue.ts',
      description:
        'Cases stream: an e-licence at 办结 准予 (signed fields, PDF with QR code, the holder’s library)',
      tables: { cases: 'read', materials: 'write' },
      // The item's type (which results are licences) and the holder's ID number.
      platformTables: { catalogue: 'read', accounts: 'read' },
      buckets: { materials: ['s3:PutObject'] },
    },
    licences: {
      entry: 'functions/licences/http.ts',
      description:
        'E-licences: the holder’s library and download, public verification, 注销 by the issuing department',
      tables: { materials: 'write' },
      platformTables: { accounts: 'revocation' },
      buckets: { materials: 'read' },
    },
    caseMaterials: {
      entry: 'functions/materials/case.ts',
      description: 'A case’s materials by slot; staff open a file (short presigned GET), every open logged',
      tables: { cases: 'read', materials: 'write' },
      platformTables: { accounts: 'revocation' },
      buckets: { materials: 'read' },
    },
    caseAction: {
      entry: 'functions/cases/action.ts',
      description: 'Staff decisions and the applicant’s own acts on a case',
      tables: { cases: 'write', materials: 'read' },
      platformTables: { accounts: 'revocation', calendar: 'read' },
      answers: ['lifecycle'],
      // A 差评 starts the rectification's own execution.
      starts: ['lifecycle'],
    },
    caseDetail: {
      entry: 'functions/cases/detail.ts',
      description: 'One case with its timeline, deadlines, tasks and allowed actions',
      tables: { cases: 'read' },
      platformTables: { accounts: 'revocation' },
    },
    myCases: {
      entry: 'functions/cases/mine.ts',
      description: '我的办件',
      tables: { cases: 'read' },
      platformTables: { accounts: 'revocation' },
    },
    verifyCase: {
      entry: 'functions/cases/verify.ts',
      description: 'Verify the hash chain of a case timeline',
      tables: { cases: 'read' },
      platformTables: { accounts: 'revocation' },
    },
    taskQueue: {
      entry: 'functions/cases/queue.ts',
      description: 'Staff task queue of one department and post, by deadline',
      tables: { cases: 'read' },
      platformTables: { accounts: 'revocation' },
    },
    progress: {
      entry: 'functions/cases/progress.ts',
      description: '办件进度查询 by case number and query code',
      tables: { cases: 'read', limits: 'write' },
    },
    listAlerts: {
      entry: 'functions/supervision/alerts.ts',
      description: 'E-supervision alerts of the hall, filtered and paged, or the overdue list',
      tables: { cases: 'read' },
      platformTables: { accounts: 'revocation', calendar: 'read' },
    },
    alertSummary: {
      entry: 'functions/supervision/summary.ts',
      description: 'Supervisor dashboard figures: today’s alerts by level, open 督办, overdue count',
      tables: { cases: 'read' },
      platformTables: { accounts: 'revocation' },
    },
    respondAlert: {
      entry: 'functions/supervision/respond.ts',
      description: '督办 an alert (with a reply deadline), or the department’s reply',
      tables: { cases: 'write' },
      platformTables: { accounts: 'revocation', calendar: 'read' },
    },
    consultations: {
      entry: 'functions/consult/handler.ts',
      description: '在线咨询: ask (signed in, or with a phone proof), the department answers, rating, FAQ',
      // limits: the per-address and per-asker ask counters.
      tables: { cases: 'write', limits: 'write' },
      platformTables: { catalogue: 'read', accounts: 'revocation', calendar: 'read' },
    },
    ratingAppeals: {
      entry: 'functions/supervision/appeals.ts',
      description: '评价申诉 of the hall (pending or decided), for supervisors and the department',
      tables: { cases: 'read' },
      platformTables: { accounts: 'revocation' },
    },
    advance: {
      entry: 'functions/lifecycle/advance.ts',
      description: 'State machine task: what the case waits for now',
      tables: { cases: 'read' },
    },
    awaitTask: {
      entry: 'functions/lifecycle/await-task.ts',
      description: 'State machine task: keep the task token of a human task with the case',
      tables: { cases: 'write' },
    },
    timerFired: {
      entry: 'functions/lifecycle/timer-fired.ts',
      description: 'Timer machine task: deemed acceptance, or a yellow/red alert, unless stale',
      tables: { cases: 'write' },
      platformTables: { calendar: 'read' },
      answers: ['lifecycle'],
    },
    recomputeDeadlines: {
      entry: 'functions/calendar/recompute.ts',
      description: 'Calendar job task (called by the platform): recompute deadlines of a stretch of cases',
      tables: { cases: 'write' },
      platformTables: { calendar: 'read' },
      fixedName: true,
      timeoutSeconds: 60,
    },
    supervisionStream: {
      entry: 'functions/lifecycle/supervision-stream.ts',
      description: 'Cases table stream: start timers for new deadlines, publish new alerts, close moot ones',
      // Write: a 待督办 alert whose step is done closes by itself.
      tables: { cases: 'write' },
      topics: ['alerts'],
      starts: ['timer'],
    },
    statsStream: {
      entry: 'functions/stats/stream.ts',
      description: 'Cases stream: statistics counters, 办件公示, published rectifications (idempotent)',
      tables: { stats: 'write' },
      // The catalogue (online depth, visits of the item) and the calendar (working days used).
      platformTables: { catalogue: 'query', calendar: 'read' },
    },
    statsPublic: {
      entry: 'functions/stats/public.ts',
      description: '办件统计, indicators with rankings, 好差评 figures and 办件公示 (public, cached)',
      tables: { stats: 'read' },
      // The hall's departments and items (names, 事项进驻率): partitions of the public catalogue.
      platformTables: { catalogue: 'query' },
    },
    statsExport: {
      entry: 'functions/stats/export.ts',
      description: 'Supervisors and operators: a month of counters as CSV or XLSX',
      tables: { stats: 'read' },
      platformTables: { catalogue: 'query', accounts: 'revocation' },
      memoryMb: 1024,
    },
    payment: {
      entry: 'functions/payments/payment.ts',
      description: '网上缴费: the cashier address of a case’s notice; ask the provider whether it is paid',
      tables: { cases: 'write' },
      platformTables: { accounts: 'revocation', calendar: 'read' },
      answers: ['lifecycle'],
    },
    paymentNotify: {
      entry: 'functions/payments/notify.ts',
      description: 'The payment provider’s signed notification: count the payment once, or refund it',
      tables: { cases: 'write' },
      platformTables: { calendar: 'read' },
      answers: ['lifecycle'],
    },
    caseResult: {
      entry: 'functions/cases/result.ts',
      description: '电子送达: the applicant downloads the result; the first download is its 领取登记',
      tables: { cases: 'write' },
      platformTables: { accounts: 'revocation', calendar: 'read' },
      answers: ['lifecycle'],
    },
    paymentReconcile: {
      entry: 'functions/payments/reconcile.ts',
      description: '对账: a day of the hall’s payment ledger against the provider’s statement',
      tables: { cases: 'read' },
      platformTables: { accounts: 'revocation' },
      timeoutSeconds: 30,
    },
    paymentStream: {
      entry: 'functions/payments/stream.ts',
      description: 'Cases table stream: refunds the rules asked for, through the payment provider',
      tables: { cases: 'write' },
      platformTables: { calendar: 'read' },
      answers: ['lifecycle'],
    },
    caseStream: {
      entry: 'functions/notify/case-stream.ts',
      description:
        'Cases table stream: SMS to the applicant on each process event, to staff on new tasks and alerts',
      tables: { cases: 'write' },
      platformTables: { accounts: 'read' },
      sms: true,
    },
  },
  routes: [
    { method: 'POST', path: '/cases', function: 'fileCase', auth: 'user' },
    { method: 'GET', path: '/cases', function: 'myCases', auth: 'user' },
    { method: 'GET', path: '/cases/{caseNo}', function: 'caseDetail', auth: 'user' },
    { method: 'POST', path: '/cases/{caseNo}/actions', function: 'caseAction', auth: 'user' },
    { method: 'GET', path: '/cases/{caseNo}/verify', function: 'verifyCase', auth: 'user' },
    { method: 'GET', path: '/cases/{caseNo}/materials', function: 'caseMaterials', auth: 'user' },
    {
      method: 'POST',
      path: '/cases/{caseNo}/materials/{fileId}/open',
      function: 'caseMaterials',
      auth: 'user',
    },
    { method: 'POST', path: '/cases/{caseNo}/materials/uploads', function: 'materialDrafts', auth: 'user' },
    { method: 'GET', path: '/licences', function: 'licences', auth: 'user' },
    { method: 'GET', path: '/licences/public-key', function: 'licences', auth: 'public' },
    { method: 'GET', path: '/licences/{licenceNo}/verify', function: 'licences', auth: 'public' },
    { method: 'GET', path: '/licences/{licenceNo}/pdf', function: 'licences', auth: 'user' },
    { method: 'POST', path: '/licences/{licenceNo}/revoke', function: 'licences', auth: 'user' },
    { method: 'POST', path: '/drafts', function: 'materialDrafts', auth: 'user' },
    { method: 'GET', path: '/drafts/{draftId}', function: 'materialDrafts', auth: 'user' },
    { method: 'POST', path: '/drafts/{draftId}/uploads', function: 'materialDrafts', auth: 'user' },
    {
      method: 'DELETE',
      path: '/drafts/{draftId}/files/{fileId}',
      function: 'materialDrafts',
      auth: 'user',
    },
    { method: 'POST', path: '/cases/{caseNo}/alerts/{alertId}', function: 'respondAlert', auth: 'user' },
    { method: 'GET', path: '/tasks', function: 'taskQueue', auth: 'user' },
    { method: 'GET', path: '/alerts', function: 'listAlerts', auth: 'user' },
    { method: 'GET', path: '/alerts/summary', function: 'alertSummary', auth: 'user' },
    { method: 'GET', path: '/progress', function: 'progress', auth: 'public' },
    { method: 'POST', path: '/consultations', function: 'consultations', auth: 'user' },
    { method: 'GET', path: '/consultations', function: 'consultations', auth: 'user' },
    // Without an account: asked and followed with a phone proof (POST /api/accounts/phone-proofs).
    { method: 'POST', path: '/consultations/anonymous', function: 'consultations', auth: 'public' },
    { method: 'GET', path: '/consultations/anonymous', function: 'consultations', auth: 'public' },
    {
      method: 'POST',
      path: '/consultations/{consultNo}/answer',
      function: 'consultations',
      auth: 'user',
    },
    {
      method: 'POST',
      path: '/consultations/{consultNo}/rating',
      function: 'consultations',
      auth: 'user',
    },
    {
      method: 'POST',
      path: '/consultations/{consultNo}/anonymous-rating',
      function: 'consultations',
      auth: 'public',
    },
    { method: 'PUT', path: '/consultations/{consultNo}/faq', function: 'consultations', auth: 'user' },
    { method: 'DELETE', path: '/consultations/{consultNo}/faq', function: 'consultations', auth: 'user' },
    { method: 'GET', path: '/faq', function: 'consultations', auth: 'public' },
    { method: 'GET', path: '/appeals', function: 'ratingAppeals', auth: 'user' },
    { method: 'GET', path: '/cases/{caseNo}/result', function: 'caseResult', auth: 'user' },
    { method: 'POST', path: '/cases/{caseNo}/payment', function: 'payment', auth: 'user' },
    { method: 'POST', path: '/cases/{caseNo}/payment/query', function: 'payment', auth: 'user' },
    // The provider calls it; its RSA2 signature is the credential (functions/payments/notify.ts).
    { method: 'POST', path: '/payments/notify', function: 'paymentNotify', auth: 'public' },
    { method: 'GET', path: '/payments/reconciliation', function: 'paymentReconcile', auth: 'user' },
    { method: 'GET', path: '/stats', function: 'statsPublic', auth: 'public' },
    { method: 'GET', path: '/disclosure', function: 'statsPublic', auth: 'public' },
    { method: 'GET', path: '/stats/export', function: 'statsExport', auth: 'user' },
  ],
  streams: [
    { table: 'cases', function: 'caseStream' },
    { table: 'cases', function: 'supervisionStream' },
    { table: 'cases', function: 'paymentStream' },
    { table: 'cases', function: 'statsStream' },
    { table: 'cases', function: 'licenceIssue' },
  ],
} satisfies StackResources;

/** Resources of the platform stack (city-wide): catalogue, search, halls, identity. */
const platform = {
  apiPrefix: '/api',
  tables: {
    catalogue: {
      partitionKey: { name: 'pk', type: 'S' },
      sortKey: { name: 'sk', type: 'S' },
      indexes: {},
      stream: false,
      doc: [
        'The service catalogue of the city.',
        'HALL / <hallId>          a hall',
        'DEPT / <deptCode>        a department (实施机关)',
        'ITEM / <itemCode>        a service item (实施清单) with its guide and process template',
      ].join('\n'),
    },
    accounts: {
      partitionKey: { name: 'pk', type: 'S' },
      sortKey: { name: 'sk', type: 'S' },
      indexes: {
        byRole: { partitionKey: { name: 'gsi1pk', type: 'S' }, sortKey: { name: 'gsi1sk', type: 'S' } },
        byPost: { partitionKey: { name: 'gsi2pk', type: 'S' }, sortKey: { name: 'gsi2sk', type: 'S' } },
      },
      stream: false,
      ttlAttribute: 'expiresAt',
      doc: [
        'One-stop identity (functions/identity): accounts, enterprises, agents, lockout, audit.',
        'USER#<sub> / PROFILE                  an account (person, staff, agent, supervisor, operator)',
        'LOGIN#<username> / LOGIN              uniqueness guard and sign-in lookup → sub',
        'PHONE#<mobile> / UNIQUE               uniqueness guard → sub (persons sign in by phone)',
        'IDNO#<residentId> / UNIQUE            uniqueness guard → sub',
        'ENT#<uscc> / PROFILE                  an enterprise (法人) and its legal representative',
        'ENT#<uscc> / MEMBER#<sub>             a person who may act for it (legal | authorised)',
        "USER#<sub> / MEMBER#<uscc>            the same, from the person's side",
        'USER#<sub> / POST#<hall>#<dept>#<post> staff directory: one per post held (name, phone, status)',
        "USER#<agentSub> / MANDATE#<personSub> an agent's confirmed mandate for a person (expiresAt TTL)",
        'MANDREQ#<id> / REQUEST                a pending mandate: SMS code hash, attempts (expiresAt TTL)',
        'FAIL#PAIR#<sub>@<ip> / COUNTER        password tries of an account from one address, lock + backoff (expiresAt TTL)',
        'OTP#<purpose>#<target> / CODE         a live SMS code (register|reclaim|reset|login): hash, tries (expiresAt TTL)',
        'RATE#<key> / SLIDING                  sliding-window abuse counter, 10 slots (expiresAt TTL)',
        'AUDIT#<class>#<yyyy-mm-dd>#<shard> / <at>#<id>  audit log (security|activity, 4 shards by id; IDs and phones masked)',
        'REG#PERSON#<id> / REGISTRY            population registry record (data center exchange)',
        'REG#ENT#<uscc> / REGISTRY             legal-person registry record (data center exchange)',
        'byRole: gsi1pk=ROLE#<first role>, gsi1sk=<username>   operator account list',
        'byPost: gsi2pk=POST#<hall>#<dept>#<post>, gsi2sk=<sub> who holds a post (SMS on new tasks, alerts)',
      ].join('\n'),
    },
    calendar: {
      partitionKey: { name: 'pk', type: 'S' },
      sortKey: { name: 'sk', type: 'S' },
      indexes: {},
      stream: false,
      doc: [
        'The working-day calendar operators load (functions/calendar/store.ts); the seed is infra/config.',
        'CALENDAR / CURRENT      { revision, years }: the official years loaded, read by every deadline',
        'LOAD / <revision:6>     one load: the schedule, its recomputation job and the cases it moved',
      ].join('\n'),
    },
  },
  buckets: {},
  topics: {},
  stateMachines: {
    recompute: {
      file: 'calendar-recompute.asl.json',
      functions: { LoadDoneFunctionArn: 'calendarLoadDone' },
      hallFunctions: ['recomputeDeadlines'],
      doc: 'One execution per calendar load attempt: recompute the open cases of every hall, then record',
    },
  },
  functions: {
    calendarInfo: {
      entry: 'functions/calendar/info.ts',
      description: 'The working-day calendar: official and provisional years, operators’ notice',
      tables: { calendar: 'read' },
    },
    calendarAdmin: {
      entry: 'functions/calendar/load.ts',
      description: 'Operator: load a year’s official holiday schedule (audited), and the loads’ reports',
      tables: { calendar: 'write', accounts: 'write' },
      starts: ['recompute'],
      timeoutSeconds: 30,
    },
    calendarLoadDone: {
      entry: 'functions/calendar/recomputed.ts',
      description: 'Calendar job task: record what the recomputation moved in each hall (audited)',
      tables: { calendar: 'write', accounts: 'write' },
    },
    listHalls: {
      entry: 'functions/catalogue/halls.ts',
      description: 'The halls of the city',
      tables: { catalogue: 'read' },
    },
    searchItems: {
      entry: 'functions/catalogue/search.ts',
      description: 'Search and browse service items',
      tables: { catalogue: 'read' },
      memoryMb: 1024,
    },
    suggestItems: {
      entry: 'functions/catalogue/suggest.ts',
      description: 'Type-ahead suggestions for the search box',
      tables: { catalogue: 'read' },
      memoryMb: 1024,
    },
    listDepartments: {
      entry: 'functions/catalogue/departments.ts',
      description: 'Departments (实施机关) for 部门服务 navigation',
      tables: { catalogue: 'read' },
    },
    importCatalogue: {
      entry: 'functions/catalogue/import.ts',
      description: 'Operator: validate and load a catalogue (JSON or CSV), all or nothing (audited)',
      tables: { catalogue: 'write', accounts: 'write' },
      timeoutSeconds: 60,
      memoryMb: 1024,
    },
    catalogueVersions: {
      entry: 'functions/catalogue/rollback.ts',
      description: 'Operator: the catalogue versions, and the one-step rollback to the previous (audited)',
      tables: { catalogue: 'write', accounts: 'write' },
    },
    getItem: {
      entry: 'functions/catalogue/item.ts',
      description: 'One item with its guide (办事指南)',
      tables: { catalogue: 'read' },
    },
    registerPerson: {
      entry: 'functions/identity/register.ts',
      description:
        '自然人注册 with an SMS code to the registry phone; SMS codes; password reset and reclaim (abuse-limited)',
      tables: { accounts: 'write' },
      memoryMb: 1024,
      sms: true,
    },
    myAccount: {
      entry: 'functions/identity/account.ts',
      description: '我的账户, and switching "act as enterprise"',
      tables: { accounts: 'write' },
    },
    enterprises: {
      entry: 'functions/identity/enterprises.ts',
      description: '法人: register an enterprise (legal representative), authorise persons',
      tables: { accounts: 'write' },
    },
    agentMandates: {
      entry: 'functions/identity/mandates.ts',
      description: '代办: an agent asks a person for a mandate (SMS code) and confirms it',
      tables: { accounts: 'write' },
      sms: true,
    },
    accountsAdmin: {
      entry: 'functions/identity/admin.ts',
      description: 'Operator: list accounts, change roles (audited), read the audit log',
      tables: { accounts: 'write', catalogue: 'read' },
    },
  },
  routes: [
    { method: 'GET', path: '/halls', function: 'listHalls', auth: 'public' },
    { method: 'GET', path: '/calendar', function: 'calendarInfo', auth: 'public' },
    { method: 'PUT', path: '/calendar/years/{year}', function: 'calendarAdmin', auth: 'user' },
    { method: 'GET', path: '/calendar/loads', function: 'calendarAdmin', auth: 'user' },
    { method: 'GET', path: '/items', function: 'searchItems', auth: 'public' },
    { method: 'GET', path: '/items/{code}', function: 'getItem', auth: 'public' },
    { method: 'GET', path: '/suggest', function: 'suggestItems', auth: 'public' },
    { method: 'GET', path: '/departments', function: 'listDepartments', auth: 'public' },
    { method: 'POST', path: '/catalogue/import', function: 'importCatalogue', auth: 'user' },
    { method: 'GET', path: '/catalogue/versions', function: 'catalogueVersions', auth: 'user' },
    { method: 'POST', path: '/catalogue/rollback', function: 'catalogueVersions', auth: 'user' },
    { method: 'POST', path: '/accounts', function: 'registerPerson', auth: 'public' },
    { method: 'POST', path: '/accounts/codes', function: 'registerPerson', auth: 'public' },
    { method: 'POST', path: '/accounts/password-reset', function: 'registerPerson', auth: 'public' },
    { method: 'POST', path: '/accounts/phone-proofs', function: 'registerPerson', auth: 'public' },
    { method: 'GET', path: '/account', function: 'myAccount', auth: 'user' },
    { method: 'PUT', path: '/account/acting-for', function: 'myAccount', auth: 'user' },
    { method: 'DELETE', path: '/account/sessions', function: 'myAccount', auth: 'user' },
    { method: 'POST', path: '/enterprises', function: 'enterprises', auth: 'user' },
    { method: 'POST', path: '/enterprises/{uscc}/members', function: 'enterprises', auth: 'user' },
    { method: 'GET', path: '/agent/mandates', function: 'agentMandates', auth: 'user' },
    { method: 'POST', path: '/agent/mandates', function: 'agentMandates', auth: 'user' },
    { method: 'POST', path: '/agent/mandates/{id}/confirm', function: 'agentMandates', auth: 'user' },
    { method: 'GET', path: '/accounts', function: 'accountsAdmin', auth: 'user' },
    { method: 'PUT', path: '/accounts/{sub}/roles', function: 'accountsAdmin', auth: 'user' },
    { method: 'GET', path: '/audit', function: 'accountsAdmin', auth: 'user' },
  ],
  streams: [],
} satisfies StackResources;

export const hallResources: StackResources = hall;
export const platformResources: StackResources = platform;

type Names<K extends 'tables' | 'buckets' | 'topics' | 'stateMachines'> = Uppercase<
  (keyof (typeof hall)[K] | keyof (typeof platform)[K]) & string
>;

/**
 * Every environment variable a handler may read, derived from the resources above (`envVarFor`),
 * plus the hall's identity: `env('CASES_TABLE')` type-checks, `env('CASE_TABLE')` does not.
 */
export type EnvName =
  | `${Names<'tables'>}_TABLE`
  | `${Names<'buckets'>}_BUCKET`
  | `${Names<'topics'>}_TOPIC_ARN`
  | `${Names<'stateMachines'>}_STATE_MACHINE_ARN`
  | 'HALL_ID'
  | 'HALL_CODE'
  /** The key paging cursors are signed with (functions/lib/cursor.ts), the same for every function. */
  | 'CURSOR_KEY'
  /** The portal's origin (links in SMS, payment return and notification URLs); every hall function. */
  | 'PORTAL_URL'
  /** The payment provider (functions/payments/config.ts): gateway URL, app and merchant ids, keys (PEM). */
  | 'PAYMENT_GATEWAY'
  | 'PAYMENT_APP_ID'
  | 'PAYMENT_SELLER_ID'
  | 'PAYMENT_APP_KEY'
  | 'PAYMENT_PROVIDER_KEY';
