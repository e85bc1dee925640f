/**
 * State machines, executions, task tokens and their persistence. The HTTP layer (server.ts) only maps
 * requests onto the public methods here; the ASL itself is run by `aws-local-stepfunctions` on a copy of
 * the definition prepared by transform.ts.
 *
 * Resume model: each top-level state entry is a checkpoint (state name + its input). Everything the
 * handlers do inside that top-level state is appended to a journal keyed by (state name, task input):
 * task results and errors, handed-out task tokens, the instants Wait states wait for. After a restart the
 * run starts again at the checkpointed state and the handlers replay the journal in order instead of
 * repeating side effects, so a token handed out before the restart is still the one that gets answered,
 * and a Wait keeps its original instant.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import {
  captureLibraryTimeout,
  ExecutionAbortedError,
  ExecutionError,
  type LibraryTimeout,
  StateMachine,
} from './library.ts';
import { JsonStore } from './store.ts';
import type { DevClock } from './timers.ts';
import { DevTimers } from './timers.ts';
import {
  CHECKPOINT_PREFIX,
  canonicalJson,
  injectToken,
  type Json,
  type Prepared,
  prepare,
  type StateInfo,
} from './transform.ts';

export interface EngineOptions {
  region: string;
  accountId: string;
  dataDir?: string;
  invokeLambda: (functionName: string, payload: unknown) => Promise<unknown>;
  /** Other service integrations (`arn:aws:states:::sns:publish`, ...); without it such tasks fail. */
  callService?: (resource: string, parameters: unknown) => Promise<unknown>;
  clock: DevClock;
}

/** An error answered to the SDK as HTTP 400 `{ __type: code, message }`. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

type Status = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT';

interface MachineRecord {
  name: string;
  arn: string;
  definition: string;
  roleArn: string;
  type: string;
  creationDate: number;
  updateDate?: number;
  revisionId: string;
}

interface HistoryEvent {
  id: number;
  previousEventId: number;
  timestamp: number;
  type: string;
  [details: string]: unknown;
}

type JournalEntry =
  | { kind: 'result'; value: Json }
  | { kind: 'error'; error: string; cause: string; timeout?: boolean }
  | TokenEntry
  | { kind: 'wait'; until: number }
  | { kind: 'running'; startedAt: number; timeoutAt?: number };

interface TokenEntry {
  kind: 'token';
  token: string;
  startedAt: number;
  timeoutAt?: number;
  heartbeatMs?: number;
  heartbeatAt?: number;
}

interface Journal {
  generation: number;
  /** The checkpointed top-level state and its input. */
  state: string;
  input: Json;
  entries: Record<string, JournalEntry[]>;
}

interface ExecutionRecord {
  executionArn: string;
  stateMachineArn: string;
  stateMachineName: string;
  name: string;
  input: string;
  roleArn: string;
  /** The definition at start time: an execution keeps running the version it started with. */
  definition: string;
  status: Status;
  startDate: number;
  stopDate?: number;
  output?: string;
  error?: string;
  cause?: string;
  journal?: Journal;
  history: HistoryEvent[];
}

interface Runtime {
  rec: ExecutionRecord;
  prepared: Prepared;
  abort?: () => void;
  /** Per journal key, how many entries this run has consumed (replay position). */
  cursors: Map<string, number>;
  stopReason?: 'stopped' | 'timeout' | 'shutdown';
  cancelTimeout?: () => void;
  pendings: Set<PendingTask>;
  waits: Set<() => void>;
  /** On resume the library re-enters the checkpointed state; its history already has that event. */
  suppressEntered?: string;
}

interface PendingTask {
  token: string;
  rt: Runtime;
  key: string;
  index: number;
  generation: number;
  entry: TokenEntry;
  promise: Promise<Json>;
  resolve: (value: Json) => void;
  reject: (err: unknown) => void;
  cancelTimeout: () => void;
  cancelHeartbeat: () => void;
}

interface LibraryEvent {
  type: string;
  state?: { name: string; type: string; input?: unknown; output?: unknown };
  parentState?: { name: string };
  index?: number;
  Error?: string;
  Cause?: unknown;
}

interface Wrapped {
  i: Json;
  p?: Json;
  t?: unknown;
  h?: unknown;
  s?: unknown;
  ts?: unknown;
}

/** Error given to the library: `name` is what Retry/Catch match, `message` becomes the Cause. */
class TaskError extends Error {
  isRetryable?: boolean;
  isCatchable?: boolean;
  timeout?: boolean;
  constructor(name: string, cause: string) {
    super(cause);
    this.name = name;
  }
}

function runtimeError(message: string): TaskError {
  const err = new TaskError('States.Runtime', message);
  // Like the library's own States.Runtime: neither Retry nor Catch may handle it.
  err.isRetryable = false;
  err.isCatchable = false;
  return err;
}

function timeoutError(): TaskError {
  const err = new TaskError('States.Timeout', 'The task timed out on the dev clock');
  err.timeout = true;
  return err;
}

/** Turns a failed invokeLambda into the error Step Functions reports (name = Lambda's errorType). */
function lambdaError(err: unknown): TaskError {
  if (err instanceof TaskError) return err;
  const e = (err ?? {}) as { errorType?: unknown; name?: unknown; message?: unknown; errorMessage?: unknown };
  const errorType =
    typeof e.errorType === 'string' ? e.errorType : typeof e.name === 'string' ? e.name : 'Error';
  const errorMessage =
    typeof e.errorMessage === 'string'
      ? e.errorMessage
      : typeof e.message === 'string'
        ? e.message
        : String(err);
  return new TaskError(errorType, JSON.stringify({ errorMessage, errorType }));
}

const never = <T>() => new Promise<T>(() => {});
const sec = (ms: number | undefined) => (ms === undefined ? undefined : ms / 1000);
const NAME_RE = /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/\p{Cc}]{1,80}$/u;
const MAX_PAYLOAD = 256 * 1024;

function requireString(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new ApiError('ValidationException', `1 validation error detected: '${field}' must not be null`);
  }
  return value;
}

function pageOf<T>(
  items: T[],
  maxResults: unknown,
  nextToken: unknown,
  max = 1000,
): { page: T[]; next?: string } {
  const size = typeof maxResults === 'number' && maxResults > 0 ? Math.min(maxResults, max) : 100;
  let start = 0;
  if (typeof nextToken === 'string' && nextToken) {
    start = Number(Buffer.from(nextToken, 'base64url').toString());
    if (!Number.isInteger(start) || start < 0) throw new ApiError('InvalidToken', 'Invalid Token: nextToken');
  }
  const page = items.slice(start, start + size);
  const next =
    start + size < items.length ? Buffer.from(String(start + size)).toString('base64url') : undefined;
  return { page, next };
}

export class Engine {
  private readonly machines = new Map<string, MachineRecord>(); // by ARN
  private readonly executions = new Map<string, ExecutionRecord>(); // by ARN
  private readonly runtimes = new Map<string, Runtime>();
  private readonly pending = new Map<string, PendingTask>(); // by token
  private readonly prepared = new Map<string, Prepared>(); // by definition text
  private readonly timers: DevTimers;
  private readonly store?: JsonStore;
  private readonly partition: string;
  private closing = false;

  constructor(private readonly opts: EngineOptions) {
    this.timers = new DevTimers(opts.clock);
    this.store = opts.dataDir ? new JsonStore(opts.dataDir) : undefined;
    this.partition = opts.region.startsWith('cn-')
      ? 'aws-cn'
      : opts.region.startsWith('us-gov-')
        ? 'aws-us-gov'
        : 'aws';
  }

  // ---------------------------------------------------------------- lifecycle

  async load(): Promise<void> {
    if (!this.store) return;
    await this.store.init('state-machines', 'executions');
    for (const m of await this.store.readAll<MachineRecord>('state-machines')) this.machines.set(m.arn, m);
    const running: ExecutionRecord[] = [];
    for (const rec of await this.store.readAll<ExecutionRecord>('executions')) {
      this.executions.set(rec.executionArn, rec);
      if (rec.status === 'RUNNING') running.push(rec);
    }
    for (const rec of running) {
      try {
        this.startRun(rec, true);
      } catch (err) {
        console.error(`[stepfunctions] cannot resume ${rec.executionArn}`, err);
        this.failUnresumable(rec, err);
      }
    }
  }

  /** Stops every run WITHOUT recording an outcome (they resume on the next start), then flushes files. */
  async shutdown(): Promise<void> {
    this.closing = true;
    for (const rt of this.runtimes.values()) {
      rt.stopReason = 'shutdown';
      rt.abort?.();
    }
    for (const p of this.pending.values()) {
      p.cancelTimeout();
      p.cancelHeartbeat();
    }
    this.timers.stop();
    await this.store?.close();
  }

  // ---------------------------------------------------------------- state machines

  private machineArn(name: string): string {
    return `arn:${this.partition}:states:${this.opts.region}:${this.opts.accountId}:stateMachine:${name}`;
  }

  /** The ARN a state machine of this name has (or would have). */
  stateMachineArnOf(name: string): string {
    return this.machineArn(name);
  }

  private executionArn(machine: string, name: string): string {
    return `arn:${this.partition}:states:${this.opts.region}:${this.opts.accountId}:execution:${machine}:${name}`;
  }

  private machineByArn(arn: unknown): MachineRecord {
    const value = requireString(arn, 'stateMachineArn');
    const m = this.machines.get(value);
    if (m) return m;
    if (!/^arn:[a-z-]+:states:[a-z0-9-]+:\d{12}:stateMachine:[^:]+$/.test(value)) {
      throw new ApiError('InvalidArn', `Invalid Arn: 'Resource type not valid in this context: ${value}'`);
    }
    throw new ApiError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${value}'`);
  }

  private executionByArn(arn: unknown): ExecutionRecord {
    const value = requireString(arn, 'executionArn');
    const rec = this.executions.get(value);
    if (rec) return rec;
    if (!/^arn:[a-z-]+:states:[a-z0-9-]+:\d{12}:execution:[^:]+:[^:]+$/.test(value)) {
      throw new ApiError('InvalidArn', `Invalid Arn: 'Resource type not valid in this context: ${value}'`);
    }
    throw new ApiError('ExecutionDoesNotExist', `Execution Does Not Exist: '${value}'`);
  }

  private validateDefinition(text: unknown): string {
    const definition = requireString(text, 'definition');
    let parsed: unknown;
    try {
      parsed = JSON.parse(definition);
    } catch (err) {
      throw new ApiError(
        'InvalidDefinition',
        `Invalid State Machine Definition: 'INVALID_JSON_DESCRIPTION: ${err}'`,
      );
    }
    try {
      // Full validation (paths and ARNs) exactly as the library would run it.
      new StateMachine(parsed as never);
      this.prepareFor(definition);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      throw new ApiError(
        'InvalidDefinition',
        `Invalid State Machine Definition: '${message.replace(/\s+/g, ' ')}'`,
      );
    }
    return definition;
  }

  private prepareFor(definition: string): Prepared {
    let p = this.prepared.get(definition);
    if (!p) {
      p = prepare(JSON.parse(definition));
      this.prepared.set(definition, p);
    }
    return p;
  }

  createStateMachine(req: Record<string, unknown>) {
    const name = requireString(req.name, 'name');
    if (!NAME_RE.test(name)) throw new ApiError('InvalidName', `Invalid Name: '${name}'`);
    const definition = this.validateDefinition(req.definition);
    const roleArn = requireString(req.roleArn, 'roleArn');
    const type = typeof req.type === 'string' ? req.type : 'STANDARD';
    const arn = this.machineArn(name);
    const existing = this.machines.get(arn);
    if (existing) {
      // AWS answers an identical create with the existing machine (CreateStateMachine is idempotent).
      if (existing.definition === definition && existing.type === type) {
        return { stateMachineArn: arn, creationDate: sec(existing.creationDate) };
      }
      throw new ApiError('StateMachineAlreadyExists', `State Machine Already Exists: '${arn}'`);
    }
    const m: MachineRecord = {
      name,
      arn,
      definition,
      roleArn,
      type,
      creationDate: this.opts.clock.now(),
      revisionId: randomUUID(),
    };
    this.machines.set(arn, m);
    this.saveMachine(m);
    return { stateMachineArn: arn, creationDate: sec(m.creationDate) };
  }

  updateStateMachine(req: Record<string, unknown>) {
    const m = this.machineByArn(req.stateMachineArn);
    if (req.definition !== undefined) m.definition = this.validateDefinition(req.definition);
    if (typeof req.roleArn === 'string' && req.roleArn) m.roleArn = req.roleArn;
    m.updateDate = this.opts.clock.now();
    m.revisionId = randomUUID();
    this.saveMachine(m);
    return { updateDate: sec(m.updateDate), revisionId: m.revisionId };
  }

  describeStateMachine(req: Record<string, unknown>) {
    const m = this.machineByArn(req.stateMachineArn);
    return {
      stateMachineArn: m.arn,
      name: m.name,
      status: 'ACTIVE',
      definition: m.definition,
      roleArn: m.roleArn,
      type: m.type,
      creationDate: sec(m.creationDate),
      revisionId: m.revisionId,
      loggingConfiguration: { level: 'OFF', includeExecutionData: false },
      tracingConfiguration: { enabled: false },
    };
  }

  listStateMachines(req: Record<string, unknown>) {
    const all = [...this.machines.values()].sort((a, b) => a.name.localeCompare(b.name));
    const { page, next } = pageOf(all, req.maxResults, req.nextToken);
    return {
      stateMachines: page.map((m) => ({
        stateMachineArn: m.arn,
        name: m.name,
        type: m.type,
        creationDate: sec(m.creationDate),
      })),
      nextToken: next,
    };
  }

  deleteStateMachine(req: Record<string, unknown>) {
    const arn = requireString(req.stateMachineArn, 'stateMachineArn');
    const m = this.machines.get(arn);
    if (m) {
      this.machines.delete(arn);
      this.store?.remove(`state-machines/${encodeURIComponent(m.name)}.json`).catch(logWriteError);
    }
    return {};
  }

  describeStateMachineForExecution(req: Record<string, unknown>) {
    const rec = this.executionByArn(req.executionArn);
    return {
      stateMachineArn: rec.stateMachineArn,
      name: rec.stateMachineName,
      definition: rec.definition,
      roleArn: rec.roleArn,
      updateDate: sec(rec.startDate),
    };
  }

  // ---------------------------------------------------------------- executions

  startExecution(req: Record<string, unknown>) {
    const m = this.machineByArn(req.stateMachineArn);
    const name = req.name === undefined ? randomUUID() : requireString(req.name, 'name');
    if (!NAME_RE.test(name)) throw new ApiError('InvalidName', `Invalid Name: '${name}'`);
    const input = req.input === undefined ? '{}' : String(req.input);
    if (Buffer.byteLength(input) > MAX_PAYLOAD) {
      throw new ApiError('InvalidExecutionInput', 'Invalid Execution Input: input exceeds 256 KiB');
    }
    let parsed: Json;
    try {
      parsed = JSON.parse(input);
    } catch {
      throw new ApiError('InvalidExecutionInput', `Invalid Execution Input: '${input.slice(0, 100)}'`);
    }
    const arn = this.executionArn(m.name, name);
    const existing = this.executions.get(arn);
    if (existing) {
      // Same name and input: answer the existing execution (running or finished), so a retried start is harmless.
      if (canonicalJson(JSON.parse(existing.input)) === canonicalJson(parsed)) {
        return { executionArn: arn, startDate: sec(existing.startDate) };
      }
      throw new ApiError('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`);
    }
    const rec: ExecutionRecord = {
      executionArn: arn,
      stateMachineArn: m.arn,
      stateMachineName: m.name,
      name,
      input,
      roleArn: m.roleArn,
      definition: m.definition,
      status: 'RUNNING',
      startDate: this.opts.clock.now(),
      history: [],
    };
    this.executions.set(arn, rec);
    this.addEvent(rec, 'ExecutionStarted', {
      executionStartedEventDetails: { input, inputDetails: { truncated: false }, roleArn: m.roleArn },
    });
    this.startRun(rec, false);
    return { executionArn: arn, startDate: sec(rec.startDate) };
  }

  describeExecution(req: Record<string, unknown>) {
    const rec = this.executionByArn(req.executionArn);
    return {
      executionArn: rec.executionArn,
      stateMachineArn: rec.stateMachineArn,
      name: rec.name,
      status: rec.status,
      startDate: sec(rec.startDate),
      stopDate: sec(rec.stopDate),
      input: rec.input,
      inputDetails: { included: true },
      output: rec.status === 'SUCCEEDED' ? rec.output : undefined,
      outputDetails: rec.status === 'SUCCEEDED' ? { included: true } : undefined,
      error: rec.error,
      cause: rec.cause,
    };
  }

  listExecutions(req: Record<string, unknown>) {
    const m = this.machineByArn(req.stateMachineArn);
    const filter = typeof req.statusFilter === 'string' ? req.statusFilter : undefined;
    const all = [...this.executions.values()]
      .filter((e) => e.stateMachineArn === m.arn && (!filter || e.status === filter))
      .sort((a, b) => b.startDate - a.startDate || b.name.localeCompare(a.name));
    const { page, next } = pageOf(all, req.maxResults, req.nextToken);
    return {
      executions: page.map((e) => ({
        executionArn: e.executionArn,
        stateMachineArn: e.stateMachineArn,
        name: e.name,
        status: e.status,
        startDate: sec(e.startDate),
        stopDate: sec(e.stopDate),
      })),
      nextToken: next,
    };
  }

  stopExecution(req: Record<string, unknown>) {
    const rec = this.executionByArn(req.executionArn);
    const rt = this.runtimes.get(rec.executionArn);
    if (rec.status === 'RUNNING') {
      const error = typeof req.error === 'string' ? req.error : undefined;
      const cause = typeof req.cause === 'string' ? req.cause : undefined;
      if (rt) rt.stopReason = 'stopped';
      this.finish(rec, 'ABORTED', { error, cause });
      rt?.abort?.();
    }
    return { stopDate: sec(rec.stopDate) };
  }

  getExecutionHistory(req: Record<string, unknown>) {
    const rec = this.executionByArn(req.executionArn);
    const events = req.reverseOrder === true ? [...rec.history].reverse() : rec.history;
    const { page, next } = pageOf(events, req.maxResults, req.nextToken);
    const withData = req.includeExecutionData !== false;
    return {
      events: page.map((e) => {
        const out: Record<string, unknown> = { ...e, timestamp: sec(e.timestamp) };
        if (!withData) {
          for (const [k, v] of Object.entries(out)) {
            if (k.endsWith('EventDetails') && v && typeof v === 'object') {
              const { input: _i, output: _o, ...rest } = v as Record<string, unknown>;
              out[k] = rest;
            }
          }
        }
        return out;
      }),
      nextToken: next,
    };
  }

  // ---------------------------------------------------------------- task tokens

  private newToken(rec: ExecutionRecord): string {
    const body = JSON.stringify({ e: rec.executionArn, n: randomBytes(12).toString('hex') });
    return Buffer.from(body).toString('base64url');
  }

  /** The pending task of a token, or the error AWS answers for a token that cannot be answered. */
  private pendingFor(token: unknown): PendingTask {
    const value = requireString(token, 'taskToken');
    const p = this.pending.get(value);
    if (p) return p;
    let executionArn: unknown;
    try {
      executionArn = JSON.parse(Buffer.from(value, 'base64url').toString()).e;
    } catch {
      executionArn = undefined;
    }
    if (typeof executionArn !== 'string')
      throw new ApiError('InvalidToken', "Invalid Token: 'Invalid token'");
    if (!this.executions.has(executionArn)) {
      throw new ApiError('TaskDoesNotExist', 'Task Does Not Exist: the execution of this token is unknown');
    }
    // Answered, timed out, or its execution stopped: AWS answers TaskTimedOut for all of these.
    throw new ApiError('TaskTimedOut', "Task Timed Out: 'Provided task does not exist anymore'");
  }

  sendTaskSuccess(req: Record<string, unknown>) {
    this.assertOpen();
    const p = this.pendingFor(req.taskToken);
    const output = requireString(req.output, 'output');
    if (Buffer.byteLength(output) > MAX_PAYLOAD)
      throw new ApiError('InvalidOutput', 'Invalid Output: too large');
    let value: Json;
    try {
      value = JSON.parse(output);
    } catch {
      throw new ApiError('InvalidOutput', `Invalid Output: '${output.slice(0, 100)}'`);
    }
    this.settlePending(p, { result: value });
    return {};
  }

  sendTaskFailure(req: Record<string, unknown>) {
    this.assertOpen();
    const p = this.pendingFor(req.taskToken);
    const error = typeof req.error === 'string' ? req.error : '';
    const cause = typeof req.cause === 'string' ? req.cause : '';
    this.settlePending(p, { error: new TaskError(error, cause) });
    return {};
  }

  sendTaskHeartbeat(req: Record<string, unknown>) {
    this.assertOpen();
    const p = this.pendingFor(req.taskToken);
    if (p.entry.heartbeatMs !== undefined) {
      p.entry.heartbeatAt = this.opts.clock.now();
      this.armHeartbeat(p);
      this.saveExecution(p.rt.rec);
    }
    return {};
  }

  private assertOpen() {
    if (this.closing)
      throw new ApiError('ServiceUnavailable', 'The local Step Functions endpoint is stopping');
  }

  private registerPending(rt: Runtime, key: string, index: number, generation: number, entry: TokenEntry) {
    const existing = this.pending.get(entry.token);
    if (existing) return existing;
    let resolve!: (v: Json) => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise<Json>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    promise.catch(() => {}); // a token closed with nobody awaiting it must not be an unhandled rejection
    const p: PendingTask = {
      token: entry.token,
      rt,
      key,
      index,
      generation,
      entry,
      promise,
      resolve,
      reject,
      cancelTimeout: () => {},
      cancelHeartbeat: () => {},
    };
    this.pending.set(entry.token, p);
    rt.pendings.add(p);
    if (entry.timeoutAt !== undefined) {
      p.cancelTimeout = this.timers.at(entry.timeoutAt, () =>
        this.settlePending(p, { error: timeoutError() }),
      );
    }
    this.armHeartbeat(p);
    return p;
  }

  private armHeartbeat(p: PendingTask) {
    p.cancelHeartbeat();
    const { heartbeatMs, heartbeatAt } = p.entry;
    if (heartbeatMs === undefined || heartbeatAt === undefined) return;
    // AWS reports a missed heartbeat as States.HeartbeatTimeout, which States.Timeout also matches.
    p.cancelHeartbeat = this.timers.at(heartbeatAt + heartbeatMs, () =>
      this.settlePending(p, { error: timeoutError() }),
    );
  }

  private settlePending(p: PendingTask, outcome: { result: Json } | { error: TaskError } | { closed: true }) {
    if (this.pending.get(p.token) !== p) return;
    this.pending.delete(p.token);
    p.rt.pendings.delete(p);
    p.cancelTimeout();
    p.cancelHeartbeat();
    if ('closed' in outcome) {
      p.reject(new TaskError('States.Runtime', 'task closed'));
      return;
    }
    if ('result' in outcome) {
      this.setEntry(p.rt, p.key, p.index, p.generation, { kind: 'result', value: outcome.result });
      p.resolve(outcome.result);
    } else {
      const { name, message, timeout } = outcome.error;
      this.setEntry(p.rt, p.key, p.index, p.generation, {
        kind: 'error',
        error: name,
        cause: message,
        timeout,
      });
      p.reject(outcome.error);
    }
    this.saveExecution(p.rt.rec);
  }

  // ---------------------------------------------------------------- running

  private contextFor(rec: ExecutionRecord) {
    return {
      Execution: {
        Id: rec.executionArn,
        Name: rec.name,
        RoleArn: rec.roleArn,
        // Read through rewritten paths (transform.ts): the library overwrites Input/StartTime on resume.
        __Input: JSON.parse(rec.input),
        __StartTime: new Date(rec.startDate).toISOString(),
      },
      StateMachine: { Id: rec.stateMachineArn, Name: rec.stateMachineName },
    };
  }

  private startRun(rec: ExecutionRecord, resume: boolean) {
    const prepared = this.prepareFor(rec.definition);
    const rt: Runtime = { rec, prepared, cursors: new Map(), pendings: new Set(), waits: new Set() };
    let definition = prepared.run;
    let input: Json = JSON.parse(rec.input);
    if (resume && rec.journal) {
      definition = prepared.resumeAt(rec.journal.state);
      input = rec.journal.input;
      rt.suppressEntered = rec.journal.state;
      // Tokens handed out before the restart stay answerable (their timers re-armed on the dev clock).
      const { generation, entries } = rec.journal;
      for (const [key, list] of Object.entries(entries)) {
        list.forEach((entry, index) => {
          if (entry?.kind === 'token') this.registerPending(rt, key, index, generation, entry);
        });
      }
    }
    this.runtimes.set(rec.executionArn, rt);
    if (prepared.timeoutSeconds !== undefined) {
      rt.cancelTimeout = this.timers.at(rec.startDate + prepared.timeoutSeconds * 1000, () => {
        rt.stopReason = 'timeout';
        this.finish(rec, 'TIMED_OUT', {
          error: 'States.Timeout',
          cause: 'The execution exceeded its TimeoutSeconds',
        });
        rt.abort?.();
      });
    }
    const handlers: Record<string, (input: Json) => Promise<Json>> = {};
    for (const name of prepared.handled) {
      const info = prepared.states.get(name) as StateInfo;
      handlers[name] = (value: Json) => {
        const lib = captureLibraryTimeout(); // must run synchronously, before the library arms its timer
        return this.runHandled(rt, info, value, lib);
      };
    }
    const machine = new StateMachine(definition as never, { validationOptions: { noValidate: true } });
    const run = machine.run(input as never, {
      overrides: { taskResourceLocalHandlers: handlers as never },
      context: this.contextFor(rec),
    });
    rt.abort = run.abort;
    const consumed = this.consumeEvents(rt, run.eventLogs as AsyncGenerator<LibraryEvent>);
    run.result.then(
      async (output) => {
        await consumed;
        this.finish(rec, 'SUCCEEDED', { output: JSON.stringify(output ?? null) });
      },
      async (err: unknown) => {
        await consumed;
        if (rt.stopReason || err instanceof ExecutionAbortedError) return;
        const cause = err instanceof ExecutionError && err.cause instanceof Error ? err.cause : err;
        const e = cause instanceof Error ? cause : new Error(String(cause));
        this.finish(rec, 'FAILED', { error: e.name, cause: e.message });
      },
    );
  }

  /** A RUNNING record that cannot be resumed (e.g. a definition this version cannot prepare) fails visibly. */
  private failUnresumable(rec: ExecutionRecord, err: unknown) {
    this.finish(rec, 'FAILED', {
      error: 'States.Runtime',
      cause: `Cannot resume after restart: ${String(err)}`,
    });
  }

  private async consumeEvents(rt: Runtime, events: AsyncGenerator<LibraryEvent>) {
    try {
      for await (const ev of events) {
        if (rt.rec.status !== 'RUNNING' || rt.stopReason) continue;
        this.recordLibraryEvent(rt, ev);
      }
    } catch (err) {
      console.error('[stepfunctions] event log failed', err);
    }
  }

  private recordLibraryEvent(rt: Runtime, ev: LibraryEvent) {
    const { rec, prepared } = rt;
    const name = ev.state?.name ?? '';
    if (name.startsWith(CHECKPOINT_PREFIX)) return;
    const info = prepared.states.get(name);
    const type = info?.type ?? ev.state?.type ?? 'Task';
    switch (ev.type) {
      case 'StateEntered':
        if (rt.suppressEntered === name) {
          rt.suppressEntered = undefined;
          return;
        }
        this.addEvent(rec, `${type}StateEntered`, {
          stateEnteredEventDetails: { name, input: JSON.stringify(ev.state?.input ?? null) },
        });
        return;
      case 'StateExited':
        this.addEvent(rec, `${type}StateExited`, {
          stateExitedEventDetails: { name, output: JSON.stringify(ev.state?.output ?? null) },
        });
        return;
      case 'StateFailed': {
        if (type !== 'Task') return;
        const cause = typeof ev.Cause === 'string' ? ev.Cause : JSON.stringify(ev.Cause ?? null);
        const details = { resourceType: 'states', resource: info?.resource ?? '', error: ev.Error, cause };
        if (ev.Error === 'States.Timeout')
          this.addEvent(rec, 'TaskTimedOut', { taskTimedOutEventDetails: details });
        else this.addEvent(rec, 'TaskFailed', { taskFailedEventDetails: details });
        return;
      }
      case 'MapIterationStarted':
      case 'MapIterationSucceeded':
      case 'MapIterationFailed': {
        const key = `mapIteration${ev.type.slice('MapIteration'.length)}EventDetails`;
        this.addEvent(rec, ev.type, { [key]: { name: ev.parentState?.name, index: ev.index } });
        return;
      }
      default:
        // Execution* events are written by finish(); branch events have no AWS counterpart worth keeping.
        return;
    }
  }

  private addEvent(rec: ExecutionRecord, type: string, details: Record<string, unknown>) {
    const id = rec.history.length + 1;
    rec.history.push({ id, previousEventId: id - 1, timestamp: this.opts.clock.now(), type, ...details });
    this.saveExecution(rec);
  }

  private finish(
    rec: ExecutionRecord,
    status: Exclude<Status, 'RUNNING'>,
    fields: { output?: string; error?: string; cause?: string },
  ) {
    if (rec.status !== 'RUNNING') return;
    rec.status = status;
    rec.stopDate = this.opts.clock.now();
    rec.output = fields.output;
    rec.error = fields.error;
    rec.cause = fields.cause;
    const rt = this.runtimes.get(rec.executionArn);
    if (rt) {
      this.closeJournal(rt);
      rt.cancelTimeout?.();
      this.runtimes.delete(rec.executionArn);
    }
    rec.journal = undefined;
    const details = { error: fields.error, cause: fields.cause };
    if (status === 'SUCCEEDED') {
      this.addEvent(rec, 'ExecutionSucceeded', {
        executionSucceededEventDetails: { output: fields.output, outputDetails: { truncated: false } },
      });
    } else if (status === 'FAILED')
      this.addEvent(rec, 'ExecutionFailed', { executionFailedEventDetails: details });
    else if (status === 'ABORTED')
      this.addEvent(rec, 'ExecutionAborted', { executionAbortedEventDetails: details });
    else this.addEvent(rec, 'ExecutionTimedOut', { executionTimedOutEventDetails: details });
  }

  /** Closes tokens and waits left from the previous top-level state (e.g. branches of a failed Parallel). */
  private closeJournal(rt: Runtime) {
    for (const p of [...rt.pendings]) this.settlePending(p, { closed: true });
    for (const cancel of rt.waits) cancel();
    rt.waits.clear();
  }

  private checkpoint(rt: Runtime, state: string, input: Json) {
    this.closeJournal(rt);
    rt.rec.journal = { generation: (rt.rec.journal?.generation ?? 0) + 1, state, input, entries: {} };
    rt.cursors.clear();
  }

  private nextEntry(rt: Runtime, key: string): { index: number; entry?: JournalEntry } {
    const index = rt.cursors.get(key) ?? 0;
    rt.cursors.set(key, index + 1);
    return { index, entry: rt.rec.journal?.entries[key]?.[index] };
  }

  private setEntry(rt: Runtime, key: string, index: number, generation: number, entry: JournalEntry) {
    const journal = rt.rec.journal;
    if (!journal || journal.generation !== generation) return; // a stale handler of an earlier state
    const list = journal.entries[key] ?? [];
    list[index] = entry;
    journal.entries[key] = list;
  }

  private async runHandled(rt: Runtime, info: StateInfo, raw: Json, lib: LibraryTimeout): Promise<Json> {
    if (this.closing || rt.stopReason) return never();
    const d = info.detail;
    if (d.role === 'checkpoint') {
      this.checkpoint(rt, d.target, raw);
      await this.saveExecution(rt.rec);
      return raw;
    }
    const generation = rt.rec.journal?.generation ?? 0;
    const w = raw as unknown as Wrapped;
    if (d.role === 'wait') {
      const key = journalKey(info.name, w.i);
      const { index, entry } = this.nextEntry(rt, key);
      let until: number;
      if (entry?.kind === 'wait') until = entry.until;
      else {
        until = this.waitInstant(d, w);
        this.setEntry(rt, key, index, generation, { kind: 'wait', until });
        this.saveExecution(rt.rec);
      }
      await this.waitUntil(rt, until);
      return w.i;
    }
    if (d.role !== 'task') throw runtimeError(`State ${info.name} has no local handler`);
    const params = 'p' in w ? (w.p as Json) : w.i;
    const key = journalKey(info.name, params);
    const { index, entry } = this.nextEntry(rt, key);

    if (entry?.kind === 'result') return entry.value;
    if (entry?.kind === 'error') {
      if (entry.timeout) lib.fire();
      throw Object.assign(new TaskError(entry.error, entry.cause), { timeout: entry.timeout });
    }
    if (entry?.kind === 'token') {
      return this.awaitPending(this.registerPending(rt, key, index, generation, entry), lib);
    }

    const now = this.opts.clock.now();
    const timeoutSeconds = d.timeoutSeconds ?? positiveInt(w.t, 'TimeoutSecondsPath');
    const timeoutAt =
      entry?.kind === 'running' ? entry.timeoutAt : timeoutSeconds ? now + timeoutSeconds * 1000 : undefined;
    const integration = d.integration;
    const waitForToken = integration.kind !== 'lambda-arn' && integration.waitForToken;
    if (waitForToken) {
      const heartbeatSeconds = d.heartbeatSeconds ?? positiveInt(w.h, 'HeartbeatSecondsPath');
      const tokenEntry: TokenEntry = {
        kind: 'token',
        token: this.newToken(rt.rec),
        startedAt: now,
        timeoutAt,
        heartbeatMs: heartbeatSeconds ? heartbeatSeconds * 1000 : undefined,
        heartbeatAt: heartbeatSeconds ? now : undefined,
      };
      this.setEntry(rt, key, index, generation, tokenEntry);
      const p = this.registerPending(rt, key, index, generation, tokenEntry);
      // The token must be on disk before the function can store it anywhere: a restart must know it.
      await this.saveExecution(rt.rec);
      if (this.closing || rt.stopReason) return never();
      this.invoke(info, params, tokenEntry.token).catch((err) =>
        this.settlePending(p, { error: lambdaError(err) }),
      );
      return this.awaitPending(p, lib);
    }

    this.setEntry(rt, key, index, generation, { kind: 'running', startedAt: now, timeoutAt });
    this.saveExecution(rt.rec);
    let cancelTimer = () => {};
    const timedOut =
      timeoutAt === undefined
        ? never<never>()
        : new Promise<never>((_, reject) => {
            cancelTimer = this.timers.at(timeoutAt, () => reject(timeoutError()));
          });
    try {
      const result = (await Promise.race([this.invoke(info, params), timedOut])) as Json;
      this.setEntry(rt, key, index, generation, { kind: 'result', value: result });
      this.saveExecution(rt.rec);
      return result;
    } catch (err) {
      const e = lambdaError(err);
      this.setEntry(rt, key, index, generation, {
        kind: 'error',
        error: e.name,
        cause: e.message,
        timeout: e.timeout,
      });
      this.saveExecution(rt.rec);
      if (e.timeout) lib.fire();
      throw e;
    } finally {
      cancelTimer();
    }
  }

  private async awaitPending(p: PendingTask, lib: LibraryTimeout): Promise<Json> {
    try {
      return await p.promise;
    } catch (err) {
      if ((err as TaskError).timeout) lib.fire();
      throw err;
    }
  }

  private waitInstant(d: { seconds?: number; timestamp?: string }, w: Wrapped): number {
    const seconds = d.seconds ?? w.s;
    if (seconds !== undefined) {
      if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 0) {
        throw runtimeError(
          `SecondsPath must point to a non-negative integer, got ${JSON.stringify(seconds)}`,
        );
      }
      return this.opts.clock.now() + seconds * 1000;
    }
    const timestamp = d.timestamp ?? w.ts;
    const at = typeof timestamp === 'string' ? Date.parse(timestamp) : Number.NaN;
    if (Number.isNaN(at))
      throw runtimeError(`TimestampPath must point to a timestamp, got ${JSON.stringify(timestamp)}`);
    return at;
  }

  private async waitUntil(rt: Runtime, until: number): Promise<void> {
    const { promise, cancel } = this.timers.until(until);
    rt.waits.add(cancel);
    try {
      await promise;
    } finally {
      rt.waits.delete(cancel);
    }
  }

  private async invoke(info: StateInfo, params: Json, token?: string): Promise<Json> {
    const d = info.detail;
    if (d.role !== 'task') throw runtimeError('not a task');
    const integration = d.integration;
    if (integration.kind === 'lambda-arn') {
      return ((await this.callLambda(integration.functionArn, params)) ?? null) as Json;
    }
    const parameters = token ? injectToken(params, token) : params;
    if (integration.kind === 'lambda:invoke') {
      const p = (parameters ?? {}) as { FunctionName?: unknown; Payload?: unknown };
      if (typeof p.FunctionName !== 'string')
        throw runtimeError(`State ${info.name}: Parameters.FunctionName missing`);
      const out = await this.callLambda(p.FunctionName, p.Payload ?? {});
      return { ExecutedVersion: '$LATEST', Payload: (out ?? null) as Json, StatusCode: 200 };
    }
    if (!this.opts.callService) {
      throw new TaskError(
        'States.TaskFailed',
        `The local emulator does not support resource ${integration.resource}`,
      );
    }
    const resource = integration.resource.replace(/\.waitForTaskToken$/, '');
    return ((await this.opts.callService(resource, parameters)) ?? null) as Json;
  }

  private async callLambda(functionName: string, payload: unknown): Promise<unknown> {
    try {
      // Handlers get their own copy: a handler mutating its event must not change the state machine's data.
      return await this.opts.invokeLambda(functionName, structuredClone(payload));
    } catch (err) {
      throw lambdaError(err);
    }
  }

  // ---------------------------------------------------------------- persistence

  private saveMachine(m: MachineRecord) {
    this.store?.write(`state-machines/${encodeURIComponent(m.name)}.json`, () => m).catch(logWriteError);
  }

  /** Schedules a write of the record; callers that need durability await it. */
  private saveExecution(rec: ExecutionRecord): Promise<void> {
    if (!this.store) return Promise.resolve();
    const file = `executions/${createHash('sha256').update(rec.executionArn).digest('hex').slice(0, 32)}.json`;
    const written = this.store.write(file, () => rec);
    written.catch(logWriteError);
    return written;
  }
}

function journalKey(state: string, input: unknown): string {
  return `${state}#${createHash('sha256').update(canonicalJson(input)).digest('hex').slice(0, 24)}`;
}

function positiveInt(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw runtimeError(`${field} must point to a positive integer, got ${JSON.stringify(value)}`);
  }
  return value;
}

function logWriteError(err: unknown) {
  console.error('[stepfunctions] could not write state file', err);
}
