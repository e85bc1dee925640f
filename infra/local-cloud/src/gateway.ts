/**
 * The local HTTP gateway: API Gateway (HTTP API, payload format 2.0, JWT authorizer) in front of
 * functions, plus a static site at `/`. It turns each request into the event API Gateway would
 * send, verifies bearer tokens as the JWT authorizer does (with the verifier it is given), and hands
 * claims over as strings, the way API Gateway does.
 */
import { randomUUID } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';
import { brotliCompressSync, gzipSync, constants as zlib } from 'node:zlib';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

export interface GatewayRoute {
  method: string;
  /** Full path template, e.g. /api/orders/{orderId}/items */
  path: string;
  functionName: string;
  /** 'jwt': the JWT authorizer applies (a verified bearer token, claims in the event); 'none': open. */
  auth: 'none' | 'jwt';
}

export type ExtraHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  body: Buffer,
) => Promise<boolean>;

/** The gateway's own refusals, before any function runs. */
export type GatewayError =
  | 'unauthenticated'
  | 'invalid-token'
  | 'route-not-found'
  | 'page-not-found'
  | 'payload-too-large'
  | 'method-not-allowed'
  | 'bad-path'
  | 'bad-gateway';

const ERROR_MESSAGES: Record<GatewayError, string> = {
  unauthenticated: 'Unauthorized',
  'invalid-token': 'Unauthorized',
  'route-not-found': 'Not Found',
  'page-not-found': 'Not Found',
  'payload-too-large': 'Request Entity Too Large',
  'method-not-allowed': 'Method Not Allowed',
  'bad-path': 'Bad Request',
  'bad-gateway': 'Internal Server Error',
};

export interface GatewayOptions {
  port: number;
  /**
   * Interface to listen on. Default 127.0.0.1: this machine only. The gateway serves whatever the
   * app puts behind it (dev tools included), so listening wider is the app's explicit choice.
   */
  host?: string;
  /**
   * Headers added to every response, as an edge adds them (CloudFront's response headers policies):
   * by path, e.g. security headers for the site and for the API. A header the response sets itself wins.
   */
  responseHeaders?: (pathname: string) => Record<string, string>;
  /** Paths under this prefix are the API (no route → `route-not-found`); others are the static site. Default '/api'. */
  apiPrefix?: string;
  /** The JSON body of a refusal. Default: API Gateway's `{"message": "Unauthorized"}` and the like. */
  errorBody?: (error: GatewayError, status: number) => unknown;
  /** Account id in the events' requestContext. Default '000000000000'. */
  accountId?: string;
  routes: GatewayRoute[];
  invoke(functionName: string, event: APIGatewayProxyEventV2): Promise<unknown>;
  /** Verifies a bearer token like the JWT authorizer; resolves to its claims or rejects. */
  verifyToken(token: string): Promise<Record<string, unknown>>;
  /** Routes that are not functions (local-only tools), tried before the routes; true = answered. */
  extra?: ExtraHandler;
  /** Tried before the body is read, for handlers that read the request stream themselves (an OIDC provider). */
  raw?: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;
  /** The static site served outside the API prefix (`index.html` per folder, `404.html` when missing). */
  staticDir: string;
}

/** API Gateway's payload limit. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(JSON.stringify(body));
}

interface CompiledRoute extends GatewayRoute {
  regex: RegExp;
  params: string[];
}

function compile(route: GatewayRoute): CompiledRoute {
  const params: string[] = [];
  const pattern = route.path
    .split('/')
    .map((segment) => {
      const m = /^\{(\w+)\}$/.exec(segment);
      if (!m) return segment.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
      params.push(m[1]);
      return '([^/]+)';
    })
    .join('/');
  return { ...route, regex: new RegExp(`^${pattern}/?$`), params };
}

function matchRoute(routes: CompiledRoute[], method: string, path: string) {
  for (const route of routes) {
    const match = route.method === method ? route.regex.exec(path) : null;
    if (match) return { route, match };
  }
  return undefined;
}

/** API Gateway gives claims to Lambda as strings; arrays become "[a b]". */
function claimsAsStrings(claims: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(claims)) {
    out[k] = Array.isArray(v) ? `[${v.join(' ')}]` : typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
  return out;
}

function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        resolve('too-large');
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function decodes(segment: string | undefined): boolean {
  try {
    decodeURIComponent(segment ?? '');
    return true;
  } catch {
    return false;
  }
}

const TEXT_TYPES = /^(application\/(json|x-www-form-urlencoded|xml)|text\/)/;

function toEvent(
  req: IncomingMessage,
  url: URL,
  route: CompiledRoute,
  match: RegExpExecArray,
  body: Buffer,
  accountId: string,
) {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined && k !== 'cookie') headers[k] = Array.isArray(v) ? v.join(',') : v;
  }
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = k in query ? `${query[k]},${v}` : v;
  const params = Object.fromEntries(route.params.map((p, i) => [p, decodeURIComponent(match[i + 1])]));
  const text = TEXT_TYPES.test(headers['content-type'] ?? 'text/plain');
  const now = new Date();
  const routeKey = `${route.method} ${route.path}`;
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    cookies: req.headers.cookie?.split(/;\s*/),
    headers,
    queryStringParameters: Object.keys(query).length ? query : undefined,
    pathParameters: route.params.length ? params : undefined,
    requestContext: {
      accountId,
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'local',
      http: {
        method: route.method,
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    body: body.length ? (text ? body.toString('utf8') : body.toString('base64')) : undefined,
    isBase64Encoded: body.length > 0 && !text,
  };
  return event;
}

/** Lambda proxy result (format 2.0): a full response object, or any value meaning 200 JSON. */
function writeResult(res: ServerResponse, result: unknown) {
  if (result && typeof result === 'object' && 'statusCode' in result) {
    const r = result as {
      statusCode: number;
      headers?: Record<string, string>;
      body?: string;
      isBase64Encoded?: boolean;
      cookies?: string[];
    };
    const headers: Record<string, string | string[]> = { ...(r.headers ?? {}) };
    if (r.cookies?.length) headers['set-cookie'] = r.cookies;
    res.writeHead(r.statusCode, headers);
    res.end(r.body ? Buffer.from(r.body, r.isBase64Encoded ? 'base64' : 'utf8') : undefined);
    return;
  }
  sendJson(res, 200, result);
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json',
  '.woff2': 'font/woff2',
  '.xml': 'application/xml; charset=utf-8',
};

/**
 * Compression as CloudFront's "compress objects automatically" does it: text types between 1,000
 * bytes and 10 MB, Brotli when the browser accepts it, else gzip; `vary: accept-encoding` either way.
 * Compressed bodies are kept per file and modification time (a rebuilt portal is compressed anew).
 */
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.json', '.txt', '.svg', '.webmanifest', '.xml']);
const COMPRESS_MIN = 1000;
const COMPRESS_MAX = 10 * 1024 * 1024;
const compressed = new Map<string, Buffer>();

function encodingFor(acceptEncoding: string): 'br' | 'gzip' | undefined {
  const accepted = (name: string) =>
    acceptEncoding.split(',').some((part) => {
      const [token, ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)/.exec(p)?.[1]).find(Boolean);
      return token === name && (q === undefined || Number(q) > 0);
    });
  return accepted('br') ? 'br' : accepted('gzip') ? 'gzip' : undefined;
}

function compressedBody(file: string, mtimeMs: number, encoding: 'br' | 'gzip'): Buffer {
  const key = `${encoding}:${mtimeMs}:${file}`;
  let body = compressed.get(key);
  if (!body) {
    const raw = readFileSync(file);
    body =
      encoding === 'br'
        ? brotliCompressSync(raw, {
            params: { [zlib.BROTLI_PARAM_QUALITY]: 9, [zlib.BROTLI_PARAM_SIZE_HINT]: raw.length },
          })
        : gzipSync(raw, { level: 9 });
    if (compressed.size > 5000) compressed.clear();
    compressed.set(key, body);
  }
  return body;
}

type Refuse = (res: ServerResponse, status: number, error: GatewayError) => void;

function serveStatic(
  res: ServerResponse,
  root: string,
  pathname: string,
  method: string,
  refuse: Refuse,
  acceptEncoding = '',
) {
  if (method !== 'GET' && method !== 'HEAD') {
    refuse(res, 405, 'method-not-allowed');
    return;
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    refuse(res, 400, 'bad-path');
    return;
  }
  const file = normalize(join(root, decoded));
  if (!file.startsWith(root)) {
    refuse(res, 404, 'page-not-found');
    return;
  }
  const candidates = [file, join(file, 'index.html'), `${file}.html`];
  const found = candidates.find((c) => existsSync(c) && statSync(c).isFile());
  const target = found ?? join(root, '404.html');
  if (!existsSync(target)) {
    refuse(res, 404, 'page-not-found');
    return;
  }
  const immutable = found?.includes(`${join(root, '_next', 'static')}`);
  const headers: Record<string, string | number> = {
    'content-type': CONTENT_TYPES[extname(target)] ?? 'application/octet-stream',
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
  };
  const { size, mtimeMs } = statSync(target);
  const encoding = COMPRESSIBLE.has(extname(target)) ? encodingFor(acceptEncoding) : undefined;
  if (COMPRESSIBLE.has(extname(target))) headers.vary = 'accept-encoding';
  if (encoding && size >= COMPRESS_MIN && size <= COMPRESS_MAX) {
    const body = compressedBody(target, mtimeMs, encoding);
    res.writeHead(found ? 200 : 404, {
      ...headers,
      'content-encoding': encoding,
      'content-length': body.length,
    });
    res.end(method === 'HEAD' ? undefined : body);
    return;
  }
  res.writeHead(found ? 200 : 404, { ...headers, 'content-length': size });
  if (method === 'HEAD') res.end();
  else createReadStream(target).pipe(res);
}

export async function startGateway(
  opts: GatewayOptions,
): Promise<{ url: string; server: Server; stop(): Promise<void> }> {
  const routes = opts.routes.map(compile);
  const staticDir = resolve(opts.staticDir);
  const apiPrefix = (opts.apiPrefix ?? '/api').replace(/\/$/, '');
  const accountId = opts.accountId ?? '000000000000';
  const errorBody = opts.errorBody ?? ((error: GatewayError) => ({ message: ERROR_MESSAGES[error] }));
  const refuse: Refuse = (res, status, error) => sendJson(res, status, errorBody(error, status));
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      for (const [name, value] of Object.entries(opts.responseHeaders?.(url.pathname) ?? {}))
        res.setHeader(name, value);
      if (opts.raw && (await opts.raw(req, res, url))) return;
      const body = await readBody(req);
      if (body === 'too-large') {
        refuse(res, 413, 'payload-too-large');
        return;
      }
      if (opts.extra && (await opts.extra(req, res, url, body))) return;
      if (!url.pathname.startsWith(`${apiPrefix}/`) && url.pathname !== apiPrefix) {
        serveStatic(
          res,
          staticDir,
          url.pathname,
          req.method ?? 'GET',
          refuse,
          req.headers['accept-encoding'] ?? '',
        );
        return;
      }
      const found = matchRoute(routes, req.method ?? 'GET', url.pathname);
      if (!found) {
        refuse(res, 404, 'route-not-found');
        return;
      }
      const { route, match } = found;
      // A malformed percent-escape in a path parameter is the caller's mistake: 400, as API Gateway
      // answers, before any token is looked at.
      if (match.slice(1).some((segment) => !decodes(segment))) {
        refuse(res, 400, 'bad-path');
        return;
      }
      const event = toEvent(req, url, route, match, body, accountId);
      if (route.auth === 'jwt') {
        const header = req.headers.authorization ?? '';
        const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
        if (!token) {
          refuse(res, 401, 'unauthenticated');
          return;
        }
        try {
          const claims = await opts.verifyToken(token);
          (event.requestContext as unknown as Record<string, unknown>).authorizer = {
            jwt: { claims: claimsAsStrings(claims), scopes: null },
          };
        } catch {
          refuse(res, 401, 'invalid-token');
          return;
        }
      }
      writeResult(res, await opts.invoke(route.functionName, event));
    } catch (err) {
      console.error('[gateway]', err);
      if (!res.headersSent) refuse(res, 502, 'bad-gateway');
      else res.end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as { port: number };
  return {
    // The address for this machine's own clients, whatever interface it listens on.
    url: `http://127.0.0.1:${port}`,
    server,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
