import { useCallback, useSyncExternalStore } from 'react';
import { CARE_KEY, HALL_KEY } from './boot.ts';

/**
 * Preferences kept in localStorage: the chosen hall and care mode. Components read them through
 * useSyncExternalStore, so the static HTML renders the defaults and the browser switches to the
 * stored values right after hydration; care mode is additionally applied before first paint by
 * the inline script of the root layout (CARE_BOOT_SCRIPT in boot.ts), so the page never flashes small text.
 */

const CHANGE_EVENT = 'bozhou:prefs';

function read(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    // Storage blocked (private mode, policy): preferences simply do not persist.
    return null;
  }
}

function write(key: string, value: string | null): void {
  try {
    if (value === null) window.localStorage.removeItem(key);
    else window.localStorage.setItem(key, value);
  } catch {
    // See read(): the in-page state still changes through the event below.
  }
  window.dispatchEvent(new Event(CHANGE_EVENT));
}

function subscribe(onChange: () => void): () => void {
  // `storage` keeps several open tabs in step; the custom event covers this tab.
  window.addEventListener('storage', onChange);
  window.addEventListener(CHANGE_EVENT, onChange);
  return () => {
    window.removeEventListener('storage', onChange);
    window.removeEventListener(CHANGE_EVENT, onChange);
  };
}

/** The hall id the user chose last, or null (server render, nothing stored). */
export function useStoredHallId(): [string | null, (id: string) => void] {
  const id = useSyncExternalStore(
    subscribe,
    () => read(HALL_KEY),
    () => null,
  );
  const set = useCallback((next: string) => write(HALL_KEY, next), []);
  return [id, set];
}

function careFromDom(): boolean {
  return document.documentElement.dataset.care === '1';
}

/** Apply care mode to <html> (what the CSS keys on) and remember it. */
export function setCareMode(on: boolean): void {
  if (on) document.documentElement.dataset.care = '1';
  else delete document.documentElement.dataset.care;
  write(CARE_KEY, on ? '1' : null);
}

/**
 * Care mode (关怀版). Other components use it to drop pop-ups and keep paths simple when on.
 * The DOM attribute is the truth in this tab; the storage event syncs other tabs.
 */
export function useCareMode(): [boolean, (on: boolean) => void] {
  const on = useSyncExternalStore(
    (cb) =>
      subscribe(() => {
        const stored = read(CARE_KEY) === '1';
        if (stored !== careFromDom()) {
          if (stored) document.documentElement.dataset.care = '1';
          else delete document.documentElement.dataset.care;
        }
        cb();
      }),
    careFromDom,
    () => false,
  );
  return [on, setCareMode];
}
