import type { RequestState } from '../lib/request.ts';
import { ErrorBox } from './ErrorBox.tsx';

/**
 * What a view shows while its engine request is not done: a line while it loads (only until
 * there is something to show), the error with its advice, or — after a Cancel — a way to ask
 * again. Views whose error needs its own words leave `failed` out and show the error themselves.
 */
export function RequestStatus<T>({ req, loading, failed, again = 'Read it again' }: { req: RequestState<T> & { retry: () => void }; loading: string; failed?: string; again?: string }) {
  if (req.status === 'loading' && req.data === undefined) return <p className="muted request-loading">{loading}</p>;
  if (req.status === 'error' && failed !== undefined) return <ErrorBox error={req.error} title={failed} />;
  if (req.status === 'cancelled') {
    return (
      <p className="notice">
        Cancelled.{' '}
        <button type="button" className="small" onClick={req.retry}>
          {again}
        </button>
      </p>
    );
  }
  return null;
}
