/**
 * Storage keys and the pre-paint script. Separate from prefs.ts (React hooks) so the server-rendered
 * root layout can import them.
 */
export const HALL_KEY = 'bozhou.hall';
export const CARE_KEY = 'bozhou.care';

/**
 * Runs inline in <head> before the body is parsed, so the first paint already has care mode and
 * the page never flashes small text. A string, not a module: it must run before any bundle loads.
 */
export const CARE_BOOT_SCRIPT = `try{if(localStorage.getItem('${CARE_KEY}')==='1')document.documentElement.dataset.care='1'}catch(e){}`;
