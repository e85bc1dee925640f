'use client';

import { sharedByGovernment } from '../../lib/catalogue.ts';
import { useChecklist } from '../../lib/checklist.ts';
import { type FormsMaterial, materialFormLinks } from '../../lib/forms.ts';
import { styles } from './guideStyles.ts';

/**
 * 申请材料 as a checklist the person ticks while preparing. Ticks are kept per item in this browser
 * (localStorage), so coming back tomorrow shows what is still missing. Required/optional, the form
 * and the copies are words, never colour alone.
 */
export function Materials({
  code,
  materials,
  headingId,
}: {
  code: string;
  materials: FormsMaterial[];
  headingId: string;
}) {
  const { ticked, toggle, clear } = useChecklist(code);
  const names = new Set(materials.map((m) => m.name));
  const done = ticked.filter((n) => names.has(n)).length;
  const required = materials.filter((m) => m.required).length;
  const shared = materials.filter(sharedByGovernment).length;

  return (
    <>
      <h2 id={headingId}>
        申请材料
        <span className={styles.h2Note}>
          （共 {materials.length} 项，其中必需 {required} 项）
        </span>
      </h2>
      {materials.length === 0 ? (
        <p>本事项无需提交申请材料。</p>
      ) : (
        <>
          <p className={styles.hint}>准备好一项就勾选一项，勾选记录只保存在本机浏览器中。</p>
          {shared > 0 && (
            <p className={styles.hint}>
              标有“免提交”的 {shared} 项由政府部门核发，办理时可通过电子证照库共享获取。
            </p>
          )}
          <p className={styles.progress} role="status" data-testid="checklist-progress">
            已准备 <strong>{done}</strong> / {materials.length} 项
            {done === materials.length ? '，材料已备齐' : ''}
          </p>
          <ol className={styles.checklist} data-testid="materials">
            {materials.map((m, i) => {
              const id = `mat-${i}`;
              const on = ticked.includes(m.name);
              const links = materialFormLinks(code, m, i);
              return (
                <li key={m.name} className={`${styles.material} ${on ? styles.materialDone : ''}`}>
                  <div className={styles.checkRow}>
                    <input
                      type="checkbox"
                      id={id}
                      checked={on}
                      onChange={(e) => toggle(m.name, e.target.checked)}
                      aria-describedby={`${id}-d`}
                    />
                    <label htmlFor={id} className={styles.materialName}>
                      {m.name}
                    </label>
                  </div>
                  <div id={`${id}-d`} className={styles.materialFacts}>
                    <span className={m.required ? styles.required : styles.optional}>
                      {m.required ? '必需' : '可选（视情况提供）'}
                    </span>
                    <span>{m.form === '电子' ? '电子材料' : m.form}</span>
                    {m.form !== '电子' && <span>{m.copies} 份</span>}
                    <span>来源：{m.source}</span>
                    {sharedByGovernment(m) && (
                      <span className={styles.shared}>
                        <span aria-hidden="true">✓ </span>可由政府部门共享获取，免提交
                      </span>
                    )}
                  </div>
                  {m.note && <p className={styles.materialNote}>说明：{m.note}</p>}
                  {(links.blank || links.sample) && (
                    <p className={styles.materialLinks}>
                      {/* Printable portal pages (/forms/), opened in this tab: elderly users lose new tabs. */}
                      {links.blank && (
                        <a href={links.blank} data-testid="blank-form-link">
                          空白表格（可打印）<span className="visually-hidden">：{m.name}</span>
                        </a>
                      )}
                      {links.sample && (
                        <a href={links.sample} data-testid="sample-form-link">
                          填写示例<span className="visually-hidden">：{m.name}</span>
                        </a>
                      )}
                    </p>
                  )}
                </li>
              );
            })}
          </ol>
          {done > 0 && (
            <p>
              <button type="button" className="button button-secondary" onClick={clear}>
                清空勾选
              </button>
            </p>
          )}
        </>
      )}
    </>
  );
}
