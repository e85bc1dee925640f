import { searchHref } from '../lib/catalogue.ts';
import { routes } from '../lib/routes.ts';
import styles from './home.module.css';

/** What older people come for most (养老、医保、证件、救助), as the 长辈版 home's large tiles. */
const TILES: { label: string; hint: string; href: string }[] = [
  { label: '养老金', hint: '领取、认证', href: searchHref({ q: '养老金' }) },
  { label: '高龄津贴', hint: '申领', href: searchHref({ q: '高龄津贴' }) },
  { label: '医保', hint: '报销、转移', href: searchHref({ q: '医保' }) },
  { label: '身份证', hint: '补领、换领', href: searchHref({ q: '身份证' }) },
  { label: '户口', hint: '迁移、登记', href: searchHref({ q: '户口' }) },
  { label: '低保救助', hint: '申请', href: searchHref({ q: '低保' }) },
  { label: '残疾人证', hint: '申领、补贴', href: searchHref({ q: '残疾人' }) },
  { label: '办件查询', hint: '看办到哪一步', href: routes.progress() },
];

/**
 * 长辈版 tiles: in the HTML always, shown only in care mode (a CSS rule on the root's data-care, set
 * before the first paint), so the page never changes shape when care mode is read.
 */
export function CareTiles() {
  return (
    <nav className={styles.careTiles} aria-label="常用服务" data-testid="care-tiles">
      <ul>
        {TILES.map((t) => (
          <li key={t.label}>
            <a href={t.href}>
              <strong>{t.label}</strong>
              <span>{t.hint}</span>
            </a>
          </li>
        ))}
        <li>
          <a href="tel:12345">
            <strong>打电话问</strong>
            <span>12345 热线</span>
          </a>
        </li>
      </ul>
    </nav>
  );
}
