'use client';

import { useEffect, useState } from 'react';
import { offlineGuides } from '../../lib/offline.ts';

/** The guides this browser keeps for offline reading (none until some were opened online). */
export function OfflineGuides() {
  const [guides, setGuides] = useState<{ path: string; name: string }[] | undefined>();
  useEffect(() => {
    offlineGuides().then(setGuides, () => setGuides([]));
  }, []);
  if (!guides) return null;
  if (guides.length === 0)
    return <p>您还没有在本机浏览过办事指南。联网后打开的办事指南，离线时也可以在这里查看。</p>;
  return (
    <ul data-testid="offline-guides">
      {guides.map((g) => (
        <li key={g.path}>
          <a href={g.path}>{g.name}</a>
        </li>
      ))}
    </ul>
  );
}

/** Tries the page the person wanted again (the offline page stands at its address). */
export function ReloadButton() {
  return (
    <button type="button" className="button" onClick={() => window.location.reload()}>
      重新加载
    </button>
  );
}
