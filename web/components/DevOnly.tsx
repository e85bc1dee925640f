import type { ReactNode } from 'react';
import type { Load } from '../lib/useApi.ts';
import { LoadError, Loading } from './Status.tsx';

/**
 * The dev routes exist only on the local cloud; in AWS the API answers 404. Say so plainly
 * instead of showing a generic error.
 */
export function DevOnly<T>({
  state,
  reload,
  children,
}: {
  state: Load<T>;
  reload: () => void;
  children: (data: T) => ReactNode;
}) {
  if (state.status === 'loading') return <Loading />;
  if (state.status === 'error' && state.httpStatus === 404)
    return (
      <p className="status" role="status" data-testid="dev-unavailable">
        此页面仅在本地开发环境可用
      </p>
    );
  if (state.status === 'error') return <LoadError message={state.message} onRetry={reload} />;
  return <>{children(state.data)}</>;
}
