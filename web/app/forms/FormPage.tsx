'use client';

import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { useEffect } from 'react';
import { SITE_NAME } from '../../components/SiteHeader.tsx';
import { LoadError, Loading } from '../../components/Status.tsx';
import { searchHref } from '../../lib/catalogue.ts';
import { type FormResult, formFor, type GuideWithForms, parseMaterialIndex } from '../../lib/forms.ts';
import { routes } from '../../lib/routes.ts';
import { useApi } from '../../lib/useApi.ts';
import { FormSheetView } from './FormSheet.tsx';
import styles from './forms.module.css';

export function FormPage() {
  const params = useSearchParams();
  const code = (params.get('code') ?? '').trim();
  const index = parseMaterialIndex(params.get('m'));
  const sample = params.get('sample') === '1';
  const [answer, reload] = useApi<GuideWithForms>(code ? `/api/items/${encodeURIComponent(code)}` : null);
  const result: FormResult | undefined =
    answer.status === 'ready' ? formFor(answer.data, index, sample) : undefined;
  const title = result?.ok ? `${result.sheet.title}${sample ? '（填写示例）' : ''}` : undefined;

  // The title names the saved PDF and the browser tab; the static page has only a generic one.
  useEffect(() => {
    if (title) document.title = `${title} - ${SITE_NAME}`;
  }, [title]);

  if (!code || (answer.status === 'error' && answer.httpStatus === 404))
    return (
      <Missing
        heading="没有找到这个事项"
        message={code ? '该事项可能已调整或下线，表格无法显示。' : '链接中缺少事项编码，表格无法显示。'}
      />
    );
  if (answer.status === 'loading') return <Loading>正在加载表格…</Loading>;
  if (answer.status === 'error') return <LoadError message={answer.message} onRetry={reload} />;
  if (!result?.ok)
    return (
      <Missing heading="没有找到这份表格" message={result?.message ?? ''} guideCode={answer.data.item.code} />
    );

  const { sheet } = result;
  return (
    <div className={styles.page}>
      <div className={styles.toolbar} data-testid="form-toolbar">
        <Link href={routes.item(sheet.itemCode)} className={styles.back}>
          <span aria-hidden="true">‹ </span>返回办事指南
        </Link>
        <div className={styles.actions}>
          <button type="button" className="button" onClick={() => window.print()} data-testid="print-form">
            打印{sample ? '示例' : '表格'}
          </button>
          {sheet.otherHref && (
            <Link href={sheet.otherHref} className="button button-secondary" data-testid="form-other">
              {sample ? '打印空白表格' : '查看填写示例'}
            </Link>
          )}
        </div>
        <p className={styles.tip}>
          打印时请选择 A4 纸、纵向。家里没有打印机的，可“另存为
          PDF”后到村（社区）代办点或办理窗口打印，也可到窗口免费领取。
        </p>
      </div>
      <FormSheetView sheet={sheet} />
    </div>
  );
}

function Missing({ heading, message, guideCode }: { heading: string; message: string; guideCode?: string }) {
  return (
    <div className={styles.missing} data-testid="form-missing">
      <h1>{heading}</h1>
      <p>{message}</p>
      <p className={styles.missingActions}>
        {guideCode && (
          <Link className="button" href={routes.item(guideCode)}>
            返回办事指南
          </Link>
        )}
        <Link className={guideCode ? 'button button-secondary' : 'button'} href={searchHref({})}>
          去搜索事项
        </Link>
      </p>
    </div>
  );
}
