import type { CSSProperties } from 'react';
import { type FormSheet, SAMPLE_DATE, type SheetField, type SheetSection } from '../../lib/forms.ts';
import styles from './forms.module.css';

const BLANK_DATE = '\u3000\u3000\u3000\u3000年\u3000\u3000月\u3000\u3000日';

/**
 * The paper itself: title, the item and its department, bordered boxes to fill in, the signature and
 * date lines, notes. On a sample the example values stand where the handwriting goes, marked
 * 填写示例 in words (a badge and a watermark), never by colour alone.
 */
export function FormSheetView({ sheet }: { sheet: FormSheet }) {
  const { sample } = sheet;
  return (
    <article
      className={`${styles.sheet} ${sample ? styles.isSample : ''}`}
      data-testid="form-sheet"
      data-sample={sample ? '1' : '0'}
      aria-labelledby="form-title"
    >
      {sample && (
        <div className={styles.watermark} aria-hidden="true">
          {Array.from({ length: 12 }, (_, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: identical decorative copies
            <span key={i}>填写示例</span>
          ))}
        </div>
      )}
      <header className={styles.sheetHead}>
        {sample && (
          <p className={styles.badge} data-testid="sample-badge">
            填写示例（仅供参考，请勿直接提交）
          </p>
        )}
        <h1 id="form-title" className={styles.sheetTitle}>
          {sheet.title}
        </h1>
        <dl className={styles.meta} data-testid="form-meta">
          <div>
            <dt>事项名称</dt>
            <dd>{sheet.itemName}</dd>
          </div>
          <div>
            <dt>实施机关</dt>
            <dd>{sheet.department}</dd>
          </div>
          <div>
            <dt>实施编码</dt>
            <dd className={styles.code}>{sheet.itemCode}</dd>
          </div>
        </dl>
      </header>

      {sheet.sections.map((s) => (
        <Section key={s.title} section={s} sample={sample} />
      ))}

      <div className={styles.signatures} data-testid="form-signatures">
        {sheet.signers.map((s) => (
          <p key={s.label} className={styles.signRow}>
            <span className={styles.signPart}>
              <span className={styles.signLabel}>{s.label}：</span>
              <span className={styles.signLine}>
                {sample ? <span className={styles.example}>{s.example}</span> : null}
              </span>
            </span>
            <span className={styles.signPart}>
              <span className={styles.signLabel}>日期：</span>
              <span className={styles.signLine}>
                {sample ? <span className={styles.example}>{SAMPLE_DATE}</span> : BLANK_DATE}
              </span>
            </span>
          </p>
        ))}
      </div>

      <footer className={styles.notes}>
        <h2>填写说明</h2>
        <ol>
          {sheet.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ol>
      </footer>
    </article>
  );
}

function Section({ section, sample }: { section: SheetSection; sample: boolean }) {
  const fill = sample && !section.office;
  return (
    <section className={`${styles.section} ${section.office ? styles.office : ''}`}>
      <h2 className={styles.sectionTitle}>{section.title}</h2>
      {section.fields && (
        <div className={styles.grid}>
          {section.fields.map((field) => (
            <Field key={field.label} field={field} fill={fill} />
          ))}
        </div>
      )}
      {section.table && (
        <div className={styles.tableWrap}>
          <table className={styles.table}>
            <thead>
              <tr>
                {section.table.columns.map((c) => (
                  <th key={c} scope="col">
                    {c}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {Array.from({ length: section.table.rows }, (_, r) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: rows of a fixed-size table
                <tr key={r}>
                  {section.table?.columns.map((c, ci) => {
                    const v = fill ? section.table?.examples[r]?.[ci] : undefined;
                    return (
                      <td key={c} data-label={c}>
                        {v ? <span className={styles.example}>{v}</span> : null}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {section.text && <p className={styles.text}>{section.text}</p>}
    </section>
  );
}

function Field({ field, fill }: { field: SheetField; fill: boolean }) {
  const value = field.preset ?? (fill && field.example ? field.example : undefined);
  return (
    <div
      className={`${styles.field} ${field.span === 2 ? styles.wide : ''}`}
      style={{ '--lines': field.lines } as CSSProperties}
    >
      <span className={styles.label}>{field.label}</span>
      <span className={styles.value}>
        {value === undefined ? (
          <span className="visually-hidden">（待填写）</span>
        ) : (
          <span className={field.preset ? undefined : styles.example}>{value}</span>
        )}
      </span>
    </div>
  );
}
