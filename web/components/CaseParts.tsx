/**
 * Pieces of a case shared by the staff case page and the public progress page: the yellow/red mark,
 * the plan's steps, the timeline, the deadlines and the result. Server-safe (no hooks).
 */
import {
  type AlertView,
  type CaseEventView,
  type CaseStepView,
  formatDays,
  formatDeadline,
  formatTime,
  levelName,
  MARK_NAMES,
  type Mark,
  type ProgressView,
  type RatingView,
  SEVERITY_NAMES,
} from '../lib/cases.ts';
import styles from './Case.module.css';

/** 预警 / 超期 as a badge: the word and a symbol carry it, the colour repeats it. */
export function CaseMark({ mark }: { mark?: Mark }) {
  if (!mark) return null;
  return (
    <span className={`${styles.mark} ${mark === 'red' ? styles.markRed : styles.markYellow}`}>
      <span aria-hidden="true">{mark === 'red' ? '✕' : '⚠'}</span>
      {MARK_NAMES[mark]}
    </span>
  );
}

export function AlertSeverity({ severity }: { severity: AlertView['severity'] }) {
  const cls =
    severity === 'red' ? styles.markRed : severity === 'yellow' ? styles.markYellow : styles.markFinding;
  return (
    <span className={`${styles.mark} ${cls}`}>
      <span aria-hidden="true">{severity === 'red' ? '✕' : severity === 'yellow' ? '⚠' : '!'}</span>
      {SEVERITY_NAMES[severity] ?? severity}
    </span>
  );
}

const STEP_STATE_WORDS: Record<CaseStepView['state'], string> = {
  done: '已完成',
  current: '办理中',
  todo: '未开始',
};

/** The plan: each step with its post, level and limit; the state in words and a symbol. */
export function CaseSteps({ steps, closed }: { steps: CaseStepView[]; closed?: boolean }) {
  return (
    <ol className={styles.steps} data-testid="case-steps">
      {steps.map((s, i) => {
        const state = closed && s.state === 'current' ? 'todo' : s.state;
        return (
          <li
            key={s.id}
            className={styles.step}
            data-state={state}
            aria-current={state === 'current' ? 'step' : undefined}
          >
            <span className={styles.stepIcon} aria-hidden="true">
              {state === 'done' ? '✓' : state === 'current' ? '▶' : i + 1}
            </span>
            <span className={styles.stepName}>{s.name}</span>
            <span className={styles.stepState}>（{STEP_STATE_WORDS[state]}）</span>
            <span className={styles.stepSub}>
              {s.post}岗{levelName(s.level) ? ` · ${levelName(s.level)}` : ''} ·{' '}
              {s.limitDays === 0 ? '当场办理' : `时限 ${s.limitDays} 个工作日`}
            </span>
          </li>
        );
      })}
    </ol>
  );
}

/** Every event in order, with its time (Beijing), who acted, the outcome and the note. */
export function CaseTimeline({ events }: { events: CaseEventView[] }) {
  if (events.length === 0) return <p className="status">暂无办理记录</p>;
  return (
    <ol className={styles.timeline} data-testid="case-timeline">
      {events.map((e) => (
        <li key={e.seq} className={styles.event} data-type={e.type}>
          <p className={styles.eventHead}>
            <span className={styles.eventType}>
              {e.type}
              {e.outcome && e.outcome !== e.type ? `（${e.outcome}）` : ''}
            </span>
            <time className={styles.eventTime} dateTime={e.at}>
              {formatTime(e.at)}
            </time>
          </p>
          <p className={styles.eventActor}>办理人：{e.actor}</p>
          {e.note && <p className={styles.eventNote}>{e.note}</p>}
        </li>
      ))}
    </ol>
  );
}

/** A deadline in words (the exact instant stays in `dateTime` for machines), marked 暂定 when provisional. */
export function Deadline({ iso, provisional }: { iso: string; provisional?: boolean }) {
  return (
    <>
      <time dateTime={iso}>{formatDeadline(iso)}</time>
      {provisional && <span className={styles.provisional}>（暂定）</span>}
    </>
  );
}

/** Why a deadline is 暂定, in words a clerk and an applicant understand. */
export const PROVISIONAL_NOTE =
  '期限涉及的年份国务院尚未公布节假日安排，暂按法定节假日计算；正式安排公布后，期限可能调整。';

const ENDED = new Set(['refused', 'denied', 'withdrawn', 'delivered', 'approved']);

/** 时限: promised days, case and step deadlines, deemed acceptance, and the time the clock stood still. */
export function CaseDeadlines({ view }: { view: ProgressView }) {
  const ended = ENDED.has(view.status);
  return (
    <dl className={styles.deadlines} data-testid="case-deadlines">
      <dt>申请时间</dt>
      <dd>{formatTime(view.filedAt)}</dd>
      {view.acceptedAt && (
        <>
          <dt>受理时间</dt>
          <dd>{formatTime(view.acceptedAt)}</dd>
        </>
      )}
      <dt>承诺时限</dt>
      <dd>
        {view.promisedDays === 0 ? '即办（当场办结）' : `${view.promisedDays} 个工作日（自受理次日起算）`}
      </dd>
      {view.deadline && !ended && (
        <>
          <dt>办结期限</dt>
          <dd>
            <Deadline iso={view.deadline} provisional={view.provisional?.includes('case')} />
          </dd>
        </>
      )}
      {view.stepDeadline && !ended && (
        <>
          <dt>本环节期限</dt>
          <dd>
            <Deadline iso={view.stepDeadline} provisional={view.provisional?.includes('step')} />
          </dd>
        </>
      )}
      {view.deemedAcceptanceAt && !ended && (
        <>
          <dt>受理期限</dt>
          <dd>
            <Deadline iso={view.deemedAcceptanceAt} provisional={view.provisional?.includes('deemAccept')} />
            <span className={styles.hint}>逾期未作出受理决定的，自收到申请材料之日起视为受理</span>
          </dd>
        </>
      )}
      {!!view.provisional?.length && !ended && (
        <>
          <dt>暂定期限</dt>
          <dd data-testid="provisional-note">{PROVISIONAL_NOTE}</dd>
        </>
      )}
      <dt>暂停计时</dt>
      <dd>
        {view.pausedWorkingDays > 0
          ? `${formatDays(view.pausedWorkingDays)} 个工作日（补正、特别程序不计入办理时限）`
          : '无'}
      </dd>
      {view.special && (
        <>
          <dt>特别程序</dt>
          <dd>
            {view.special.type}，预计 {view.special.expectedDays} 个工作日
            {view.special.startedAt ? `，${formatTime(view.special.startedAt)} 起` : ''}（不计入办理时限）
          </dd>
        </>
      )}
    </dl>
  );
}

/** The result (准予, or 不予 / 不予受理 with reasons and the remedy) and the delivery. */
export function CaseResult({ view }: { view: ProgressView }) {
  const r = view.result;
  if (!r && !view.delivery) return null;
  const ok = r ? r.outcome === 'approved' : true;
  return (
    <div className={styles.result} data-outcome={ok ? 'ok' : 'no'} data-testid="case-result">
      {r && (
        <>
          <p className={styles.resultTitle}>
            <span aria-hidden="true">{ok ? '✓ ' : '✕ '}</span>
            办理结果：{r.outcomeName}
            {r.at ? <span className={styles.resultTime}>（{formatTime(r.at)}）</span> : null}
          </p>
          {r.text && <p>{r.text}</p>}
          {r.reasons && <p>理由：{r.reasons}</p>}
          {r.remedy && <p>救济途径：{r.remedy}</p>}
        </>
      )}
      {view.delivery ? (
        <p>
          <strong>结果领取：</strong>
          {view.delivery.method}
          {view.delivery.at ? `（${formatTime(view.delivery.at)}登记）` : ''}
        </p>
      ) : view.status === 'approved' ? (
        <p>
          <strong>结果领取：</strong>待领取，请按短信通知领取办理结果
        </p>
      ) : null}
    </div>
  );
}

/**
 * 好差评 of the case: the applicant's rating and, after a 差评, the department's 回访 and 整改 with
 * their time limits and the rating of the fix. `invite` says how the viewer can rate, if they can.
 */
export function CaseRating({ view, invite }: { view: ProgressView; invite?: React.ReactNode }) {
  const r = view.rectification;
  if (!view.rating && !view.result) return null;
  return (
    <section className={`panel ${styles.section}`} aria-labelledby="case-rating" data-testid="case-rating">
      <h2 id="case-rating">服务评价</h2>
      {view.rating ? (
        <>
          <RatingLine label="申请人评价" rating={view.rating} />
          {view.rating.appeal && <AppealLine appeal={view.rating.appeal} />}
        </>
      ) : view.ratingOpenUntil ? (
        <>
          <p>尚未评价。您可以在 {formatTime(view.ratingOpenUntil)} 前对本次办事服务作出评价（一事一评）。</p>
          {invite}
        </>
      ) : (
        <p>未评价（评价期已过）。</p>
      )}
      {r && (
        <dl className={styles.facts} data-testid="case-rectification">
          <dt>差评回访</dt>
          <dd>
            {r.visit
              ? `${formatTime(r.visit.at)}：${r.visit.note}`
              : r.closed
                ? `已终止（${formatTime(r.closed.at)}）：${r.closed.note}`
                : `待回访${r.visitDeadline ? `（期限 ${formatDeadline(r.visitDeadline)}）` : ''}`}
          </dd>
          <dt>整改情况</dt>
          <dd>
            {r.fix
              ? `${formatTime(r.fix.at)}：${r.fix.note}`
              : r.closed
                ? '无需整改（差评申诉成立）'
                : `整改中${r.rectifyDeadline ? `（期限 ${formatDeadline(r.rectifyDeadline)}）` : ''}`}
          </dd>
          {r.rating && (
            <>
              <dt>整改评价</dt>
              <dd>
                <RatingLine rating={r.rating} />
              </dd>
            </>
          )}
        </dl>
      )}
    </section>
  );
}

/** 评价申诉: where the department's appeal of the rating stands, and the supervisor's decision. */
function AppealLine({ appeal }: { appeal: NonNullable<RatingView['appeal']> }) {
  const state =
    appeal.status === 'pending'
      ? '承办部门已申诉，待监察人员审核'
      : appeal.status === 'upheld'
        ? '申诉成立，该评价不计入好差评统计'
        : '申诉不成立，评价有效';
  return (
    <p data-testid="rating-appeal-state" data-status={appeal.status}>
      评价申诉：<strong>{state}</strong>（{formatTime(appeal.at)} 申诉理由：{appeal.reason}）
      {appeal.decision && `；审核意见：${appeal.decision.note}（${formatTime(appeal.decision.at)}）`}
    </p>
  );
}

function RatingLine({ label, rating }: { label?: string; rating: RatingView }) {
  return (
    <p>
      {label && `${label}：`}
      <strong data-level={rating.level}>{rating.levelName}</strong>（{formatTime(rating.at)}）
      {rating.tags?.length ? `；${rating.tags.join('、')}` : ''}
      {rating.comment ? `；“${rating.comment}”` : ''}
    </p>
  );
}
