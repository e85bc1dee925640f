import {
  AUDIENCE_WORDS,
  canApplyOnline,
  type GuideAnswer,
  LEVEL_NAMES,
  searchHref,
  telHref,
} from '../../lib/catalogue.ts';
import {
  explainDepth,
  formatDelivery,
  formatDepth,
  formatLegal,
  formatPromised,
  formatVisits,
} from '../../lib/format.ts';
import { routes } from '../../lib/routes.ts';
import { Flowchart } from './Flowchart.tsx';
import { styles } from './guideStyles.ts';
import { Materials } from './Materials.tsx';
import { ReadAloud } from './ReadAloud.tsx';

/**
 * The guide (办事指南) of one item. Rendered twice with the same markup: in Node into the static page
 * of each item (web/lib/prerender.tsx, at build and when an import changes the catalogue) and in the
 * browser, hydrating that page. So whatever renders here must not need Next (plain <a>, not
 * next/link) nor CSS modules (their class names exist only inside Next's build): global classes
 * (guide.css), or render nothing until mounted.
 */

const SECTIONS = [
  ['materials', '申请材料'],
  ['process', '办理流程'],
  ['conditions', '受理条件'],
  ['fees', '收费'],
  ['where', '地点和时间'],
  ['phones', '咨询投诉'],
  ['basis', '设定依据'],
] as const;

export function GuideBody({ data }: { data: GuideAnswer }) {
  const { item, department, hall } = data;
  const deptName = department?.name ?? item.deptCode;
  const online = canApplyOnline(item);
  const instant = item.caseKind === '即办件';
  return (
    <article className={styles.guide} data-testid="guide">
      <nav aria-label="当前位置" className={styles.crumbs}>
        <a href={routes.home}>首页</a>
        <span aria-hidden="true"> › </span>
        <a href={searchHref({ hallId: item.hallId, dept: item.deptCode })}>{deptName}</a>
        <span aria-hidden="true"> › </span>
        <span aria-current="page">办事指南</span>
      </nav>
      <header className={styles.head}>
        <h1 className={styles.title}>{item.name}</h1>
        <p className={styles.where}>
          {deptName}
          {hall ? ` · ${hall.name}` : ''}
        </p>
        <ul className={styles.tags} aria-label="事项类别">
          <li>{item.type}</li>
          <li>服务对象：{item.audience.map((a) => AUDIENCE_WORDS[a]).join('、')}</li>
          <li>{LEVEL_NAMES[item.level] ?? item.level}</li>
          <li>{item.caseKind}</li>
        </ul>
        <ReadAloud targetId="guide-text" />
      </header>

      <div className={styles.layout} id="guide-text">
        <aside className={styles.summary} aria-labelledby="summary-h">
          <h2 id="summary-h" className="visually-hidden">
            办理要点
          </h2>
          <dl className={styles.keyFacts} data-testid="key-facts">
            <div>
              <dt>承诺时限</dt>
              <dd>
                <strong>{formatPromised(item.promisedDays, item.caseKind)}</strong>
                <span className={styles.sub}>法定时限：{formatLegal(item.legalDays)}</span>
              </dd>
            </div>
            <div>
              <dt>办件类型</dt>
              <dd>
                <strong>{item.caseKind}</strong>
                <span className={styles.sub}>
                  {instant ? '材料齐全、符合条件的，当场办结' : '受理后在承诺时限内办结'}
                </span>
              </dd>
            </div>
            <div>
              <dt>到现场次数</dt>
              <dd>
                <strong>
                  {item.visits === 0 && <span aria-hidden="true">✓ </span>}
                  {item.visits === 0 ? '零跑动（0 次）' : formatVisits(item.visits)}
                </strong>
                {item.visits > 0 && item.postalApplication && (
                  <span className={styles.sub}>也可邮寄申请材料</span>
                )}
              </dd>
            </div>
            <div>
              <dt>网办深度</dt>
              <dd>
                <strong>{formatDepth(item.onlineDepth)}</strong>
                <span className={styles.sub}>{explainDepth(item.onlineDepth)}</span>
              </dd>
            </div>
            <div>
              <dt>是否收费</dt>
              <dd>
                <strong>{item.fees.charged ? '收费' : '不收费'}</strong>
                {item.fees.charged && item.fees.standard && (
                  <span className={styles.sub}>{item.fees.standard}</span>
                )}
              </dd>
            </div>
            <div>
              <dt>结果送达</dt>
              <dd>
                <strong>{item.delivery.map(formatDelivery).join('、')}</strong>
              </dd>
            </div>
          </dl>
          <div className={styles.action} data-testid="guide-action">
            {online ? (
              <>
                <a
                  className={`button ${styles.applyButton}`}
                  href={routes.apply(item.code)}
                  data-testid="apply-online"
                >
                  在线申办
                </a>
                <p className={styles.actionNote}>
                  {item.visits === 0
                    ? '全程网上办理，无需到现场。'
                    : `网上提交申请，预审通过后按通知到现场 ${item.visits} 次。`}
                  需先登录。
                </p>
              </>
            ) : (
              <p className={styles.actionNote} data-testid="go-in-person">
                <strong>本事项暂不支持网上申请，</strong>请带齐材料到 {item.place} 办理（{item.hours}）。
                {item.postalApplication ? '也可邮寄申请材料。' : ''}
              </p>
            )}
          </div>
        </aside>

        <div className={styles.main}>
          <nav aria-label="本页内容" className={styles.toc}>
            <ul>
              {SECTIONS.map(([id, label]) => (
                <li key={id}>
                  <a href={`#${id}`}>{label}</a>
                </li>
              ))}
            </ul>
          </nav>

          <section id="materials" className={styles.section} aria-labelledby="materials-h">
            <Materials code={item.code} materials={item.materials} headingId="materials-h" />
          </section>

          <section id="process" className={styles.section} aria-labelledby="process-h">
            <h2 id="process-h">办理流程</h2>
            <Flowchart data={data} />
          </section>

          <section id="conditions" className={styles.section} aria-labelledby="conditions-h">
            <h2 id="conditions-h">受理条件</h2>
            <Paragraphs text={item.conditions} />
            {item.specialProcedures.length > 0 && (
              <div className={styles.special} data-testid="special-procedures">
                <h3>可能涉及的特别程序</h3>
                <p>
                  {item.specialProcedures.join('、')}
                  。特别程序所需时间不计入办理时限，办理部门会另行告知。
                </p>
              </div>
            )}
          </section>

          <section id="fees" className={styles.section} aria-labelledby="fees-h">
            <h2 id="fees-h">收费</h2>
            {item.fees.charged ? (
              <dl className={styles.plain}>
                <div>
                  <dt>收费标准</dt>
                  <dd>{item.fees.standard}</dd>
                </div>
                <div>
                  <dt>收费依据</dt>
                  <dd>{item.fees.basis}</dd>
                </div>
                <div>
                  <dt>缴费方式</dt>
                  <dd>{item.fees.onlinePayment ? '支持网上缴费，也可在窗口缴纳' : '在窗口缴纳'}</dd>
                </div>
              </dl>
            ) : (
              <p>本事项不收费。</p>
            )}
          </section>

          <section id="where" className={styles.section} aria-labelledby="where-h">
            <h2 id="where-h">办理地点和时间</h2>
            <dl className={styles.plain}>
              <div>
                <dt>办理地点</dt>
                <dd>{item.place}</dd>
              </div>
              <div>
                <dt>办理时间</dt>
                <dd>{item.hours}</dd>
              </div>
              {department?.address && (
                <div>
                  <dt>部门地址</dt>
                  <dd>{department.address}</dd>
                </div>
              )}
              <div>
                <dt>结果送达</dt>
                <dd>{item.delivery.map(formatDelivery).join('、')}</dd>
              </div>
              <div>
                <dt>邮寄申请</dt>
                <dd>{item.postalApplication ? '接受邮寄申请材料' : '不接受邮寄申请'}</dd>
              </div>
            </dl>
          </section>

          <section id="phones" className={styles.section} aria-labelledby="phones-h">
            <h2 id="phones-h">咨询和投诉</h2>
            <ul className={styles.phones}>
              <li>
                <span>咨询电话</span>
                <a className={styles.tel} href={telHref(item.consultPhone)}>
                  <span aria-hidden="true">☎ </span>
                  {item.consultPhone}
                </a>
              </li>
              <li>
                <span>投诉电话</span>
                <a className={styles.tel} href={telHref(item.complaintPhone)}>
                  <span aria-hidden="true">☎ </span>
                  {item.complaintPhone}
                </a>
              </li>
              <li>
                <span>便民热线</span>
                <a className={styles.tel} href="tel:12345">
                  <span aria-hidden="true">☎ </span>12345
                </a>
              </li>
            </ul>
          </section>

          <section id="basis" className={styles.section} aria-labelledby="basis-h">
            <h2 id="basis-h">设定依据</h2>
            <Paragraphs text={item.legalBasis} />
            <p className={styles.code}>实施编码：{item.code}</p>
          </section>
        </div>
      </div>
    </article>
  );
}

/** Catalogue text keeps its line breaks as paragraphs. */
function Paragraphs({ text }: { text: string }) {
  const parts = text.split(/\n+/).filter((p) => p.trim());
  return (
    <>
      {parts.map((p, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: paragraphs of a fixed text never reorder
        <p key={i}>{p}</p>
      ))}
    </>
  );
}
