/**
 * The caller's network address, for per-address limits and the audit log. The one place that
 * reads it, so the rule for trusting a proxy's header lives here.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

export function clientIp(
  event: Pick<APIGatewayProxyEventV2, 'requestContext' | 'headers'>,
): string | undefined {
  return event.requestContext?.http?.sourceIp;
}
