import Link from 'next/link';
import type { Audience } from '../lib/api.ts';
import { ENTERPRISE_THEMES, PERSON_THEMES, searchHref } from '../lib/catalogue.ts';
import styles from './catalogue.module.css';

/**
 * Life-event themes (functions/domain/DOMAIN.md §2) as tiles; each opens the search filtered to that theme and
 * audience (and hall, when one is chosen). Plain links: they work without JavaScript and open in
 * a new tab like any link.
 */
export function ThemeGrid({
  audience,
  hallId,
  headingLevel = 3,
  title,
}: {
  audience: Audience;
  hallId?: string;
  headingLevel?: 2 | 3;
  title?: string;
}) {
  const themes = audience === 'person' ? PERSON_THEMES : ENTERPRISE_THEMES;
  const heading = title ?? (audience === 'person' ? '个人办事主题' : '企业办事主题');
  const H = headingLevel === 2 ? 'h2' : 'h3';
  const id = `themes-${audience}`;
  return (
    <nav aria-labelledby={id} className={styles.themes}>
      <H id={id} className={styles.themesHeading}>
        {heading}
      </H>
      <ul className={styles.themeGrid} data-testid={`theme-grid-${audience}`}>
        {themes.map((t) => (
          <li key={t}>
            <Link
              className={styles.themeTile}
              href={searchHref({ audience, theme: t, hallId })}
              prefetch={false}
            >
              {t}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
