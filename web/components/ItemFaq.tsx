'use client';

import { formatDate } from '../lib/cases.ts';
import { useApi } from '../lib/useApi.ts';
import styles from './Case.module.css';
import own from './Consult.module.css';
import { type FaqEntry, useGuideItem } from './ConsultData.ts';

/**
 * 常见问题 of an item: questions its department answered and chose to publish, in the department's
 * edited words (never who asked). Nothing is shown while there are none.
 */
export function ItemFaq({ code }: { code?: string }) {
  const guide = useGuideItem(code);
  const [faq] = useApi<{ faq: FaqEntry[] }>(
    guide ? `/api/halls/${guide.item.hallId}/faq?itemCode=${encodeURIComponent(guide.item.code)}` : null,
  );
  const entries = faq.status === 'ready' && Array.isArray(faq.data?.faq) ? faq.data.faq : [];
  if (entries.length === 0) return null;
  return (
    <section
      className={`panel ${styles.section} ${own.faq}`}
      aria-labelledby="item-faq"
      data-testid="item-faq"
    >
      <h2 id="item-faq">常见问题</h2>
      {entries.map((f) => (
        <details key={f.consultNo}>
          <summary>{f.question}</summary>
          <p className={own.answer}>{f.answer}</p>
          <p className={own.meta}>
            <span>{f.deptName}</span>
            <span>答复于 {formatDate(f.answeredAt)}</span>
          </p>
        </details>
      ))}
    </section>
  );
}
