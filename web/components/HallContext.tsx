'use client';

import { createContext, type ReactNode, useContext, useMemo } from 'react';
import type { Hall } from '../lib/api.ts';
import { useSession } from '../lib/auth.ts';
import { useStoredHallId } from '../lib/prefs.ts';
import { type Load, useApi } from '../lib/useApi.ts';

interface HallState {
  halls: Load<Hall[]>;
  /** The chosen hall: the stored one if it still exists, else the signed-in official's, else the first (the city hall). */
  hall: Hall | undefined;
  selectHall: (id: string) => void;
  reload: () => void;
}

const HallContext = createContext<HallState | null>(null);

/** Loads the halls once for the whole page: the header switch and the home page share them. */
export function HallProvider({ children }: { children: ReactNode }) {
  const [answer, reload] = useApi<{ halls: Hall[] }>('/api/halls');
  const [storedId, setStoredId] = useStoredHallId();
  // Staff, agents and hall supervisors work in one hall: it is their default until they choose.
  const sessionHall = useSession()?.claims.hall;

  const halls = useMemo<Load<Hall[]>>(
    () =>
      answer.status === 'ready'
        ? { status: 'ready', data: Array.isArray(answer.data?.halls) ? answer.data.halls : [] }
        : answer,
    [answer],
  );

  const hall = useMemo(() => {
    if (halls.status !== 'ready') return undefined;
    const find = (id: string | null | undefined) => (id ? halls.data.find((h) => h.id === id) : undefined);
    return find(storedId) ?? find(sessionHall) ?? halls.data[0];
  }, [halls, storedId, sessionHall]);

  const value = useMemo(
    () => ({ halls, hall, selectHall: setStoredId, reload }),
    [halls, hall, setStoredId, reload],
  );
  return <HallContext.Provider value={value}>{children}</HallContext.Provider>;
}

export function useHalls(): HallState {
  const ctx = useContext(HallContext);
  if (!ctx) throw new Error('useHalls must be used inside <HallProvider>');
  return ctx;
}
