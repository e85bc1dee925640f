import { useCallback, useSyncExternalStore } from 'react';

/**
 * The materials a person has ticked while preparing, per item, in localStorage (`bozhou.checklist.<code>`).
 * Read through useSyncExternalStore like the other preferences: the static HTML renders nothing
 * ticked and the browser shows the stored ticks right after hydration.
 */

const PREFIX = 'bozhou.checklist.';
const CHANGE_EVENT = 'bozhou:checklist';
const EMPTY: readonly string[] = Object.freeze([]);

// useSyncExternalStore needs the same array for the same stored text, or React re-renders forever.
const cache = new Map<string, { raw: string | null; value: readonly string[] }>();

function read(code: string): readonly string[] {
  let raw: string | null = null;
  try {
    raw = window.localStorage.getItem(PREFIX + code);
  } catch {
    // Storage blocked: ticks live only as long as the page (see write()).
    raw = memory.get(code) ?? null;
  }
  const hit = cache.get(code);
  if (hit && hit.raw === raw) return hit.value;
  let value: readonly string[] = EMPTY;
  try {
    const parsed: unknown = raw ? JSON.parse(raw) : [];
    if (Array.isArray(parsed)) value = parsed.filter((x): x is string => typeof x === 'string');
  } catch {
    // A damaged entry counts as nothing ticked.
  }
  cache.set(code, { raw, value });
  return value;
}

const memory = new Map<string, string>();

function write(code: string, names: readonly string[]): void {
  const raw = JSON.stringify([...new Set(names)]);
  try {
    if (names.length === 0) window.localStorage.removeItem(PREFIX + code);
    else window.localStorage.setItem(PREFIX + code, raw);
  } catch {
    memory.set(code, raw);
  }
  window.dispatchEvent(new Event(CHANGE_EVENT));
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('storage', onChange);
  window.addEventListener(CHANGE_EVENT, onChange);
  return () => {
    window.removeEventListener('storage', onChange);
    window.removeEventListener(CHANGE_EVENT, onChange);
  };
}

/** Ticked material names of one item, a toggle, and a reset. */
export function useChecklist(code: string): {
  ticked: readonly string[];
  toggle: (name: string, on: boolean) => void;
  clear: () => void;
} {
  const ticked = useSyncExternalStore(
    subscribe,
    () => read(code),
    () => EMPTY,
  );
  const toggle = useCallback(
    (name: string, on: boolean) => {
      const now = read(code).filter((n) => n !== name);
      write(code, on ? [...now, name] : now);
    },
    [code],
  );
  const clear = useCallback(() => write(code, []), [code]);
  return { ticked, toggle, clear };
}
