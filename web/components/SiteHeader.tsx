import Link from 'next/link';
import { AuthStatus } from '../app/login/AuthStatus.tsx';
import { routes } from '../lib/routes.ts';
import { SITE_NAME } from '../lib/site.ts';
import { CareToggle } from './CareToggle.tsx';
import { HallSwitch } from './HallSwitch.tsx';
import styles from './SiteHeader.module.css';

export { SITE_NAME };

export function SiteHeader() {
  return (
    <header className={styles.header}>
      <div className={`container ${styles.bar}`}>
        <Link href={routes.home} className={styles.brand}>
          <span className={styles.emblem} aria-hidden="true">
            亳
          </span>
          <span className={styles.siteName}>{SITE_NAME}</span>
        </Link>
        {/* Before the tools in the DOM so that on a phone it shares the first row with the name. */}
        <AuthStatus className={styles.login} />
        <div className={styles.tools}>
          <HallSwitch />
          <CareToggle />
        </div>
      </div>
    </header>
  );
}
