import Link from 'next/link';
import { CareTiles } from '../components/CareTiles.tsx';
import { EntryTabs } from '../components/EntryTabs.tsx';
import { HallCards } from '../components/HallCards.tsx';
import { HomeSearch } from '../components/HomeSearch.tsx';
import styles from '../components/home.module.css';
import { routes } from '../lib/routes.ts';

/**
 * Home: search (with type-ahead), the 个人/企业/部门 entry for the chosen hall, and the halls. The
 * search form is a plain GET form underneath, so it works before (or without) JavaScript.
 */
export default function HomePage() {
  return (
    <div className="container">
      <section className={styles.hero} aria-labelledby="home-title">
        <h1 id="home-title">一网通办 · 就近可办</h1>
        <HomeSearch />
        <p>
          已申办？<Link href={routes.progress()}>办件进度查询</Link>（凭办件编号和查询码，无需登录）
        </p>
      </section>
      <CareTiles />
      <EntryTabs />
      <HallCards />
    </div>
  );
}
