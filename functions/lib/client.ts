/**
 * The caller's network address, for per-address limits and the audit log, and whether the request
 * came through our edge at all. The one place that reads either, so the rule for trusting a proxy's
 * header lives here.
 *
 * In AWS the edge is CloudFront: API Gateway's `sourceIp` is a CloudFront node, the viewer's address
 * is in the `CloudFront-Viewer-Address` header CloudFront sets (forwarded by the API behaviours'
 * origin request policy, AllViewerExceptHostHeader), and the execute-api endpoints behind it are
 * reachable from the internet. CloudFront adds a secret origin header (`x-origin-verify`, a Secrets
 * Manager secret: infra/stacks/platform-stack.ts); a request without it did not come through
 * CloudFront, so it is refused and its headers are never believed. The stacks give API functions the
 * secret's ARN in ORIGIN_VERIFY_SECRET_ARN and the Parameters and Secrets extension to read it.
 * Locally the gateway is the edge and no such variable exists: `sourceIp` is the client.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

type Event = Pick<APIGatewayProxyEventV2, 'requestContext' | 'headers'>;

/** The header CloudFront adds to every API origin request (infra/stacks/portal-stack.ts). */
export const ORIGIN_VERIFY_HEADER = 'x-origin-verify';
/** Set by the stacks on API functions only; its absence means the local gateway is the edge. */
export const ORIGIN_SECRET_ENV = 'ORIGIN_VERIFY_SECRET_ARN';

/** Events whose origin header matched: only their CloudFront-Viewer-Address is believed. */
const admitted = new WeakSet<object>();

const behindCloudFront = () => Boolean(process.env[ORIGIN_SECRET_ENV]);

/**
 * Did this request come through the edge? Always locally; in AWS only with the current (or, during
 * a rotation, the previous or pending) secret in `x-origin-verify`. `api()` refuses the rest.
 */
export async function cameThroughEdge(event: Event): Promise<boolean> {
  if (!behindCloudFront()) return true;
  const sent = header(event, ORIGIN_VERIFY_HEADER);
  if (!sent) return false;
  let ok = (await originSecrets.current()).some((s) => sameSecret(s, sent));
  // A value we do not know may be a rotation we have not seen yet: read again, at most every 30 s.
  if (!ok) ok = (await originSecrets.refreshed()).some((s) => sameSecret(s, sent));
  if (ok) admitted.add(event);
  return ok;
}

/**
 * The client's address. Locally the gateway's `sourceIp`; behind CloudFront the address in
 * `CloudFront-Viewer-Address`, and only for a request `cameThroughEdge` admitted (anyone can send
 * that header straight to execute-api); undefined when there is none to believe.
 */
export function clientIp(event: Event): string | undefined {
  if (!behindCloudFront()) return event.requestContext?.http?.sourceIp;
  if (!admitted.has(event)) return undefined;
  return viewerAddress(header(event, 'cloudfront-viewer-address'));
}

/** `198.51.100.10:46532` or `2001:db8::8a2e:370:7334:46532` (IPv6 unbracketed): the address without the port. */
export function viewerAddress(value: string | undefined): string | undefined {
  const colon = value?.lastIndexOf(':') ?? -1;
  if (!value || colon <= 0) return undefined;
  const address = value.slice(0, colon);
  return /^[0-9a-fA-F.:]{2,45}$/.test(address) && /^\d{1,5}$/.test(value.slice(colon + 1))
    ? address
    : undefined;
}

function header(event: Event, name: string): string | undefined {
  const headers = event.headers ?? {};
  return headers[name] ?? Object.entries(headers).find(([k]) => k.toLowerCase() === name)?.[1];
}

/** Constant-time comparison of two strings of any length (their digests have the same length). */
function sameSecret(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}

/**
 * The secret's live values, read through the AWS Parameters and Secrets Lambda extension
 * (localhost, authenticated by the function's session token; it caches for its own TTL). Kept here
 * for a minute: AWSCURRENT and, when they exist, AWSPREVIOUS and AWSPENDING, so requests from
 * CloudFront edges that have not yet taken a rotated value still pass.
 */
export const originSecrets = (() => {
  const TTL_MS = 60_000;
  const MIN_REFRESH_MS = 30_000;
  let cached: { values: string[]; at: number } | undefined;
  let loading: Promise<string[]> | undefined;

  const stage = async (secretId: string, versionStage: string): Promise<string | undefined> => {
    const port = process.env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT ?? '2773';
    const url = `http://localhost:${port}/secretsmanager/get?secretId=${encodeURIComponent(secretId)}&versionStage=${versionStage}`;
    const res = await fetch(url, {
      headers: { 'X-Aws-Parameters-Secrets-Token': process.env.AWS_SESSION_TOKEN ?? '' },
    });
    // PREVIOUS and PENDING exist only around a rotation; their absence is normal.
    if (!res.ok) {
      if (versionStage === 'AWSCURRENT') throw new Error(`origin secret: extension answered ${res.status}`);
      return undefined;
    }
    const body = (await res.json()) as { SecretString?: string };
    return body.SecretString || undefined;
  };

  const load = () => {
    const secretId = process.env[ORIGIN_SECRET_ENV] as string;
    loading ??= Promise.all(['AWSCURRENT', 'AWSPREVIOUS', 'AWSPENDING'].map((s) => stage(secretId, s)))
      .then((values) => {
        const live = values.filter((v): v is string => Boolean(v));
        cached = { values: live, at: Date.now() };
        return live;
      })
      .finally(() => {
        loading = undefined;
      });
    return loading;
  };

  return {
    async current(): Promise<string[]> {
      return cached && Date.now() - cached.at < TTL_MS ? cached.values : load();
    },
    async refreshed(): Promise<string[]> {
      return cached && Date.now() - cached.at < MIN_REFRESH_MS ? cached.values : load();
    },
    /** For tests: forget what was read. */
    reset() {
      cached = undefined;
    },
  };
})();
