'use client';

import styles from './Case.module.css';
import own from './Consult.module.css';
import { consultPath, myConsultPath, useGuideItem } from './ConsultData.ts';

/**
 * 我要咨询 on an item's guide: ask the item's department (signed in, or with a phone and an SMS code).
 * Self-contained: it reads the item from the guide page it is on (prerendered data or the URL), or
 * from `code`, and shows nothing until it knows it.
 */
export function ItemConsult({ code }: { code?: string }) {
  const guide = useGuideItem(code);
  if (!guide) return null;
  return (
    <section className={`panel ${styles.section}`} aria-labelledby="item-consult" data-testid="item-consult">
      <h2 id="item-consult">在线咨询</h2>
      <p>
        对办理本事项有疑问，可以向{guide.department?.name ?? '承办部门'}
        在线提问。部门在规定的工作日内答复，答复后短信通知您，您可以对答复作出评价。
      </p>
      <p className={own.entry}>
        <a className="button" href={consultPath(guide.item.code)} data-testid="consult-ask">
          我要咨询
        </a>
        <a className="button button-secondary" href={myConsultPath}>
          我的咨询
        </a>
      </p>
    </section>
  );
}
