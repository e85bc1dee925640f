/**
 * What one change of a case counts (办件统计, issue #11 §3), as pure rules: the stream gives the case
 * item before and after a version, and the difference says what happened — filed, accepted, refused,
 * completed on time or late, paused, rated, a rectification opened or finished. Counting differences
 * of the CASE item (rather than events) means every fact the counters need (department, item,
 * channel, deadlines, pauses) is in the record at hand, and one version is one unit of idempotency:
 * the store writes a marker per case version in the same transaction as the counter ADDs, so a
 * replayed record counts nothing (store.ts).
 *
 * No AWS here; the calendar and the catalogue facts are passed in.
 */
import type { WorkingCalendar } from '#domain/calendar.ts';
import { maskName } from '#domain/ids.ts';
import type { Channel, CounterName, Counters } from '#domain/indicators.ts';
import type { Pause } from '#domain/process.ts';
import { beijingDate } from '#domain/time.ts';
import { type CaseStatus, COMPLAINT_TAGS, isBadRating } from '#domain/vocabulary.ts';

/** The parts of a case record (cases/store.ts CaseRecord, as the stream images carry it) counting reads. */
export interface CaseImage {
  caseNo: string;
  version: number;
  itemCode: string;
  itemName: string;
  deptCode: string;
  deptName: string;
  status: CaseStatus | string;
  filedAt: string;
  acceptedAt?: string;
  promisedDays: number;
  pauses?: Pause[];
  deadlines?: { case?: string; rectify?: string };
  result?: { outcome: string; at: string };
  /** `excluded`: an appeal was upheld (评价申诉成立): the rating no longer counts anywhere. */
  rating?: { level: number; tags?: string[]; at: string; excluded?: boolean };
  rectification?: {
    openedAt: string;
    visit?: { at: string };
    fix?: { at: string; note?: string };
    rating?: { level: number; at: string };
  };
  applicant?: { name?: string; enterprise?: string; uscc?: string };
  agent?: unknown;
  /** Set by a window filing (窗口代录), when there is one; absent = on the portal. */
  channel?: string;
}

/** What the catalogue says of the case's item (read once per item by the handler). */
export interface ItemFacts {
  onlineDepth: number;
  visits: number;
}

/** The counters one change adds on one Beijing day. */
export interface DayDelta {
  date: string;
  counters: Counters;
}

/** One row of 办件公示: masked, latest version wins. */
export interface DisclosureRow {
  caseNo: string;
  itemCode: string;
  itemName: string;
  deptCode: string;
  deptName: string;
  applicant: string;
  channel: Channel;
  filedAt: string;
  acceptedAt?: string;
  finishedAt?: string;
  status: string;
  outcome?: string;
  v: number;
}

/** A rectified 差评, published (masked). */
export interface RectifiedRow {
  caseNo: string;
  itemName: string;
  deptCode: string;
  deptName: string;
  level: number;
  tags: string[];
  ratedAt: string;
  visitedAt?: string;
  fixedAt: string;
  /** What the department did (its own words, IDs and phones masked, shortened). */
  fix: string;
  rerating?: number;
  /** The rating was excluded by an upheld appeal: the row is kept but no longer listed. */
  excluded?: boolean;
  v: number;
}

export interface Counting {
  caseNo: string;
  version: number;
  deptCode: string;
  itemCode: string;
  days: DayDelta[];
  /** Change of the cases in handling now (+1 filed, −1 finished). */
  open: number;
  disclosure?: DisclosureRow;
  rectified?: RectifiedRow;
}

export const channelOf = (c: Pick<CaseImage, 'agent' | 'channel'>): Channel =>
  c.agent ? 'agent' : c.channel === 'window' ? 'window' : 'online';

/** In handling until it has a result (准予/不予/不予受理/撤回 …). */
const isOpen = (c: CaseImage | undefined) => !!c && !c.result;

const COMPLETED = new Set(['approved', 'denied']);
const KNOWN_TAGS = new Set<string>(COMPLAINT_TAGS);
const FIX_NOTE_MAX = 200;

/** `亳州市薛阁贸易有限公司` → `亳州*******公司`: the first two and last two characters kept. */
export function maskOrganisation(name: string): string {
  const chars = [...name.trim()];
  if (chars.length <= 4) return chars.length ? chars[0] + '*'.repeat(chars.length - 1) : '';
  return chars.slice(0, 2).join('') + '*'.repeat(chars.length - 4) + chars.slice(-2).join('');
}

// A resident ID, a USCC and a mainland mobile inside free text.
const SENSITIVE =
  /(?<![\dA-Z])(?:\d{17}[\dXx]|[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}|1[3-9]\d{9})(?![\dA-Z])/g;

/** Free text a department wrote, fit to publish: identity numbers and phones starred, shortened. */
export function publishableText(text: string): string {
  const masked = text.replace(SENSITIVE, (m) => `${m.slice(0, 3)}${'*'.repeat(m.length - 5)}${m.slice(-2)}`);
  return [...masked].length > FIX_NOTE_MAX ? `${[...masked].slice(0, FIX_NOTE_MAX).join('')}…` : masked;
}

export function maskedApplicant(c: CaseImage): string {
  if (c.applicant?.enterprise) return maskOrganisation(c.applicant.enterprise);
  return c.applicant?.name ? maskName(c.applicant.name) : '—';
}

/**
 * What the change `before` → `after` of one case counts. `before` is absent for a new case.
 * `item` is needed only for a new case (全程网办, visits); `cal` only when a case is completed.
 */
export function countChange(
  before: CaseImage | undefined,
  after: CaseImage,
  deps: { cal: Pick<WorkingCalendar, 'workingDaysBetween'>; item?: ItemFacts },
): Counting {
  const byDate = new Map<string, Counters>();
  const add = (at: string, name: CounterName, n = 1) => {
    if (!n) return;
    const date = beijingDate(new Date(at));
    const counters = byDate.get(date) ?? {};
    counters[name] = (counters[name] ?? 0) + n;
    byDate.set(date, counters);
  };
  const channel = channelOf(after);

  if (!before) {
    add(after.filedAt, 'filed');
    add(after.filedAt, `filed_${channel}`);
    if (deps.item?.onlineDepth === 4 && channel !== 'window') add(after.filedAt, 'filed_full');
    const visits = deps.item?.visits ?? 0;
    add(after.filedAt, 'visits', channel === 'window' ? Math.max(1, visits) : visits);
  }
  if (after.acceptedAt && !before?.acceptedAt) {
    add(after.acceptedAt, 'accepted');
  }
  if (after.result && !before?.result) countResult(before, after, add, deps.cal);

  const beforePauses = before?.pauses?.length ?? 0;
  for (const p of (after.pauses ?? []).slice(beforePauses)) {
    add(p.from, 'paused');
    add(p.from, p.reason === '补正' ? 'corrections' : 'specials');
  }

  if (after.rating && !before?.rating && !after.rating.excluded) {
    const r = after.rating;
    add(r.at, 'rated');
    add(r.at, `rated_${channel}`);
    if (r.level >= 1 && r.level <= 5) add(r.at, `r${r.level}` as CounterName);
    // Tags only with a 差评, and only the known ones (the API drops others; older records may not).
    if (isBadRating(r.level))
      for (const tag of new Set(r.tags ?? [])) if (KNOWN_TAGS.has(tag)) add(r.at, `tag:${tag}`);
  }
  // An upheld appeal takes the rating, and the rectification it opened, out of every figure, on the
  // days they were counted.
  const excludedNow = !!after.rating?.excluded && !before?.rating?.excluded && !!before?.rating;
  if (excludedNow) uncount(before!, channel, add);
  const rectBefore = before?.rectification;
  const rect = after.rectification;
  const counts = !after.rating?.excluded;
  if (rect && !rectBefore && counts) add(rect.openedAt, 'rectOpened');
  if (counts && rect?.visit && !rectBefore?.visit) add(rect.visit.at, 'rectVisited');
  if (counts && rect?.fix && !rectBefore?.fix) {
    add(rect.fix.at, 'rectFinished');
    const limit = before?.deadlines?.rectify;
    if (limit && rect.fix.at > limit) add(rect.fix.at, 'rectLate');
  }
  if (counts && rect?.rating && !rectBefore?.rating) {
    add(rect.rating.at, 'rerated');
    if (rect.rating.level >= 1 && rect.rating.level <= 5)
      add(rect.rating.at, `rr${rect.rating.level}` as CounterName);
  }

  const counting: Counting = {
    caseNo: after.caseNo,
    version: after.version,
    deptCode: after.deptCode,
    itemCode: after.itemCode,
    days: [...byDate].map(([date, counters]) => ({ date, counters })),
    open: Number(isOpen(after)) - Number(isOpen(before)),
  };
  if (!before || before.status !== after.status) counting.disclosure = disclosureRow(after, channel);
  if (rect?.fix && after.rating && (!rectBefore?.fix || (rect.rating && !rectBefore.rating) || excludedNow))
    counting.rectified = rectifiedRow(after);
  return counting;
}

/** The parts of a consultation record (consult/store.ts ConsultRecord) counting reads. */
export interface ConsultImage {
  consultNo: string;
  version: number;
  itemCode: string;
  deptCode: string;
  askedAt: string;
  deadlines?: { answer?: string };
  answer?: { at: string };
  rating?: { level: number; at: string };
}

/**
 * What one change of a 在线咨询 counts: asked, answered (late after the answer limit), rated. Same
 * idempotency unit as a case: the consultation's number and version.
 */
export function countConsultChange(before: ConsultImage | undefined, after: ConsultImage): Counting {
  const byDate = new Map<string, Counters>();
  const add = (at: string, name: CounterName) => {
    const date = beijingDate(new Date(at));
    const counters = byDate.get(date) ?? {};
    counters[name] = (counters[name] ?? 0) + 1;
    byDate.set(date, counters);
  };
  if (!before) add(after.askedAt, 'consulted');
  if (after.answer && !before?.answer) {
    add(after.answer.at, 'consultAnswered');
    const limit = (before ?? after).deadlines?.answer;
    if (limit && after.answer.at > limit) add(after.answer.at, 'consultLate');
  }
  if (after.rating && !before?.rating) {
    add(after.rating.at, 'consultRated');
    if (after.rating.level >= 3) add(after.rating.at, 'consultSatisfied');
  }
  return {
    caseNo: after.consultNo,
    version: after.version,
    deptCode: after.deptCode,
    itemCode: after.itemCode,
    days: [...byDate].map(([date, counters]) => ({ date, counters })),
    open: 0,
  };
}

/** The counters a rating and its rectification added, taken back (an upheld appeal). */
function uncount(c: CaseImage, channel: Channel, add: (at: string, name: CounterName, n?: number) => void) {
  const r = c.rating!;
  add(r.at, 'rated', -1);
  add(r.at, `rated_${channel}`, -1);
  if (r.level >= 1 && r.level <= 5) add(r.at, `r${r.level}` as CounterName, -1);
  if (isBadRating(r.level))
    for (const tag of new Set(r.tags ?? [])) if (KNOWN_TAGS.has(tag)) add(r.at, `tag:${tag}`, -1);
  const rect = c.rectification;
  if (!rect) return;
  add(rect.openedAt, 'rectOpened', -1);
  if (rect.visit) add(rect.visit.at, 'rectVisited', -1);
  if (rect.fix) add(rect.fix.at, 'rectFinished', -1);
  if (rect.rating) {
    add(rect.rating.at, 'rerated', -1);
    if (rect.rating.level >= 1 && rect.rating.level <= 5)
      add(rect.rating.at, `rr${rect.rating.level}` as CounterName, -1);
  }
}

function countResult(
  before: CaseImage | undefined,
  after: CaseImage,
  add: (at: string, name: CounterName, n?: number) => void,
  cal: Pick<WorkingCalendar, 'workingDaysBetween'>,
) {
  const { outcome, at } = after.result!;
  if (!COMPLETED.has(outcome)) {
    if (outcome === 'refused' || outcome === 'withdrawn' || outcome === 'unpaid') add(at, outcome);
    return;
  }
  add(at, 'completed');
  add(at, outcome as 'approved' | 'denied');
  const start = new Date(after.acceptedAt ?? after.filedAt);
  const paused = (after.pauses ?? []).map((p) => ({ from: new Date(p.from), to: new Date(p.to ?? at) }));
  let used: number | undefined;
  try {
    used = Math.max(0, cal.workingDaysBetween(start, new Date(at), paused));
  } catch {
    // A date the calendar does not know (it refuses to guess): the case is counted, its days are not.
  }
  if (used !== undefined) {
    add(at, 'daysUsed', used);
    add(at, 'daysPromised', after.promisedDays);
  }
  // The case's own deadline as it stood before completion (pauses already added to it); without
  // one (即办件), the working days used against the promise.
  const deadline = before?.deadlines?.case;
  const onTime = deadline ? at <= deadline : used === undefined || used <= after.promisedDays;
  add(at, onTime ? 'onTime' : 'overdue');
}

function disclosureRow(c: CaseImage, channel: Channel): DisclosureRow {
  return {
    caseNo: c.caseNo,
    itemCode: c.itemCode,
    itemName: c.itemName,
    deptCode: c.deptCode,
    deptName: c.deptName,
    applicant: maskedApplicant(c),
    channel,
    filedAt: c.filedAt,
    ...(c.acceptedAt ? { acceptedAt: c.acceptedAt } : {}),
    ...(c.result ? { finishedAt: c.result.at, outcome: c.result.outcome } : {}),
    status: c.status,
    v: c.version,
  };
}

function rectifiedRow(c: CaseImage): RectifiedRow {
  const rect = c.rectification!;
  const rating = c.rating!;
  return {
    caseNo: c.caseNo,
    itemName: c.itemName,
    deptCode: c.deptCode,
    deptName: c.deptName,
    level: rating.level,
    tags: [...new Set(rating.tags ?? [])].filter((t) => KNOWN_TAGS.has(t)),
    ratedAt: rating.at,
    ...(rect.visit ? { visitedAt: rect.visit.at } : {}),
    fixedAt: rect.fix!.at,
    fix: publishableText(rect.fix!.note ?? ''),
    ...(rect.rating ? { rerating: rect.rating.level } : {}),
    ...(rating.excluded ? { excluded: true } : {}),
    v: c.version,
  };
}

/** Whether a counting writes anything at all (a version that changes nothing counted costs nothing). */
export const countsSomething = (c: Counting) =>
  c.days.length > 0 || c.open !== 0 || !!c.disclosure || !!c.rectified;

/** `2026-03-02` → `2026-03`. */
export const monthOf = (date: string) => date.slice(0, 7);
