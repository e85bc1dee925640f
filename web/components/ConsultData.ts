'use client';

/**
 * 在线咨询 in the portal: the shapes and rules are the server's (functions/domain/consultation.ts);
 * here are the phone proof this tab keeps (anonymous askers), the calls with it, and the item a
 * guide page shows.
 */
import { useEffect, useState } from 'react';
import type { ConsultationView, FaqEntry } from '../../functions/domain/consultation.ts';
import { ApiError } from '../lib/api.ts';
import type { GuideAnswer } from '../lib/catalogue.ts';
import { codeFromPath, readPrerendered } from '../lib/guidePage.ts';

export {
  CONSULT_STATUS_NAMES,
  MAX_ANSWER,
  MAX_QUESTION,
  MIN_QUESTION,
} from '../../functions/domain/consultation.ts';
export type { ConsultationView, FaqEntry };

export const consultPath = (itemCode?: string) =>
  itemCode ? `/consult/?item=${encodeURIComponent(itemCode)}` : '/consult/';
export const myConsultPath = '/consult/mine/';

/** A phone proved by SMS code (POST /api/accounts/phone-proofs), kept in this tab only. */
export interface PhoneProof {
  proof: string;
  phone: string;
  expiresAt: string;
  /**
   * Until when this tab uses it, by this device's clock (the server's `expiresAt` is by the business
   * clock, which a device's may not match): a little under the proof's two hours. A proof the server
   * refuses earlier is forgotten then (proofJson).
   */
  keptUntil: number;
}
/** A proof is kept a little less than the two hours it is valid for. */
export const PROOF_KEPT_MS = 110 * 60_000;
const PROOF_KEY = 'bozhou-hall.phone-proof';

export function readProof(): PhoneProof | undefined {
  try {
    const p = JSON.parse(sessionStorage.getItem(PROOF_KEY) ?? 'null') as PhoneProof | null;
    return p && typeof p.keptUntil === 'number' && p.keptUntil > Date.now() ? p : undefined;
  } catch {
    return undefined;
  }
}
export const keepProof = (p: PhoneProof) => sessionStorage.setItem(PROOF_KEY, JSON.stringify(p));
export const forgetProof = () => sessionStorage.removeItem(PROOF_KEY);

/** A JSON call with the phone proof (anonymous routes); errors as ApiError with the Chinese message. */
export async function proofJson<T>(
  path: string,
  proof: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method: init.method ?? 'GET',
      headers: {
        accept: 'application/json',
        'x-phone-proof': proof,
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...init.headers,
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  } catch {
    throw new ApiError(0, '网络连接失败，请检查网络后重试');
  }
  const json = await res.json().catch(() => undefined);
  if (!res.ok) {
    if (res.status === 401) forgetProof();
    throw new ApiError(
      res.status,
      json?.error?.message ?? `请求失败（${res.status}）`,
      json?.error?.code,
      json?.error?.details,
    );
  }
  return json as T;
}

/** The item of the guide page this is on: its prerendered data, or fetched by the code in the URL. */
export function useGuideItem(explicitCode?: string): GuideAnswer | undefined {
  const [item, setItem] = useState<GuideAnswer>();
  useEffect(() => {
    const pre = readPrerendered();
    if (pre && (!explicitCode || pre.item.code === explicitCode)) {
      setItem(pre);
      return;
    }
    const code =
      explicitCode ??
      codeFromPath(window.location.pathname) ??
      (new URLSearchParams(window.location.search).get('code') ||
        new URLSearchParams(window.location.search).get('item') ||
        undefined);
    if (!code) return;
    const ctl = new AbortController();
    fetch(`/api/items/${encodeURIComponent(code)}`, {
      signal: ctl.signal,
      headers: { accept: 'application/json' },
    })
      .then((r) => (r.ok ? r.json() : undefined))
      .then((g: GuideAnswer | undefined) => g?.item && setItem(g))
      .catch(() => undefined);
    return () => ctl.abort();
  }, [explicitCode]);
  return item;
}
