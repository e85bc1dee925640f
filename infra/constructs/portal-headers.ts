/**
 * The security headers of the portal and of the API: one description, served by CloudFront
 * (infra/stacks/portal-stack.ts: response headers policies and the page CSP function) and by the
 * local gateway (infra/local/cloud.ts), so the browser tests see what users get. No CDK here: the
 * local cloud imports it.
 *
 * The portal is a Next.js static export. Its pages carry a few inline scripts (the care-mode boot
 * script, Turbopack's chunk list, the React Server Components payload of the page), so each page's
 * CSP allows exactly that page's scripts by their SHA-256 hashes, computed from the built site
 * (web/out): no 'unsafe-inline', no nonce (a static site has no server to mint one). Per page, not
 * site-wide: every page has its own payload script, and a site-wide list outgrows CloudFront's
 * 1,783-character CSP quota within a few pages. In AWS a CloudFront Function sets it on each response
 * (`cspFunctionCode`), locally the gateway (`pageCsp`); both from the same table. Tokens live in
 * sessionStorage, so what the CSP guards is script execution and where scripts may send data
 * (connect-src: the site itself and the sign-in endpoints).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** CloudFront's quota for a Content-Security-Policy value (response headers policy); pages stay far below it. */
export const CSP_MAX_LENGTH = 1783;
/** CloudFront Functions' code size limit. */
export const FUNCTION_MAX_BYTES = 10_240;
/** Two years, the HSTS preload lists' minimum. */
export const HSTS_MAX_AGE_SECONDS = 63_072_000;
export const REFERRER_POLICY = 'same-origin';
export const PERMISSIONS_POLICY = 'camera=(), microphone=(), geolocation=(), payment=(), usb=()';

/** The API answers JSON only: nothing may load or frame it. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'";

export interface SiteCspInputs {
  /** `'sha256-…'` sources of the page's inline scripts (`sitePages`). */
  scriptHashes: readonly string[];
  /** Origins besides the site's own that its scripts call: the OIDC issuer and token endpoint. */
  connectOrigins: readonly string[];
  /**
   * The S3 endpoint of the materials buckets (path-style, one origin for every hall): the apply page
   * POSTs uploads to it (presigned), the case page previews files from it (presigned GETs, in an
   * img or iframe).
   */
  materialsOrigin?: string;
}

export function siteCsp({ scriptHashes, connectOrigins, materialsOrigin }: SiteCspInputs): string {
  const materials = materialsOrigin ? [materialsOrigin] : [];
  return [
    "default-src 'self'",
    ['script-src', "'self'", ...scriptHashes].join(' '),
    "style-src 'self'",
    ['img-src', "'self'", 'data:', ...materials].join(' '),
    ...(materialsOrigin ? [`frame-src 'self' ${materialsOrigin}`] : []),
    "font-src 'self'",
    ['connect-src', "'self'", ...connectOrigins, ...materials].join(' '),
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Every header, as a browser receives it (lower-case names). */
export function securityHeaders(csp: string): Record<string, string> {
  return {
    'content-security-policy': csp,
    'strict-transport-security': `max-age=${HSTS_MAX_AGE_SECONDS}; includeSubDomains`,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': REFERRER_POLICY,
    'permissions-policy': PERMISSIONS_POLICY,
  };
}

// Data blocks (`type="application/json"`, the guides' answers) are not run, so CSP does not apply.
const INLINE_SCRIPT = /<script(?![^>]*\ssrc=)(?![^>]*\stype="application\/json")[^>]*>([\s\S]*?)<\/script>/gi;

/** `'sha256-…'` of each distinct inline script of one HTML page, as the browser hashes it. */
export function pageScriptHashes(html: string): string[] {
  return [...html.matchAll(INLINE_SCRIPT)]
    .filter((m) => m[1].length > 0)
    .map((m) => `'sha256-${createHash('sha256').update(m[1], 'utf8').digest('base64')}'`);
}

/**
 * The object CloudFront serves for a request path, as the IndexRewrite function rewrites it (and as
 * the local gateway resolves it): `/a/b/` and `/a/b` → `/a/b/index.html`; a file path stays.
 */
export function pageKey(uri: string): string {
  if (uri.endsWith('/')) return `${uri}index.html`;
  return (uri.split('/').pop() ?? '').includes('.') ? uri : `${uri}/index.html`;
}

/**
 * Every item's guide (`/item/<code>/`) is a copy of the `/item/` shell with the same scripts
 * (web/lib/prerender.tsx): one CSP entry serves them all, so the table stays the same size however
 * many items the catalogue has, and a re-rendered catalogue needs no new CSP. Such a path may also be
 * answered with 404.html (an unknown code), so it allows that page's scripts too.
 */
const GUIDE_PAGE = /^\/item\/[^/]+\/index\.html$/;
const GUIDE_SHELL = '/item/index.html';

/** Every HTML page of a built site, by `pageKey`, with the hashes of its inline scripts; none without a site. */
export function sitePages(siteDir: string | undefined): Record<string, string[]> {
  const pages: Record<string, string[]> = {};
  if (!siteDir || !existsSync(siteDir)) return pages;
  const visit = (dir: string, prefix: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) visit(path, `${prefix}${name}/`);
      else if (name.endsWith('.html') && !GUIDE_PAGE.test(`${prefix}${name}`))
        pages[`${prefix}${name}`] = [...new Set(pageScriptHashes(readFileSync(path, 'utf8')))];
    }
  };
  visit(siteDir, '/');
  return pages;
}

/** Where a page's script sources go in the CSP template. */
const SCRIPTS = "'page-scripts'";
const NOT_FOUND_PAGE = '/404.html';

/** The CSP of every page with its script sources left out (`SCRIPTS`). */
const cspTemplate = (inputs: Omit<SiteCspInputs, 'scriptHashes'>) =>
  siteCsp({ ...inputs, scriptHashes: [SCRIPTS] });

/**
 * The CSP of the page a request path serves; a path that is no page is answered with 404.html, so it
 * gets that page's. Exactly what `cspFunctionCode` computes at CloudFront.
 */
export function pageCsp(
  pages: Record<string, string[]>,
  uri: string,
  inputs: Omit<SiteCspInputs, 'scriptHashes'>,
): string {
  const key = pageKey(uri);
  const scripts = GUIDE_PAGE.test(key)
    ? [...(pages[GUIDE_SHELL] ?? []), ...(pages[NOT_FOUND_PAGE] ?? [])]
    : (pages[key] ?? pages[NOT_FOUND_PAGE] ?? []);
  return cspTemplate(inputs).replace(` ${SCRIPTS}`, scripts.map((s) => ` ${s}`).join(''));
}

/**
 * A CloudFront Function (viewer response, cloudfront-js-1.0) that sets `pageCsp` on each response of
 * the site: the distinct hashes once, each page as indexes into them. Fails when the code would
 * exceed CloudFront's 10 KB (CDK tokens counted as 64 characters).
 */
export function cspFunctionCode(
  pages: Record<string, string[]>,
  inputs: Omit<SiteCspInputs, 'scriptHashes'>,
): string {
  const hashes = [...new Set(Object.values(pages).flat())].sort();
  const index = new Map(hashes.map((h, i) => [h, i]));
  const table = Object.fromEntries(
    Object.entries(pages).map(([key, list]) => [key, list.map((h) => index.get(h))]),
  );
  const code = `var T = ${JSON.stringify(cspTemplate(inputs))};
var S = ${JSON.stringify(hashes)};
var P = ${JSON.stringify(table)};
function handler(event) {
  var uri = event.request.uri;
  if (uri.endsWith('/')) uri = uri + 'index.html';
  else if (uri.split('/').pop().indexOf('.') === -1) uri = uri + '/index.html';
  var page = ${GUIDE_PAGE.toString()}.test(uri)
    ? (P[${JSON.stringify(GUIDE_SHELL)}] || []).concat(P[${JSON.stringify(NOT_FOUND_PAGE)}] || [])
    : P[uri] || P[${JSON.stringify(NOT_FOUND_PAGE)}] || [];
  var scripts = '';
  for (var i = 0; i < page.length; i++) scripts = scripts + ' ' + S[page[i]];
  event.response.headers['content-security-policy'] = { value: T.replace(${JSON.stringify(` ${SCRIPTS}`)}, scripts) };
  return event.response;
}`;
  const size = Buffer.byteLength(code.replace(/\$\{Token\[[^\]]*\]\}/g, 'x'.repeat(64)));
  if (size > FUNCTION_MAX_BYTES)
    throw new Error(
      `the portal's CSP function is ${size} bytes, over CloudFront Functions' ${FUNCTION_MAX_BYTES}: ` +
        `${Object.keys(pages).length} pages, ${hashes.length} distinct inline scripts`,
    );
  return code;
}
