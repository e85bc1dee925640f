'use client';

import { DevOnly } from '../../../components/DevOnly.tsx';
import styles from '../../../components/dev.module.css';
import type { OutboxMessage } from '../../../lib/api.ts';
import { useApi } from '../../../lib/useApi.ts';

function formatTime(at: string): string {
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return at;
  return d.toLocaleString('zh-CN', { hour12: false, timeZone: 'Asia/Shanghai' });
}

export function Outbox() {
  const [state, reload] = useApi<{ messages: OutboxMessage[] }>('/api/dev/outbox');
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
          if (messages.length === 0) return <p className="status">发件箱为空：还没有发出短信</p>;
          // Newest first: a developer looks for the message just sent.
          const sorted = [...messages].sort((a, b) => String(b.at).localeCompare(String(a.at)));
          return (
            <ol className={styles.messages} data-testid="outbox">
              {sorted.map((m) => (
                <li key={m.id} className="panel">
                  <p className={styles.meta}>
                    <span>收信号码：{m.phoneNumber}</span>
                    <time dateTime={m.at}>{formatTime(m.at)}</time>
                  </p>
                  <p className={styles.body}>{m.message}</p>
                </li>
              ))}
            </ol>
          );
        }}
      </DevOnly>
    </>
  );
}
