import styles from '../../components/catalogue.module.css';
import { ItemFacts } from '../../components/ItemFacts.tsx';
import { highlightSegments, levelWord, type SearchItem } from '../../lib/catalogue.ts';
import { routes } from '../../lib/routes.ts';

/** One hit: the name with the matched words marked, where it is handled, and the deciding facts. */
export function ResultItem({ item, hallName }: { item: SearchItem; hallName?: string }) {
  const h = item.highlight;
  return (
    <li className={styles.result}>
      <h2 className={styles.resultName}>
        {/* A static page of its own: a page load, not a client-side route. */}
        <a href={routes.item(item.code)}>
          {highlightSegments(item.name, h?.name).map((seg, i) =>
            // biome-ignore lint/suspicious/noArrayIndexKey: segments are positional and never reorder
            seg.hit ? <mark key={i}>{seg.text}</mark> : <span key={i}>{seg.text}</span>,
          )}
        </a>
      </h2>
      <p className={styles.resultMeta}>
        <span className="visually-hidden">实施机关：</span>
        {h?.department ? <mark>{item.deptName}</mark> : item.deptName}
        {hallName && <span className={styles.tag}>{hallName}</span>}
        {levelWord(item.level) && <span className={styles.tag}>{levelWord(item.level)}</span>}
        {item.type && <span className={styles.tag}>{item.type}</span>}
      </p>
      {h?.materials && h.materials.length > 0 && (
        <p className={styles.resultMeta}>
          申请材料含：
          {h.materials.map((m, i) => (
            <span key={m}>
              {i > 0 && '、'}
              <mark>{m}</mark>
            </span>
          ))}
        </p>
      )}
      <ItemFacts item={item} />
    </li>
  );
}
