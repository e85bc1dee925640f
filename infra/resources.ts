/**
 * The one description of the cloud resources. The CDK stacks (infra/stacks) and the local cloud
 * (infra/local) both read this file, so what runs locally is what deploys.
 *
 * Naming contract for handlers: every resource reaches a handler as an environment variable
 * named by `envVarFor` (table `cases` → CASES_TABLE, topic `sms` → SMS_TOPIC_ARN, …).
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
  /** Tables of the platform stack a hall function reads (e.g. the catalogue when filing). */
  platformTables?: Record<string, Access>;
  buckets?: Record<string, Access>;
  topics?: string[];
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
  /** 'public' routes only read; every route that changes data needs 'user' (a verified JWT). */
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

/** Resources of one hall stack (HallStack-<hallId>); every hall has the same set. */
export const hallResources: StackResources = {
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
        'CASE#<caseNo> / CASE                 the case (version, status, current step, task token, deadlines)',
        'CASE#<caseNo> / EVT#<seq:4>          process events, hash-chained (each stores the previous hash)',
        'CASE#<caseNo> / SMS#<eventSeq>#<to>  SMS outbox record of one event and recipient',
        'SEQ#<yyyymmdd> / SEQ                 daily case number counter',
        'IDEM#<sub>#<key> / IDEM              idempotency record of a filing (expiresAt TTL)',
        'byApplicant: gsi1pk=APPLICANT#<sub>, gsi1sk=<filedAt>   “我的办件”',
        'byQueue:     gsi2pk=QUEUE#<dept>#<post>, gsi2sk=<deadline>#<caseNo>   staff queue by deadline',
      ].join('\n'),
    },
  },
  buckets: {
    materials: { browserUploads: true, doc: 'Application materials and results, key <caseNo>/<materialId>' },
  },
  topics: {
    sms: { doc: 'Transactional SMS to applicants and staff (SMS messages are published by phone number)' },
    alerts: { doc: 'E-supervision alerts fanned out to supervisors' },
  },
  stateMachines: {
    lifecycle: {
      file: 'case-lifecycle.asl.json',
      functions: { AwaitTaskFunctionArn: 'awaitTask' },
      doc: 'One execution per case (execution name = case number); human steps wait for task tokens',
    },
  },
  functions: {
    fileCase: {
      entry: 'functions/cases/file.ts',
      description: '申办: file a case',
      tables: { cases: 'write' },
      platformTables: { catalogue: 'read' },
      starts: ['lifecycle'],
    },
    caseAction: {
      entry: 'functions/cases/action.ts',
      description: 'Staff actions on a case (受理, …)',
      tables: { cases: 'write' },
      answers: ['lifecycle'],
    },
    taskQueue: {
      entry: 'functions/cases/queue.ts',
      description: 'Staff task queue of one department and post',
      tables: { cases: 'read' },
    },
    progress: {
      entry: 'functions/cases/progress.ts',
      description: '办件进度查询 by case number and query code',
      tables: { cases: 'read' },
    },
    awaitTask: {
      entry: 'functions/lifecycle/await-task.ts',
      description: 'State machine task: store the task token of a human step with the case',
      tables: { cases: 'write' },
    },
    caseStream: {
      entry: 'functions/notify/case-stream.ts',
      description: 'Cases table stream: SMS for each new process event',
      tables: { cases: 'write' },
      topics: ['sms'],
    },
  },
  routes: [
    { method: 'POST', path: '/cases', function: 'fileCase', auth: 'user' },
    { method: 'POST', path: '/cases/{caseNo}/actions', function: 'caseAction', auth: 'user' },
    { method: 'GET', path: '/tasks', function: 'taskQueue', auth: 'user' },
    { method: 'GET', path: '/progress', function: 'progress', auth: 'public' },
  ],
  streams: [{ table: 'cases', function: 'caseStream' }],
};

/** Resources of the platform stack (city-wide): catalogue, search, halls. */
export const platformResources: StackResources = {
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
  },
  buckets: {},
  topics: {},
  stateMachines: {},
  functions: {
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
  },
  routes: [
    { method: 'GET', path: '/halls', function: 'listHalls', auth: 'public' },
    { method: 'GET', path: '/items', function: 'searchItems', auth: 'public' },
    { method: 'GET', path: '/items/{code}', function: 'getItem', auth: 'public' },
    { method: 'GET', path: '/suggest', function: 'suggestItems', auth: 'public' },
    { method: 'GET', path: '/departments', function: 'listDepartments', auth: 'public' },
    { method: 'POST', path: '/catalogue/import', function: 'importCatalogue', auth: 'user' },
  ],
  streams: [],
};
