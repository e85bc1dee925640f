/**
 * Helpers of the identity integration tests: requests from another loopback address (the local
 * gateway sees the socket's address, so 127.0.0.x stands for "another address": limits are per
 * address), SMS codes read from the dev outbox, registration with the code, and the OIDC code flow
 * signing in with an SMS code on the provider's page.
 */
import { request } from 'node:http';
import { baseUrl, call, eventually, type Reply } from '../support/client.ts';

/** Like `call`, from a given loopback address. */
export function callFrom<T = any>(
  ip: string,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown } = {},
): Promise<Reply<T>> {
  const url = new URL(path, baseUrl());
  const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  const headers: Record<string, string> = {};
  if (payload !== undefined) headers['content-type'] = 'application/json';
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method,
        headers,
        localAddress: ip,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            // not JSON
          }
          resolve({ status: res.statusCode ?? 0, body: body as T, headers: new Headers() });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** The newest SMS to `phone` whose text matches `pattern` and that was not seen before. */
export async function smsTo(
  phone: string,
  pattern: RegExp,
  notBefore?: string,
): Promise<{ id: string; message: string }> {
  return eventually(async () => {
    const out = await call('GET', '/api/dev/outbox');
    const m = (out.body.messages as { id: string; phoneNumber: string; message: string }[]).find(
      (m) => m.phoneNumber === `+86${phone}` && pattern.test(m.message),
    );
    return m && m.id !== notBefore ? m : undefined;
  }, `an SMS to ${phone}`);
}

/** The id of the newest SMS to `phone` now (to wait for a newer one). */
export async function lastSmsId(phone: string): Promise<string | undefined> {
  const out = await call('GET', '/api/dev/outbox');
  return (out.body.messages as { id: string; phoneNumber: string }[]).find(
    (m) => m.phoneNumber === `+86${phone}`,
  )?.id;
}

export const codeIn = (message: string) => /验证码 (\d{6})/.exec(message)?.[1] ?? '';

/** Asks for a code from `ip` and returns it as the phone received it. */
export async function requestCode(ip: string, body: Record<string, unknown>, phone: string): Promise<string> {
  const before = await lastSmsId(phone);
  const res = await callFrom(ip, 'POST', '/api/accounts/codes', { body });
  if (res.status !== 200) throw new Error(`code request: ${res.status} ${JSON.stringify(res.body)}`);
  return codeIn((await smsTo(phone, /验证码 \d{6}/, before)).message);
}

/** Registers a registry person with the SMS code sent to their phone. */
export async function registerWithCode(
  ip: string,
  person: { name: string; idNumber: string; phone: string },
  password: string,
): Promise<Reply> {
  const code = await requestCode(ip, { purpose: 'register', ...person }, person.phone);
  return callFrom(ip, 'POST', '/api/accounts', { body: { ...person, password, code } });
}

export const tally = (xs: (string | number)[]) =>
  xs.reduce<Record<string, number>>((acc, x) => {
    acc[x] = (acc[x] ?? 0) + 1;
    return acc;
  }, {});
