'use client';

import { useEffect, useState } from 'react';
import { LoadError, Loading } from '../../components/Status.tsx';
import { type GuideAnswer, searchHref } from '../../lib/catalogue.ts';
import {
  codeFromPath,
  GUIDE_ROOT_ID,
  guidePath,
  isPathSafeCode,
  readPrerendered,
} from '../../lib/guidePage.ts';
import { SITE_NAME } from '../../lib/site.ts';
import { useApi } from '../../lib/useApi.ts';
import { GuideBody } from './GuideBody.tsx';
import { styles } from './guideStyles.ts';

/**
 * The guide of one item. On its prerendered page (`/item/<code>/`) the guide is already in the HTML
 * and its answer in the page's data block: the first render reads it, so React hydrates the same tree
 * and nothing is fetched. Otherwise (the `/item/` shell): an old `/item/?code=` link moves to the
 * item's own page; a code that has none (an odd shape) or a page not yet rendered is fetched.
 */
export function Guide() {
  const [prerendered] = useState<GuideAnswer | undefined>(readPrerendered);
  // undefined until the URL is read (after hydration: the static shell knows no URL).
  const [code, setCode] = useState<string | undefined>(prerendered?.item.code);
  const [moving, setMoving] = useState(false);
  const [answer, reload] = useApi<GuideAnswer>(
    !prerendered && code ? `/api/items/${encodeURIComponent(code)}` : null,
  );

  useEffect(() => {
    if (prerendered) return;
    const fromPath = codeFromPath(window.location.pathname);
    const fromQuery = (new URLSearchParams(window.location.search).get('code') ?? '').trim();
    if (fromPath || !isPathSafeCode(fromQuery)) {
      setCode(fromPath ?? fromQuery);
      return;
    }
    // An old `?code=` link: move to the item's own page if it has one (an item imported since the
    // pages were last rendered has none yet: it is fetched here instead).
    setMoving(true);
    const target = guidePath(fromQuery) + window.location.hash;
    const fetchHere = () => {
      setMoving(false);
      setCode(fromQuery);
    };
    fetch(guidePath(fromQuery), { method: 'HEAD' }).then(
      (res) => (res.ok ? window.location.replace(target) : fetchHere()),
      fetchHere,
    );
  }, [prerendered]);

  const data = prerendered ?? (answer.status === 'ready' ? answer.data : undefined);
  const name = data?.item?.name;
  // The shell has one generic title; the prerendered page has the item's, and so does a fetched one.
  // Next puts the shell's metadata title back after hydration, so the item's is kept by watching <head>.
  useEffect(() => {
    if (!name) return;
    const title = `${name} - 办事指南 - ${SITE_NAME}`;
    const keep = () => {
      if (document.title !== title) document.title = title;
    };
    keep();
    const watch = new MutationObserver(keep);
    watch.observe(document.head, { childList: true, subtree: true, characterData: true });
    return () => watch.disconnect();
  }, [name]);

  let body: React.ReactNode;
  if (data) body = <GuideBody data={data} />;
  else if (code === '' || (answer.status === 'error' && answer.httpStatus === 404))
    body = (
      <div className={styles.missing}>
        <h1>没有找到这个事项</h1>
        <p>{code ? '该事项可能已调整或下线。' : '链接中缺少事项编码。'}请搜索您要办理的事项：</p>
        <p>
          <a className="button" href={searchHref({})}>
            去搜索事项
          </a>
        </p>
      </div>
    );
  else if (answer.status === 'error' && !moving)
    body = <LoadError message={answer.message} onRetry={reload} />;
  else body = <Loading>正在加载办事指南…</Loading>;
  return <div id={GUIDE_ROOT_ID}>{body}</div>;
}
