'use client';

import styles from '../../../components/Case.module.css';
import { AlertSeverity } from '../../../components/CaseParts.tsx';
import { DevOnly } from '../../../components/DevOnly.tsx';
import dev from '../../../components/dev.module.css';
import { type AlertView, formatDeadline, formatTime, SCOPE_NAMES } from '../../../lib/cases.ts';
import { useApi } from '../../../lib/useApi.ts';

/** One topic message as GET /api/dev/inbox gives it (infra/local/inbox.ts). */
interface InboxMessage {
  id: string;
  at: string;
  topicArn: string;
  subject?: string;
  attributes: Record<string, string>;
  message: string;
  /** The alert the e-supervision stream published, with its hall. */
  body?: Partial<AlertView> & { hall?: string };
}

const SEVERITIES = new Set(['yellow', 'red', 'finding']);

/** The topic's name without the ARN around it (e.g. hall-qiaocheng-alerts). */
const topicName = (arn: string) => arn.split(':').at(-1) ?? arn;

export function Inbox() {
  const [state, reload] = useApi<{ messages: InboxMessage[] }>('/api/dev/inbox');
  // Names for the ids an alert carries; ids stay when these are not loaded (yet).
  const [halls] = useApi<{ halls: { id: string; name: string }[] }>('/api/halls');
  const [depts] = useApi<{ departments: { code: string; name: string }[] }>('/api/departments');
  const hallName = (id?: string) =>
    (halls.status === 'ready' && halls.data.halls?.find((h) => h.id === id)?.name) || id;
  const deptName = (code?: string) =>
    (depts.status === 'ready' && depts.data.departments?.find((d) => d.code === code)?.name) || code;
  return (
    <>
      <p>
        <button type="button" className="button button-secondary" onClick={reload}>
          刷新
        </button>
      </p>
      <DevOnly state={state} reload={reload}>
        {(data) => {
          const messages = Array.isArray(data?.messages) ? data.messages : [];
          if (messages.length === 0)
            return (
              <p className="status">收件箱为空：还没有监察预警。可在开发工具页拨快业务时间，让办件超期。</p>
            );
          // Newest first, as the server sends them.
          return (
            <ol className={dev.messages} data-testid="inbox">
              {messages.map((m) => {
                const alert = m.body ?? {};
                const severity = m.attributes.severity ?? alert.severity;
                return (
                  <li key={m.id} className="panel" data-testid="inbox-message" data-severity={severity}>
                    <p className={dev.meta}>
                      <span>
                        {severity && SEVERITIES.has(severity) ? (
                          <>
                            <AlertSeverity severity={severity as AlertView['severity']} />{' '}
                            {hallName(alert.hall) ?? topicName(m.topicArn)}
                          </>
                        ) : (
                          (m.subject ?? topicName(m.topicArn))
                        )}
                      </span>
                      <time dateTime={m.at}>{formatTime(m.at)}</time>
                    </p>
                    {alert.caseNo ? (
                      <>
                        <p>
                          {alert.itemName} <span className={styles.caseNo}>{alert.caseNo}</span>
                        </p>
                        {alert.note && <p className={dev.body}>{alert.note}</p>}
                        <dl className={styles.facts}>
                          <dt>主题</dt>
                          <dd>{topicName(m.topicArn)}</dd>
                          {alert.scope && (
                            <>
                              <dt>类别</dt>
                              <dd>{SCOPE_NAMES[alert.scope] ?? alert.scope}</dd>
                            </>
                          )}
                          <dt>责任部门</dt>
                          <dd>
                            {deptName(alert.dept ?? m.attributes.dept)}
                            {alert.post ? ` · ${alert.post}岗` : ''}
                          </dd>
                          {alert.deadline && (
                            <>
                              <dt>期限</dt>
                              <dd>{formatDeadline(alert.deadline)}</dd>
                            </>
                          )}
                        </dl>
                      </>
                    ) : (
                      <p className={dev.body}>{m.message}</p>
                    )}
                  </li>
                );
              })}
            </ol>
          );
        }}
      </DevOnly>
    </>
  );
}
