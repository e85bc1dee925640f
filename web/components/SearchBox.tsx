'use client';

import { useRouter } from 'next/navigation';
import { type FormEvent, type KeyboardEvent, useEffect, useId, useRef, useState } from 'react';
import { getJson } from '../lib/api.ts';
import { MAX_QUERY_LENGTH, type Suggestion, searchHref } from '../lib/catalogue.ts';
import { useCareMode } from '../lib/prefs.ts';
import { routes } from '../lib/routes.ts';
import styles from './catalogue.module.css';

const DEBOUNCE_MS = 180;

/**
 * The search box with type-ahead, an ARIA 1.2 combobox: typing asks /api/suggest (debounced, the
 * older request aborted), ↓/↑ move through the item names, Enter opens the chosen item's guide or,
 * with nothing chosen, searches; Esc closes the list. Focus never leaves the input
 * (aria-activedescendant). In care mode the list is part of the page flow below the box instead of
 * floating over the content, so nothing pops up.
 *
 * The form is a plain GET to /search/, so it still works before the bundle loads.
 */
export function SearchBox({
  initialQuery = '',
  hallId,
  onSearch,
  autoFocus = false,
  label = '搜索办事事项',
  placeholder = '如：身份证丢了、开饭店',
}: {
  initialQuery?: string;
  /** Suggestions and the search are limited to this hall when set. */
  hallId?: string;
  /** Run the search (the search page keeps its filters); default: go to /search/?q=. */
  onSearch?: (q: string) => void;
  autoFocus?: boolean;
  label?: string;
  placeholder?: string;
}) {
  const router = useRouter();
  const [care] = useCareMode();
  const [text, setText] = useState(initialQuery);
  const [suggestions, setSuggestions] = useState<Suggestion[]>([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [asked, setAsked] = useState('');
  const base = useId();
  const listId = `${base}-list`;
  const inputRef = useRef<HTMLInputElement>(null);

  // Ask for suggestions a moment after typing stops; only the latest answer counts.
  useEffect(() => {
    const q = text.trim();
    if (!q || q === asked) return;
    const ctl = new AbortController();
    const timer = window.setTimeout(() => {
      getJson<{ suggestions: Suggestion[] }>(
        `/api/suggest?${new URLSearchParams({ q, ...(hallId ? { hallId } : {}) })}`,
        { signal: ctl.signal },
      ).then(
        (r) => {
          setSuggestions(Array.isArray(r?.suggestions) ? r.suggestions : []);
          setActive(-1);
          setAsked(q);
        },
        () => {
          // Type-ahead is a convenience: on failure the box still searches on Enter.
          setSuggestions([]);
        },
      );
    }, DEBOUNCE_MS);
    return () => {
      window.clearTimeout(timer);
      ctl.abort();
    };
  }, [text, hallId, asked]);

  const shown = open && text.trim() !== '' && suggestions.length > 0;

  function choose(s: Suggestion) {
    setOpen(false);
    setText(s.name);
    // The guide is a static page of its own (no client-side route for it).
    window.location.assign(routes.item(s.code));
  }

  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setOpen(false);
    const q = text.trim();
    if (onSearch) onSearch(q);
    else router.push(searchHref({ q, hallId }));
  }

  function onKeyDown(e: KeyboardEvent<HTMLInputElement>) {
    const n = suggestions.length;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      if (!n || !text.trim()) return;
      e.preventDefault();
      if (!shown) {
        setOpen(true);
        setActive(e.key === 'ArrowDown' ? 0 : n - 1);
        return;
      }
      setActive((i) => (e.key === 'ArrowDown' ? (i + 1) % n : i <= 0 ? n - 1 : i - 1));
    } else if (e.key === 'Enter' && shown && active >= 0 && suggestions[active]) {
      e.preventDefault();
      choose(suggestions[active]);
    } else if (e.key === 'Escape') {
      if (shown) {
        e.preventDefault();
        setOpen(false);
        setActive(-1);
      }
    }
  }

  const activeId = shown && active >= 0 ? `${base}-opt-${active}` : undefined;

  return (
    <search className={styles.searchBox}>
      <form action="/search/" method="get" onSubmit={submit}>
        <label htmlFor={`${base}-q`} className="visually-hidden">
          {label}
        </label>
        <div className={styles.searchRow}>
          <input
            ref={inputRef}
            id={`${base}-q`}
            name="q"
            type="search"
            enterKeyHint="search"
            placeholder={placeholder}
            autoComplete="off"
            spellCheck={false}
            maxLength={MAX_QUERY_LENGTH}
            // biome-ignore lint/a11y/noAutofocus: only on the search page, where typing is the purpose
            autoFocus={autoFocus}
            role="combobox"
            aria-autocomplete="list"
            aria-expanded={shown}
            aria-controls={listId}
            aria-activedescendant={activeId}
            aria-describedby={`${base}-hint`}
            value={text}
            onChange={(e) => {
              setText(e.target.value);
              setOpen(true);
              setActive(-1);
            }}
            onFocus={() => setOpen(true)}
            onBlur={() => setOpen(false)}
            onKeyDown={onKeyDown}
            data-testid="search-input"
          />
          {hallId && <input type="hidden" name="hallId" value={hallId} />}
          <button type="submit" className="button">
            搜索
          </button>
        </div>
        <div
          id={listId}
          role="listbox"
          aria-label="搜索建议"
          className={`${styles.suggest} ${care ? styles.suggestInline : styles.suggestFloat}`}
          hidden={!shown}
          data-testid="suggestions"
        >
          {suggestions.map((s, i) => (
            // Options stay out of the tab order: focus remains in the input (aria-activedescendant),
            // whose onKeyDown is the keyboard path for these clicks.
            // biome-ignore lint/a11y/useKeyWithClickEvents: see above
            <div
              key={s.code}
              tabIndex={-1}
              id={`${base}-opt-${i}`}
              role="option"
              aria-selected={i === active}
              className={styles.option}
              // mousedown would blur the input and close the list before the click lands.
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => choose(s)}
            >
              <span className={styles.optionMark} aria-hidden="true">
                {i === active ? '▶' : ''}
              </span>
              {s.name}
            </div>
          ))}
        </div>
        <p id={`${base}-hint`} className="visually-hidden">
          输入时会列出相关事项，可用上下方向键选择，按回车打开办事指南
        </p>
        <p className="visually-hidden" role="status" aria-live="polite">
          {shown ? `有 ${suggestions.length} 条建议` : ''}
        </p>
      </form>
    </search>
  );
}
