import styles from './SiteFooter.module.css';

export function SiteFooter() {
  return (
    <footer className={styles.footer}>
      <div className="container">
        <p>主办单位：亳州市人民政府办公室</p>
        <p>承办单位：亳州市数据资源管理局</p>
        <p>
          政务服务便民热线：
          <a href="tel:12345" className={styles.hotline}>
            12345
          </a>
        </p>
        <p>
          <a href="/stats/" className={styles.link}>
            办件统计
          </a>
          {' · '}
          <a href="/disclosure/" className={styles.link}>
            办件公示
          </a>
        </p>
        <p className={styles.small}>本站支持关怀版（长者模式）与键盘操作</p>
      </div>
    </footer>
  );
}
