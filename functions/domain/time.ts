/**
 * Beijing time, the one place it is computed. China has one time zone (UTC+8) and no daylight
 * saving, so Beijing civil time is UTC shifted by eight hours — no time-zone database, and the same
 * answer on a server in UTC, a laptop in New York and a phone in Bozhou.
 *
 * Interfaces carry instants as ISO 8601 with +08:00 (`beijingIso`); people read them in words
 * (`formatTime`, `formatDate`, `formatDeadline`).
 */
export const BEIJING_OFFSET_MS = 8 * 3_600_000;

const shifted = (ms: number) => new Date(ms + BEIJING_OFFSET_MS);

/** Beijing civil date (YYYY-MM-DD) of an instant (Date or epoch ms). */
export function beijingDate(instant: Date | number): string {
  return shifted(typeof instant === 'number' ? instant : instant.getTime())
    .toISOString()
    .slice(0, 10);
}

/** An instant as ISO 8601 in Beijing time with its offset, e.g. 2026-12-01T00:00:00+08:00. */
export function beijingIso(iso: string | undefined): string | undefined {
  if (!iso) return undefined;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return undefined;
  return `${shifted(ms).toISOString().slice(0, 19)}+08:00`;
}

function beijingParts(iso: string) {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return undefined;
  const d = shifted(ms);
  return {
    y: d.getUTCFullYear(),
    m: d.getUTCMonth() + 1,
    d: d.getUTCDate(),
    hh: d.getUTCHours(),
    mm: d.getUTCMinutes(),
  };
}

const two = (n: number) => String(n).padStart(2, '0');

/** `2026年3月2日 09:05` (Beijing). */
export function formatTime(iso: string | undefined): string {
  if (!iso) return '—';
  const p = beijingParts(iso);
  if (!p) return '—';
  return `${p.y}年${p.m}月${p.d}日 ${two(p.hh)}:${two(p.mm)}`;
}

/** `2026年3月2日` (Beijing). */
export function formatDate(iso: string | undefined): string {
  if (!iso) return '—';
  const p = beijingParts(iso);
  return p ? `${p.y}年${p.m}月${p.d}日` : '—';
}

/**
 * A deadline as people say it: `2026年3月9日 24:00前`. A period ends at the end of its last working
 * day, which interfaces send as 00:00 of the next day; that reads as 24:00 of the day before.
 */
export function formatDeadline(iso: string | undefined): string {
  if (!iso) return '—';
  const ms = Date.parse(iso);
  const p = beijingParts(iso);
  if (!p) return '—';
  if (p.hh === 0 && p.mm === 0) {
    const prev = beijingParts(new Date(ms - 60_000).toISOString())!;
    return `${prev.y}年${prev.m}月${prev.d}日 24:00前`;
  }
  return `${p.y}年${p.m}月${p.d}日 ${two(p.hh)}:${two(p.mm)}前`;
}
