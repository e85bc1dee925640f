/**
 * Pure preprocessing of an ASL definition into the copy that `aws-local-stepfunctions` runs.
 * No I/O and no AWS imports: what the copy looks like is decided here, how it runs lives in engine.ts.
 *
 * The copy differs from the original so that the emulator, not the library, owns time and side effects:
 * - every Task keeps its place but is run by a local handler (overrides are keyed by state name, and the
 *   validator rejects duplicate names machine-wide, so a name is a unique key);
 * - Task Parameters are wrapped as { p: <original>, "i.$": "$", "t.$": TimeoutSecondsPath, ... } so the
 *   handler sees the effective input and the dynamic timeouts, and `$$.Task.Token` becomes a placeholder the
 *   handler replaces by a fresh token per task;
 * - Wait states become Tasks of a local handler that waits on the dev clock;
 * - TimeoutSeconds of every Task is set to the largest value setTimeout accepts, and the handler captures
 *   that library timer (see library.ts) so timeouts run on the dev clock and never overflow;
 * - every top-level state is preceded by a checkpoint Task so progress is recorded synchronously at each
 *   top-level transition (a restart resumes from there);
 * - `$$.Execution.Input` / `StartTime` read fields the library does not overwrite, so a resumed run still
 *   sees the execution's original input and start time.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = Record<string, unknown>;

export const CHECKPOINT_PREFIX = '__checkpoint:';
export const TOKEN_PLACEHOLDER = '__LOCAL_SFN_TASK_TOKEN__';
/** The largest whole number of seconds whose milliseconds still fit setTimeout (2^31 - 1 ms). */
export const LIBRARY_TIMEOUT_SECONDS = 2_147_483;
const LOCAL_RESOURCE = 'arn:aws:states:::local:handler';

export type Integration =
  | { kind: 'lambda:invoke'; waitForToken: boolean }
  | { kind: 'lambda-arn'; functionArn: string }
  | { kind: 'other'; resource: string; waitForToken: boolean };

export type StateRole =
  | { role: 'task'; integration: Integration; timeoutSeconds?: number; heartbeatSeconds?: number }
  | { role: 'wait'; seconds?: number; timestamp?: string }
  | { role: 'checkpoint'; target: string }
  | { role: 'plain' };

export interface StateInfo {
  name: string;
  /** The state's Type in the ORIGINAL definition (a converted Wait still says 'Wait'). */
  type: string;
  /** Resource as written, for history events. */
  resource?: string;
  /** Name of the top-level state this state is, or is nested in. */
  top: string;
  topLevel: boolean;
  detail: StateRole;
}

export interface Prepared {
  /** Definition to run for a fresh execution (StartAt is the checkpoint of the original StartAt). */
  run: Obj;
  states: Map<string, StateInfo>;
  /** Names of the states that get a local handler (tasks, waits, checkpoints). */
  handled: string[];
  /** Machine-level TimeoutSeconds, enforced by the emulator on the dev clock. */
  timeoutSeconds?: number;
  /** Definition to resume at a top-level state, without re-running its checkpoint. */
  resumeAt(state: string): Obj;
}

export class DefinitionError extends Error {}

export function parseIntegration(resource: string): Integration {
  const states = /^arn:aws[a-z-]*:states:::([^.]+(?::[^.]+)*)(\.sync(?::2)?|\.waitForTaskToken)?$/.exec(
    resource,
  );
  if (states) {
    const [, service, suffix] = states;
    const waitForToken = suffix === '.waitForTaskToken';
    if (service === 'lambda:invoke' && suffix !== '.sync' && suffix !== '.sync:2') {
      return { kind: 'lambda:invoke', waitForToken };
    }
    return { kind: 'other', resource, waitForToken };
  }
  if (/^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9$_-]+)?$/.test(resource)) {
    return { kind: 'lambda-arn', functionArn: resource };
  }
  return { kind: 'other', resource, waitForToken: false };
}

/** Rewrites context-object paths the library would answer wrongly after a resume. */
export function rewritePath(path: string): string {
  return path.replace(/\$\$\.Execution\.(Input|StartTime)\b/g, '$$$$.Execution.__$1');
}

const PATH_FIELDS = [
  'InputPath',
  'OutputPath',
  'ItemsPath',
  'MaxConcurrencyPath',
  'ErrorPath',
  'CausePath',
  'SecondsPath',
  'TimestampPath',
  'TimeoutSecondsPath',
  'HeartbeatSecondsPath',
];
const TEMPLATE_FIELDS = ['Parameters', 'ResultSelector', 'ItemSelector'];

/** Rewrites the dynamic values (keys ending in `.$`) of a payload template; literals stay as written. */
function rewriteTemplate(template: unknown, withToken: boolean): unknown {
  if (Array.isArray(template)) return template.map((v) => rewriteTemplate(v, withToken));
  if (!isObj(template)) return template;
  const out: Obj = {};
  for (const [key, value] of Object.entries(template)) {
    if (key.endsWith('.$') && typeof value === 'string') {
      if (withToken && value === '$$.Task.Token') {
        out[key.slice(0, -2)] = TOKEN_PLACEHOLDER;
        continue;
      }
      let v = rewritePath(value);
      // Inside an intrinsic function the token is an argument: pass the placeholder as a string literal.
      if (withToken && v.startsWith('States.')) v = v.replaceAll('$$.Task.Token', `'${TOKEN_PLACEHOLDER}'`);
      out[key] = v;
    } else {
      out[key] = rewriteTemplate(value, withToken);
    }
  }
  return out;
}

const CHOICE_PATH_KEYS = /Path$|^Variable$/;
function rewriteChoiceRule(rule: unknown): unknown {
  if (!isObj(rule)) return rule;
  const out: Obj = {};
  for (const [key, value] of Object.entries(rule)) {
    if ((key === 'And' || key === 'Or') && Array.isArray(value)) out[key] = value.map(rewriteChoiceRule);
    else if (key === 'Not') out[key] = rewriteChoiceRule(value);
    else if (CHOICE_PATH_KEYS.test(key) && typeof value === 'string') out[key] = rewritePath(value);
    else out[key] = value;
  }
  return out;
}

function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function positiveInt(value: unknown, field: string, state: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new DefinitionError(`State "${state}": ${field} must be a positive integer`);
  }
  return value;
}

export function prepare(original: unknown): Prepared {
  if (!isObj(original) || typeof original.StartAt !== 'string' || !isObj(original.States)) {
    throw new DefinitionError('Definition must have StartAt and States');
  }
  const states = new Map<string, StateInfo>();
  const run = structuredClone(original) as Obj;
  const topStates = run.States as Record<string, Obj>;
  const topNames = Object.keys(topStates);

  const visitScope = (scope: Obj, top: string | undefined) => {
    const scopeStates = scope.States as Record<string, Obj>;
    for (const [name, state] of Object.entries(scopeStates)) {
      if (states.has(name)) throw new DefinitionError(`Duplicate state name: ${name}`);
      const owner = top ?? name;
      scopeStates[name] = transformState(name, state, owner, top === undefined);
    }
  };

  const transformState = (name: string, state: Obj, top: string, topLevel: boolean): Obj => {
    const type = String(state.Type);
    const s: Obj = { ...state };
    for (const field of PATH_FIELDS)
      if (typeof s[field] === 'string') s[field] = rewritePath(s[field] as string);
    for (const field of TEMPLATE_FIELDS) if (field in s) s[field] = rewriteTemplate(s[field], false);
    let detail: StateRole = { role: 'plain' };

    if (type === 'Task') {
      const resource = String(s.Resource);
      const integration = parseIntegration(resource);
      const wrapper: Obj = { 'i.$': '$' };
      if ('Parameters' in state) wrapper.p = rewriteTemplate(state.Parameters, true);
      if (typeof s.TimeoutSecondsPath === 'string') wrapper['t.$'] = s.TimeoutSecondsPath;
      if (typeof s.HeartbeatSecondsPath === 'string') wrapper['h.$'] = s.HeartbeatSecondsPath;
      detail = {
        role: 'task',
        integration,
        timeoutSeconds: positiveInt(state.TimeoutSeconds, 'TimeoutSeconds', name),
        heartbeatSeconds: positiveInt(state.HeartbeatSeconds, 'HeartbeatSeconds', name),
      };
      s.Parameters = wrapper;
      delete s.TimeoutSecondsPath;
      delete s.HeartbeatSeconds;
      delete s.HeartbeatSecondsPath;
      s.TimeoutSeconds = LIBRARY_TIMEOUT_SECONDS;
      states.set(name, { name, type, resource, top, topLevel, detail });
      return s;
    }
    if (type === 'Wait') {
      const params: Obj = { 'i.$': '$' };
      if (typeof s.SecondsPath === 'string') params['s.$'] = s.SecondsPath;
      if (typeof s.TimestampPath === 'string') params['ts.$'] = s.TimestampPath;
      const task: Obj = {
        Type: 'Task',
        Resource: LOCAL_RESOURCE,
        Parameters: params,
        TimeoutSeconds: LIBRARY_TIMEOUT_SECONDS,
      };
      for (const field of ['Comment', 'InputPath', 'OutputPath', 'Next', 'End']) {
        if (field in s) task[field] = s[field];
      }
      detail = {
        role: 'wait',
        seconds: typeof s.Seconds === 'number' ? s.Seconds : undefined,
        timestamp: typeof s.Timestamp === 'string' ? s.Timestamp : undefined,
      };
      states.set(name, { name, type, top, topLevel, detail });
      return task;
    }
    states.set(name, { name, type, top, topLevel, detail });
    if (type === 'Choice' && Array.isArray(s.Choices)) s.Choices = s.Choices.map(rewriteChoiceRule);
    if (type === 'Parallel' && Array.isArray(s.Branches)) {
      s.Branches = s.Branches.map((branch) => {
        const b = { ...(branch as Obj), States: { ...((branch as Obj).States as Obj) } };
        visitScope(b, top);
        return b;
      });
    }
    if (type === 'Map') {
      for (const field of ['ItemProcessor', 'Iterator']) {
        if (isObj(s[field])) {
          const b = { ...(s[field] as Obj), States: { ...((s[field] as Obj).States as Obj) } };
          visitScope(b, top);
          s[field] = b;
        }
      }
    }
    return s;
  };

  visitScope(run, undefined);

  // Checkpoints in front of every top-level state; transitions to a top-level state go through them.
  const checkpointOf = (target: unknown) =>
    typeof target === 'string' && target in topStates ? `${CHECKPOINT_PREFIX}${target}` : target;
  for (const state of Object.values(topStates)) {
    if ('Next' in state) state.Next = checkpointOf(state.Next);
    if ('Default' in state) state.Default = checkpointOf(state.Default);
    if (Array.isArray(state.Choices)) {
      state.Choices = state.Choices.map((c) => (isObj(c) ? { ...c, Next: checkpointOf(c.Next) } : c));
    }
    if (Array.isArray(state.Catch)) {
      state.Catch = state.Catch.map((c) => (isObj(c) ? { ...c, Next: checkpointOf(c.Next) } : c));
    }
  }
  for (const name of topNames) {
    const cp = `${CHECKPOINT_PREFIX}${name}`;
    if (name.startsWith(CHECKPOINT_PREFIX) || cp in topStates) {
      throw new DefinitionError(`State name is reserved by the local emulator: ${name}`);
    }
    topStates[cp] = {
      Type: 'Task',
      Resource: LOCAL_RESOURCE,
      TimeoutSeconds: LIBRARY_TIMEOUT_SECONDS,
      Next: name,
    };
    states.set(cp, {
      name: cp,
      type: 'Task',
      top: name,
      topLevel: true,
      detail: { role: 'checkpoint', target: name },
    });
  }
  const startAt = original.StartAt;
  if (!(startAt in topStates)) throw new DefinitionError(`StartAt state not found: ${startAt}`);
  run.StartAt = `${CHECKPOINT_PREFIX}${startAt}`;
  const timeoutSeconds = positiveInt(original.TimeoutSeconds, 'TimeoutSeconds', '(machine)');
  delete run.TimeoutSeconds;

  const handled = [...states.values()].filter((s) => s.detail.role !== 'plain').map((s) => s.name);
  return {
    run,
    states,
    handled,
    timeoutSeconds,
    resumeAt(state: string) {
      if (!topNames.includes(state)) throw new DefinitionError(`Cannot resume at unknown state ${state}`);
      return { ...run, StartAt: state };
    },
  };
}

/** Deterministic JSON (sorted keys), so equal values give equal journal keys. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isObj(value)) {
    const keys = Object.keys(value)
      .filter((k) => value[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** Replaces the token placeholder (whole strings, or inside strings built by States.Format). */
export function injectToken(value: unknown, token: string): unknown {
  if (typeof value === 'string')
    return value.includes(TOKEN_PLACEHOLDER) ? value.replaceAll(TOKEN_PLACEHOLDER, token) : value;
  if (Array.isArray(value)) return value.map((v) => injectToken(v, token));
  if (isObj(value))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, injectToken(v, token)]));
  return value;
}
