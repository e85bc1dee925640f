import { type GuideAnswer, LEVEL_NAMES, stepLimitWords } from '../../lib/catalogue.ts';
import { formatDelivery } from '../../lib/format.ts';
import { styles } from './guideStyles.ts';

const POST_WORDS: Record<string, string> = {
  受理: '受理岗',
  审查: '审查岗',
  决定: '决定岗',
  窗口: '综合窗口',
};

/**
 * The flowchart of the item, drawn from the steps the API returns (the process template fitted to
 * this item by effectiveSteps, the same steps the case lifecycle runs). HTML, not a picture: an
 * ordered list a screen reader reads in order, with every box in words. A step worked by several
 * departments at once (联办 parallel review) shows them side by side; a flow that climbs levels
 * (村 → 乡镇 → 县) names the level of every step and says where it is passed up.
 */
export function Flowchart({ data }: { data: GuideAnswer }) {
  const { item, steps, processTemplate } = data;
  if (steps.length === 0) return <p>暂无流程信息，请咨询 {item.consultPhone}。</p>;
  const sum = steps.reduce((s, st) => s + st.limitDays, 0);
  const instant = item.caseKind === '即办件';
  return (
    <figure className={styles.flow} aria-labelledby="flow-caption">
      <figcaption id="flow-caption" className={styles.flowCaption}>
        {processTemplate?.name ?? '办理流程'}：共 {steps.length} 个环节，
        {instant ? '当场办结' : `各环节合计 ${sum} 个工作日，承诺 ${item.promisedDays} 个工作日内办结`}
      </figcaption>
      <ol className={styles.flowList} data-testid="flowchart">
        <li className={`${styles.flowNode} ${styles.flowEnds}`}>
          <span className={styles.flowEndLabel}>开始</span>
          申请人提交申请
          <span className={styles.flowSub}>
            {item.onlineDepth >= 3 ? '网上提交或到窗口提交' : '到窗口提交'}
            {item.postalApplication ? '，也可邮寄' : ''}
          </span>
        </li>
        {steps.map((st, i) => {
          const prev = steps[i - 1];
          const climbs = prev && prev.level !== st.level;
          const parallel = st.deptNames.length > 1;
          return (
            <li key={st.id} className={styles.flowNode} data-testid="flow-step">
              {climbs && (
                <p className={styles.flowClimb}>
                  <span className={styles.flowClimbTag}>逐级上报</span>由{LEVEL_NAMES[prev.level]}报送
                  {LEVEL_NAMES[st.level]}
                </p>
              )}
              <div className={styles.flowStep}>
                <p className={styles.flowHead}>
                  <span className={styles.flowNum}>
                    <span className="visually-hidden">第</span>
                    {i + 1}
                    <span className="visually-hidden">步</span>
                  </span>
                  <strong className={styles.flowName}>{st.name}</strong>
                  <span className={styles.flowLimit}>
                    <span className="visually-hidden">时限：</span>
                    {stepLimitWords(st.limitDays)}
                  </span>
                </p>
                <p className={styles.flowMeta}>
                  <span>{LEVEL_NAMES[st.level] ?? st.level}</span>
                  <span>{POST_WORDS[st.post] ?? st.post}</span>
                  {!parallel && <span>{st.deptNames[0]}</span>}
                </p>
                {parallel && (
                  <div className={styles.parallel}>
                    <p className={styles.parallelLabel}>
                      以下 {st.deptNames.length} 个部门同时审查（并联）：
                    </p>
                    <ul className={styles.parallelList} data-testid="flow-parallel">
                      {st.deptNames.map((d) => (
                        <li key={d}>
                          <span>{d}</span>
                          <span className={styles.flowSub}>{stepLimitWords(st.limitDays)}内</span>
                        </li>
                      ))}
                    </ul>
                  </div>
                )}
              </div>
            </li>
          );
        })}
        <li className={`${styles.flowNode} ${styles.flowEnds}`}>
          <span className={styles.flowEndLabel}>结束</span>
          办结，送达结果
          <span className={styles.flowSub}>{item.delivery.map(formatDelivery).join('、')}</span>
        </li>
      </ol>
    </figure>
  );
}
