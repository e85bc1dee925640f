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
  /** Browsers upload straight to the bucket with presigned PUTs, so it needs CORS. */
  browserUploads: boolean;
  doc: string;
}

export interface TopicSpec {
  doc: string;
}

export type Access = 'read' | 'write';

export interface FunctionSpec {
  /** Module path from the repository root; the module exports `handler`. */
  entry: string;
  description: string;
  timeoutSeconds?: number;
  memoryMb?: number;
  tables?: Record<string, Access>;
  /** Tables of the platform stack a hall function reads by key (e.g. the catalogue when filing). */
  platformTables?: Record<string, 'read'>;
  buckets?: Record<string, Access>;
  topics?: string[];
  /** Sends SMS straight to phone numbers (SNS Publish with PhoneNumber). */
  sms?: boolean;
  /** State machines this function starts executions of. */
  starts?: string[];
  /** State machines whose task tokens this function answers (SendTaskSuccess/Failure). */
  answers?: string[];
}

export interface StateMachineSpec {
  /** File in statemachines/; `${Name}` placeholders are filled from `functions`. */
  file: string;
  /** Definition substitution name → function id whose ARN fills it. */
  functions: Record<string, string>;
  doc: string;
}

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
        'CASE#<caseNo> / AGENT                the agent who filed it (for the agent’s own list)',
        'SEQ#<yyyymmdd> / SEQ                 daily case number counter',
        'IDEM#<sub>#<key> / IDEM              idempotency record of a filing (expiresAt TTL)',
        'RATE#<key>#<window> / RATE           rate-limit counter (expiresAt TTL)',
        'byApplicant: gsi1pk=APPLICANT#<sub>, gsi1sk=<filedAt>            “我的办件”',
        'byQueue:     gsi2pk=QUEUE#<dept>#<post>, gsi2sk=<deadline|9999>#<since>#<caseNo>  staff queue (TASK items), most urgent first',
        '             gsi2pk=ALERTS, gsi2sk=<raisedAt>#<caseNo>#<alertId>   supervisors’ alert list',
      ].join('\n'),
    },
  },
  buckets: {
    materials: { browserUploads: true, doc: 'Application materials and results, key <caseNo>/<materialId>' },
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
      doc: 'One execution per deadline instant (yellow, red, deemed acceptance); stale timers do nothing',
    },
  },
  functions: {
    fileCase: {
      entry: 'functions/cases/file.ts',
      description: '申办: file a case (for oneself, one’s enterprise, or as an agent)',
      tables: { cases: 'write' },
      platformTables: { catalogue: 'read', accounts: 'read' },
      starts: ['lifecycle'],
    },
    caseAction: {
      entry: 'functions/cases/action.ts',
      description: 'Staff decisions and the applicant’s own acts on a case',
      tables: { cases: 'write' },
      answers: ['lifecycle'],
    },
    caseDetail: {
      entry: 'functions/cases/detail.ts',
      description: 'One case with its timeline, deadlines, tasks and allowed actions',
      tables: { cases: 'read' },
    },
    myCases: {
      entry: 'functions/cases/mine.ts',
      description: '我的办件',
      tables: { cases: 'read' },
    },
    verifyCase: {
      entry: 'functions/cases/verify.ts',
      description: 'Verify the hash chain of a case timeline',
      tables: { cases: 'read' },
    },
    taskQueue: {
      entry: 'functions/cases/queue.ts',
      description: 'Staff task queue of one department and post, by deadline',
      tables: { cases: 'read' },
    },
    progress: {
      entry: 'functions/cases/progress.ts',
      description: '办件进度查询 by case number and query code',
      tables: { cases: 'write' },
    },
    listAlerts: {
      entry: 'functions/supervision/alerts.ts',
      description: 'E-supervision alerts of the hall',
      tables: { cases: 'read' },
    },
    respondAlert: {
      entry: 'functions/supervision/respond.ts',
      description: '督办 an alert, or the department’s reply',
      tables: { cases: 'write' },
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
      answers: ['lifecycle'],
    },
    supervisionStream: {
      entry: 'functions/lifecycle/supervision-stream.ts',
      description: 'Cases table stream: start timers for new deadlines, publish new alerts',
      tables: { cases: 'read' },
      topics: ['alerts'],
      starts: ['timer'],
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
    { method: 'POST', path: '/cases/{caseNo}/alerts/{alertId}', function: 'respondAlert', auth: 'user' },
    { method: 'GET', path: '/tasks', function: 'taskQueue', auth: 'user' },
    { method: 'GET', path: '/alerts', function: 'listAlerts', auth: 'user' },
    { method: 'GET', path: '/progress', function: 'progress', auth: 'public' },
  ],
  streams: [
    { table: 'cases', function: 'caseStream' },
    { table: 'cases', function: 'supervisionStream' },
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
        'AUDIT#<yyyy-mm-dd> / <at>#<id>        audit log, IDs and phones masked',
        'REG#PERSON#<id> / REGISTRY            population registry record (data center exchange)',
        'REG#ENT#<uscc> / REGISTRY             legal-person registry record (data center exchange)',
        'byRole: gsi1pk=ROLE#<first role>, gsi1sk=<username>   operator account list',
        'byPost: gsi2pk=POST#<hall>#<dept>#<post>, gsi2sk=<sub> who holds a post (SMS on new tasks, alerts)',
      ].join('\n'),
    },
  },
  buckets: {},
  topics: {},
  stateMachines: {},
  functions: {
    calendarInfo: {
      entry: 'functions/calendar/info.ts',
      description: 'The working-day calendar: official and provisional years, operators’ notice',
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
      description: 'Operator: validate and load a catalogue (JSON or CSV), all or nothing',
      tables: { catalogue: 'write' },
      timeoutSeconds: 60,
      memoryMb: 1024,
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
    { method: 'GET', path: '/items', function: 'searchItems', auth: 'public' },
    { method: 'GET', path: '/items/{code}', function: 'getItem', auth: 'public' },
    { method: 'GET', path: '/suggest', function: 'suggestItems', auth: 'public' },
    { method: 'GET', path: '/departments', function: 'listDepartments', auth: 'public' },
    { method: 'POST', path: '/catalogue/import', function: 'importCatalogue', auth: 'user' },
    { method: 'POST', path: '/accounts', function: 'registerPerson', auth: 'public' },
    { method: 'POST', path: '/accounts/codes', function: 'registerPerson', auth: 'public' },
    { method: 'POST', path: '/accounts/password-reset', function: 'registerPerson', auth: 'public' },
    { method: 'GET', path: '/account', function: 'myAccount', auth: 'user' },
    { method: 'PUT', path: '/account/acting-for', function: 'myAccount', auth: 'user' },
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
  | 'HALL_CODE';
