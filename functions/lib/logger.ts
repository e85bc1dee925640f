/**
 * The one logger (Powertools): the service name comes from POWERTOOLS_SERVICE_NAME, which each
 * stack sets for its functions, so logs say which hall or platform part wrote them. API handlers
 * add the Lambda context and the request id as correlation id (see `api()` in http.ts).
 */
import { Logger } from '@aws-lambda-powertools/logger';

/** Dotted paths (`requestContext.requestId`) are all we need; the JMESPath package is not. */
const byPath = (path: string, data: unknown): unknown =>
  path
    .split('.')
    .reduce<unknown>(
      (o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined),
      data,
    );

export const logger = new Logger({ correlationIdSearchFn: byPath });
