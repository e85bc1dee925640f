/** Loading / error / empty messages, worded for users and announced to screen readers. */

export function Loading({ children = '正在加载…' }: { children?: string }) {
  return (
    <p className="status" role="status">
      {children}
    </p>
  );
}

export function LoadError({ message, onRetry }: { message: string; onRetry?: () => void }) {
  return (
    <div className="status status-error" role="alert">
      <span>加载失败：{message}</span>{' '}
      {onRetry && (
        <button type="button" className="button button-secondary" onClick={onRetry}>
          重试
        </button>
      )}
    </div>
  );
}

export function Empty({ children }: { children: string }) {
  return (
    <p className="status" role="status">
      {children}
    </p>
  );
}
