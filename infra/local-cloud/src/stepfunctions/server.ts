/**
 * The AWS JSON 1.0 protocol as the SDK speaks it: POST / with `X-Amz-Target: AWSStepFunctions.<Action>`,
 * a JSON body, and errors as HTTP 400 `{ "__type": code, "message": ... }`.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AccessPolicy, principalOf } from '../iam.ts';
import { ApiError, type Engine } from './engine.ts';

type Action = (engine: Engine, req: Record<string, unknown>) => unknown;

const ACTIONS: Record<string, Action> = {
  CreateStateMachine: (e, r) => e.createStateMachine(r),
  UpdateStateMachine: (e, r) => e.updateStateMachine(r),
  DescribeStateMachine: (e, r) => e.describeStateMachine(r),
  ListStateMachines: (e, r) => e.listStateMachines(r),
  DeleteStateMachine: (e, r) => e.deleteStateMachine(r),
  DescribeStateMachineForExecution: (e, r) => e.describeStateMachineForExecution(r),
  StartExecution: (e, r) => e.startExecution(r),
  DescribeExecution: (e, r) => e.describeExecution(r),
  ListExecutions: (e, r) => e.listExecutions(r),
  StopExecution: (e, r) => e.stopExecution(r),
  GetExecutionHistory: (e, r) => e.getExecutionHistory(r),
  SendTaskSuccess: (e, r) => e.sendTaskSuccess(r),
  SendTaskFailure: (e, r) => e.sendTaskFailure(r),
  SendTaskHeartbeat: (e, r) => e.sendTaskHeartbeat(r),
};

const MAX_BODY = 2 * 1024 * 1024;

function send(res: ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/x-amz-json-1.0',
    'Content-Length': Buffer.byteLength(text),
    'x-amzn-RequestId': randomUUID(),
  });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, code: string, message: string) {
  res.setHeader('x-amzn-ErrorType', code);
  send(res, status, { __type: code, message });
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new ApiError('ValidationException', 'Request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The state machine a task token belongs to (tokens carry their execution's ARN), or '*'. */
function stateMachineOfToken(token: unknown): string {
  try {
    const execution = JSON.parse(Buffer.from(String(token), 'base64url').toString()).e as string;
    const m = /^(arn:[^:]+:states:[^:]+:[^:]+):execution:([^:]+):/.exec(execution);
    return m ? `${m[1]}:stateMachine:${m[2]}` : '*';
  } catch {
    return '*';
  }
}

/** The resource IAM checks an action against. */
function resourceOf(engine: Engine, action: string, body: Record<string, unknown>): string {
  if (action.startsWith('SendTask')) return stateMachineOfToken(body.taskToken);
  if (action === 'CreateStateMachine') return engine.stateMachineArnOf(String(body.name ?? ''));
  const arn = body.executionArn ?? body.stateMachineArn;
  return typeof arn === 'string' ? arn : '*';
}

async function handle(engine: Engine, req: IncomingMessage, res: ServerResponse, policy?: AccessPolicy) {
  const target = String(req.headers['x-amz-target'] ?? '');
  const [service, action] = target.split('.');
  if (req.method !== 'POST' || service !== 'AWSStepFunctions' || !action) {
    sendError(res, 400, 'UnknownOperationException', `Unknown operation ${target || '(no X-Amz-Target)'}`);
    return;
  }
  const fn = ACTIONS[action];
  if (!fn) {
    sendError(res, 400, 'UnknownOperationException', `The local endpoint does not implement ${action}`);
    return;
  }
  try {
    const text = await readBody(req);
    let body: unknown = {};
    if (text.trim()) {
      try {
        body = JSON.parse(text);
      } catch {
        throw new ApiError('SerializationException', 'Request body is not valid JSON');
      }
    }
    const request = (body ?? {}) as Record<string, unknown>;
    const denial = policy?.denial(principalOf(req), [
      { action: `states:${action}`, resource: resourceOf(engine, action, request) },
    ]);
    if (denial) throw new ApiError('AccessDeniedException', denial);
    send(res, 200, fn(engine, request) ?? {});
  } catch (err) {
    if (err instanceof ApiError) sendError(res, 400, err.code, err.message);
    else {
      console.error(`[stepfunctions] ${action} failed`, err);
      sendError(res, 500, 'InternalFailure', err instanceof Error ? err.message : String(err));
    }
  }
}

export async function listen(
  engine: Engine,
  port: number,
  policy?: AccessPolicy,
): Promise<{ server: Server; endpoint: string }> {
  const server = createServer((req, res) => {
    handle(engine, req, res, policy).catch((err) => {
      console.error('[stepfunctions] request failed', err);
      if (!res.headersSent) sendError(res, 500, 'InternalFailure', String(err));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('Step Functions endpoint has no TCP address');
  return { server, endpoint: `http://127.0.0.1:${address.port}` };
}
