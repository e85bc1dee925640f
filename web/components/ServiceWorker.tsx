'use client';

import { useEffect } from 'react';

/**
 * Registers the service worker (web/public/sw.js: the app shell, opened guides and the person's own
 * cases offline, the offline page) once the page has loaded, so it never competes with the first paint.
 */
export function ServiceWorker() {
  useEffect(() => {
    if (!('serviceWorker' in navigator)) return;
    const register = () => void navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => {});
    if (document.readyState === 'complete') register();
    else window.addEventListener('load', register, { once: true });
    return () => window.removeEventListener('load', register);
  }, []);
  return null;
}
