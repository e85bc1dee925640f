/** Module-scope wiring of the identity handlers: the accounts store and route dispatch. */
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context as LambdaContext } from 'aws-lambda';
import { nowMs } from '#domain/clock.ts';
import { dynamo, env } from '#lib/aws.ts';
import { clientIp } from '#lib/client.ts';
import { errorReply, httpErrors } from '#lib/http.ts';
import type { Context } from './service.ts';
import { AccountStore } from './store.ts';

let store: AccountStore | undefined;

export function context(event: APIGatewayProxyEventV2): Context {
  store ??= new AccountStore(dynamo, env('ACCOUNTS_TABLE'));
  return { store, now: nowMs(), ip: clientIp(event) };
}

type Handler = (event: APIGatewayProxyEventV2, context: LambdaContext) => Promise<APIGatewayProxyResultV2>;

/**
 * One Lambda serving several routes of infra/resources.ts: dispatch on the route key API Gateway
 * sends (`GET /api/account`), each route its own `api()` handler.
 */
export function routes(table: Record<string, Handler>): Handler {
  return async (event, ctx) => {
    const handler = table[event.routeKey];
    if (!handler) return errorReply(httpErrors.notFound('接口不存在'));
    return handler(event, ctx);
  };
}
