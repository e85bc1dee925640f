/**
 * What failed and waits to be sent again, in this local cloud: stream batches the poller
 * dead-lettered (as a mapping's on-failure queue holds them in AWS) and SMS the outbox keeps as
 * failed (functions/notify/outbox.ts). `GET /api/dev/dead-letters` lists both, `POST …/replay`
 * delivers them again; `npm run replay` (infra/replay.ts) is the command for both.
 */
import type { SNSClient } from '@aws-sdk/client-sns';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ReplayOutcome, StreamPoller } from '@online-hall/local-cloud/streams';
import { maskPhone } from '#domain/ids.ts';
import { type ResendSummary, resendFailed } from '#functions/notify/outbox.ts';
import { dynamoOutbox, snsSender } from '#functions/notify/outbox-store.ts';

export interface DeadLetterList {
  streams: {
    id: string;
    consumer: string;
    table: string;
    condition: string;
    records: number;
    startSequenceNumber: string;
    endSequenceNumber: string;
    error: string;
    at: string;
  }[];
  sms: { hall: string; caseNo: string; key: string; phone: string; error?: string; failedAt?: string }[];
}

export interface ReplayRequest {
  /** Only stream batches, or only SMS; both when absent. */
  kind?: 'streams' | 'sms';
  /** A stream consumer (function name), or one dead letter. */
  consumer?: string;
  id?: string;
  /** SMS of one hall. */
  hall?: string;
}

export interface ReplayResult {
  streams: ReplayOutcome[];
  sms: Record<string, ResendSummary>;
}

export interface DeadLetters {
  list(): Promise<DeadLetterList>;
  replay(request: ReplayRequest): Promise<ReplayResult>;
}

export function deadLetters(deps: {
  poller: Pick<StreamPoller, 'deadLetters' | 'replay'>;
  doc: DynamoDBDocumentClient;
  sns: SNSClient;
  /** Each hall's cases table (its SMS outbox). */
  halls: { id: string; casesTable: string }[];
  now: () => string;
}): DeadLetters {
  const sender = snsSender(deps.sns);
  return {
    async list() {
      const sms: DeadLetterList['sms'] = [];
      for (const hall of deps.halls) {
        const { records } = await dynamoOutbox(deps.doc, hall.casesTable).listFailed(100);
        for (const r of records)
          sms.push({
            hall: hall.id,
            caseNo: r.caseNo,
            key: r.key,
            phone: maskPhone(r.phone),
            error: r.error,
            failedAt: r.failedAt,
          });
      }
      return {
        streams: deps.poller.deadLetters().map((l) => ({
          id: l.id,
          consumer: l.consumer,
          table: l.table,
          condition: l.requestContext.condition,
          records: l.records.length,
          startSequenceNumber: l.DDBStreamBatchInfo.startSequenceNumber,
          endSequenceNumber: l.DDBStreamBatchInfo.endSequenceNumber,
          error: l.error,
          at: l.timestamp,
        })),
        sms,
      };
    },

    async replay(request) {
      const result: ReplayResult = { streams: [], sms: {} };
      if (request.kind !== 'sms')
        result.streams = await deps.poller.replay({ consumer: request.consumer, id: request.id });
      if (request.kind !== 'streams') {
        for (const hall of deps.halls) {
          if (request.hall && hall.id !== request.hall) continue;
          result.sms[hall.id] = await resendFailed(dynamoOutbox(deps.doc, hall.casesTable), sender, deps.now);
        }
      }
      return result;
    },
  };
}
