import { formatDepth, formatPromised, formatVisits } from '../lib/format.ts';
import styles from './ItemFacts.module.css';

interface Facts {
  promisedDays: number;
  caseKind?: string;
  onlineDepth: number | string;
  visits: number;
}

/** The three facts a person decides by, wherever an item is listed: limit, online depth, visits. */
export function ItemFacts({ item }: { item: Facts }) {
  return (
    <dl className={styles.facts}>
      <div>
        <dt>承诺时限</dt>
        <dd>{formatPromised(item.promisedDays, item.caseKind)}</dd>
      </div>
      <div>
        <dt>网办深度</dt>
        <dd>{formatDepth(item.onlineDepth)}</dd>
      </div>
      <div>
        <dt>跑动次数</dt>
        <dd className={item.visits === 0 ? styles.zero : undefined}>
          {item.visits === 0 && <span aria-hidden="true">✓ </span>}
          {formatVisits(item.visits)}
        </dd>
      </div>
    </dl>
  );
}
