import { EntryTabs } from '../components/EntryTabs.tsx';
import { HallCards } from '../components/HallCards.tsx';
import styles from '../components/home.module.css';

/**
 * Home: search, the 个人/企业/部门 entry for the chosen hall, and the halls. The search form is a
 * plain GET form, so it works before (or without) JavaScript.
 */
export default function HomePage() {
  return (
    <div className="container">
      <section className={styles.hero} aria-labelledby="home-title">
        <h1 id="home-title">一网通办 · 就近可办</h1>
        <search>
          <form action="/search/" method="get" className={styles.search}>
            <label htmlFor="home-q" className="visually-hidden">
              搜索办事事项
            </label>
            <input
              id="home-q"
              name="q"
              type="search"
              enterKeyHint="search"
              placeholder="如：营业执照"
              autoComplete="off"
            />
            <button type="submit" className="button">
              搜索
            </button>
          </form>
        </search>
      </section>
      <EntryTabs />
      <HallCards />
    </div>
  );
}
