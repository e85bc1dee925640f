/**
 * Last task of the calendar job (statemachines/calendar-recompute.asl.json): the outcome of every
 * hall into the load's record, and the audit entry with what moved where — once per attempt (a
 * retried task finds the attempt recorded and writes nothing).
 */
import { nowMs } from '#domain/clock.ts';
import { auditEntry } from '#functions/identity/audit.ts';
import { AccountStore } from '#functions/identity/store.ts';
import { dynamo, env } from '#lib/aws.ts';
import { logger } from '#lib/logger.ts';
import type { PageOutput } from './recompute.ts';
import { finishLoad, type HallOutcome } from './store.ts';

interface StepError {
  Error?: string;
  Cause?: string;
}

export interface Input {
  revision: number;
  attempt: number;
  /** The Map's output: each hall's last page, or its input with the error that stopped it. */
  results?: (Partial<PageOutput> & { hallId: string; error?: StepError })[];
  /** The Map itself failed. */
  error?: StepError;
}

const describe = (e: StepError) => `${e.Error ?? 'Error'}: ${(e.Cause ?? '').slice(0, 300)}`;

export async function handler(input: Input): Promise<{ status: string; moved: number }> {
  const halls: HallOutcome[] = (input.results ?? []).map((r) => ({
    hallId: r.hallId,
    checked: r.totals?.checked ?? 0,
    moved: r.totals?.moved ?? 0,
    skipped: r.totals?.skipped ?? 0,
    conflicts: r.totals?.conflicts ?? 0,
    ...(r.error ? { error: describe(r.error) } : {}),
  }));
  const moved = halls.reduce((n, h) => n + h.moved, 0);
  const failed = !!input.error || halls.some((h) => h.error);
  const status = failed ? 'failed' : 'done';
  const load = await finishLoad(dynamo, env('CALENDAR_TABLE'), input.revision, input.attempt, {
    status,
    halls,
    moved,
    finishedAt: new Date(nowMs()).toISOString(),
    ...(input.error ? { error: describe(input.error) } : {}),
  });
  if (!load) {
    logger.info('calendar job outcome already recorded', {
      revision: input.revision,
      attempt: input.attempt,
    });
    return { status, moved };
  }
  await new AccountStore(dynamo, env('ACCOUNTS_TABLE')).audit(
    auditEntry(
      {
        type: 'calendar_recompute',
        actor: load.by.sub,
        details: {
          year: load.year,
          revision: load.revision,
          attempt: load.attempt,
          status,
          moved,
          halls: Object.fromEntries(halls.map((h) => [h.hallId, h.moved])),
          ...(failed ? { failedHalls: halls.filter((h) => h.error).map((h) => h.hallId) } : {}),
        },
      },
      new Date(nowMs()),
    ),
  );
  logger.info('calendar job finished', { revision: input.revision, status, moved });
  return { status, moved };
}
