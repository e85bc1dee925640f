/**
 * What the portal knows about the catalogue: the shapes of GET /api/items, /api/items/{code},
 * /api/suggest and /api/departments, the theme and level lists, and the mapping between the search
 * page's URL and the API query. Pure (no React), so pages and tests share one reading.
 *
 * The theme lists come from functions/domain/vocabulary.ts (no zod), so portal and catalogue agree.
 */

import {
  ENTERPRISE_THEMES,
  LEVEL_NAMES,
  LEVEL_SHORT,
  LEVELS,
  type Level,
  PERSON_THEMES,
} from '../../functions/domain/vocabulary.ts';
import type { Audience, ItemSummary } from './api.ts';

export { ENTERPRISE_THEMES, LEVEL_NAMES, LEVEL_SHORT, LEVELS, type Level, PERSON_THEMES };

const ALL_THEMES = new Set<string>([...PERSON_THEMES, ...ENTERPRISE_THEMES]);

export const AUDIENCE_WORDS: Record<Audience, string> = { person: '个人', enterprise: '企业' };

export function levelWord(level: string | undefined): string {
  return (LEVEL_SHORT as Record<string, string>)[level ?? ''] ?? '';
}

// ---------------------------------------------------------------------------------------------
// Search results and suggestions

export interface Highlight {
  /** [start, end) ranges over the item name (UTF-16 indices) that matched. */
  name: [number, number][];
  /** Materials that matched, when the hit came through them. */
  materials?: string[];
  /** Set when the hit came through the department name. */
  department?: boolean;
}

export interface SearchItem extends ItemSummary {
  hallId: string;
  deptCode: string;
  audience: Audience[];
  themes: string[];
  legalDays: number;
  highlight?: Highlight;
}

export interface SearchAnswer {
  total: number;
  items: SearchItem[];
  /** Set when nothing matched: names to try instead. */
  suggestions?: string[];
}

export interface Suggestion {
  code: string;
  name: string;
}

export interface DepartmentRow {
  code: string;
  name: string;
  hallId: string;
  level: Level;
  phone?: string;
  itemCount: number;
}

/**
 * The name cut into plain and highlighted pieces. Ranges come from the server and are trusted
 * only as far as they fit the name: out-of-range, reversed or overlapping ranges are clipped.
 */
export function highlightSegments(
  name: string,
  ranges: readonly (readonly [number, number])[] | undefined,
): { text: string; hit: boolean }[] {
  const out: { text: string; hit: boolean }[] = [];
  let at = 0;
  const sorted = [...(ranges ?? [])]
    .filter((r) => Array.isArray(r) && Number.isInteger(r[0]) && Number.isInteger(r[1]))
    .sort((a, b) => a[0] - b[0]);
  for (const [s0, e0] of sorted) {
    const s = Math.max(at, Math.min(s0, name.length));
    const e = Math.min(e0, name.length);
    if (e <= s) continue;
    if (s > at) out.push({ text: name.slice(at, s), hit: false });
    out.push({ text: name.slice(s, e), hit: true });
    at = e;
  }
  if (at < name.length) out.push({ text: name.slice(at), hit: false });
  return out;
}

// ---------------------------------------------------------------------------------------------
// The search page's URL ⇄ the API query

export const PAGE_SIZE = 10;
export const MAX_QUERY_LENGTH = 100;

/** What the search page shows, read from its URL (`/search/?q=&hallId=&audience=&theme=&dept=&level=&depth=&page=`). */
export interface SearchState {
  q: string;
  hallId?: string;
  audience?: Audience;
  theme?: string;
  dept?: string;
  level?: Level;
  depth?: 1 | 2 | 3 | 4;
  page: number;
}

export const FILTER_KEYS = ['hallId', 'audience', 'theme', 'dept', 'level', 'depth'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];

const ID = /^[a-z][a-z0-9-]{0,29}$/;
const DEPT = /^[0-9a-z-]{1,40}$/;

/**
 * Read the URL leniently: a value the API would refuse (a hand-edited or stale link) is dropped
 * rather than turned into an error page, and an over-long query is cut to what the API accepts.
 */
export function parseSearchState(params: URLSearchParams): SearchState {
  const get = (k: string) => params.get(k)?.trim() || undefined;
  const s: SearchState = { q: (params.get('q') ?? '').trim().slice(0, MAX_QUERY_LENGTH), page: 1 };
  const hallId = get('hallId');
  if (hallId && ID.test(hallId)) s.hallId = hallId;
  const audience = get('audience');
  if (audience === 'person' || audience === 'enterprise') s.audience = audience;
  const theme = get('theme');
  if (theme && ALL_THEMES.has(theme)) s.theme = theme;
  const dept = get('dept');
  if (dept && DEPT.test(dept)) s.dept = dept;
  const level = get('level');
  if (level && (LEVELS as readonly string[]).includes(level)) s.level = level as Level;
  const depth = Number(get('depth'));
  if ([1, 2, 3, 4].includes(depth)) s.depth = depth as SearchState['depth'];
  const page = Number(get('page'));
  if (Number.isInteger(page) && page > 1 && page <= 1000) s.page = page;
  return s;
}

/** The search page URL for a state (defaults left out, so links stay short and stable). */
export function searchHref(s: Partial<SearchState>): string {
  const p = new URLSearchParams();
  if (s.q) p.set('q', s.q);
  for (const k of FILTER_KEYS) if (s[k] !== undefined && s[k] !== '') p.set(k, String(s[k]));
  if (s.page && s.page > 1) p.set('page', String(s.page));
  const qs = p.toString();
  return qs ? `/search/?${qs}` : '/search/';
}

/** GET /api/items for a state (the API names dept `deptCode` and depth `onlineDepth`). */
export function searchApiPath(s: SearchState, pageSize = PAGE_SIZE): string {
  const p = new URLSearchParams();
  if (s.q) p.set('q', s.q);
  if (s.hallId) p.set('hallId', s.hallId);
  if (s.audience) p.set('audience', s.audience);
  if (s.theme) p.set('theme', s.theme);
  if (s.dept) p.set('deptCode', s.dept);
  if (s.level) p.set('level', s.level);
  if (s.depth) p.set('onlineDepth', String(s.depth));
  p.set('limit', String(pageSize));
  if (s.page > 1) p.set('offset', String((s.page - 1) * pageSize));
  return `/api/items?${p.toString()}`;
}

export function hasFilters(s: Partial<SearchState>): boolean {
  return FILTER_KEYS.some((k) => s[k] !== undefined && s[k] !== '');
}

/** The API refuses offsets past 10,000, so paging stops there. */
export function pageCount(total: number, pageSize = PAGE_SIZE): number {
  return Math.max(1, Math.min(Math.ceil(total / pageSize), Math.floor(10_000 / pageSize) + 1));
}

// ---------------------------------------------------------------------------------------------
// One item's guide: GET /api/items/{code}

export interface GuideMaterial {
  name: string;
  required: boolean;
  form: '原件' | '复印件' | '电子';
  copies: number;
  blankForm?: string;
  sample?: string;
  source: string;
  note?: string;
}

export interface GuideItem {
  code: string;
  name: string;
  type: string;
  hallId: string;
  deptCode: string;
  level: Level;
  audience: Audience[];
  themes: string[];
  legalDays: number;
  promisedDays: number;
  caseKind: '即办件' | '承诺件';
  jointDepts: string[];
  conditions: string;
  legalBasis: string;
  materials: GuideMaterial[];
  fees: { charged: boolean; standard: string; basis: string; onlinePayment: boolean };
  visits: number;
  onlineDepth: number;
  postalApplication: boolean;
  delivery: ('自取' | '邮寄' | '电子')[];
  place: string;
  hours: string;
  consultPhone: string;
  complaintPhone: string;
  specialProcedures: string[];
  processTemplate: string;
}

export interface GuideStep {
  id: string;
  name: string;
  post: string;
  level: Level;
  limitDays: number;
  depts: string[];
  deptNames: string[];
}

export interface GuideAnswer {
  item: GuideItem;
  department: { code: string; name: string; address?: string; phone?: string } | null;
  hall: { id: string; name: string; fullName: string } | null;
  jointDepartments: { code: string; name: string }[];
  processTemplate: { id: string; name: string; kind: string } | null;
  steps: GuideStep[];
}

/** The issuing source that means the e-licence library (电子证照库) can supply the material. */
export const GOVERNMENT_SOURCE = '政府部门核发';

export function sharedByGovernment(m: Pick<GuideMaterial, 'source'>): boolean {
  return m.source === GOVERNMENT_SOURCE;
}

/**
 * Online application is offered from depth III (网上预审) up: the applicant files online and at most
 * brings originals once; below that the guide sends them to the window.
 */
export function canApplyOnline(item: Pick<GuideItem, 'onlineDepth'>): boolean {
  return item.onlineDepth >= 3;
}

/** Words for a step limit: 0 is on the spot. */
export function stepLimitWords(days: number): string {
  return days === 0 ? '当场办理' : `${days} 个工作日`;
}

/** Tel links keep digits, +, and the extension separator only. */
export function telHref(phone: string): string {
  return `tel:${phone.replace(/[^\d+,;]/g, '')}`;
}
