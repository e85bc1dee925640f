/** The Lifecycle port on Step Functions: the case-lifecycle state machine of this hall. */
import { SendTaskSuccessCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { env, sfn } from '#lib/aws.ts';
import { logger } from '#lib/logger.ts';
import type { Lifecycle } from './ports.ts';

export const stepFunctionsLifecycle: Lifecycle = {
  async start(caseNo, track = 'case') {
    // The execution name is the case number (and the track), so a retried filing never starts a
    // second execution (a finished one answers ExecutionAlreadyExists, which means the same here).
    try {
      await sfn.send(
        new StartExecutionCommand({
          stateMachineArn: env('LIFECYCLE_STATE_MACHINE_ARN'),
          name: track === 'case' ? caseNo : `${caseNo}_${track}`,
          input: JSON.stringify({ caseNo, track }),
        }),
      );
    } catch (err) {
      if ((err as { name?: string }).name !== 'ExecutionAlreadyExists') throw err;
    }
  },

  async answer(token, output) {
    try {
      await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify(output) }));
    } catch (err) {
      const name = (err as Error).name;
      if (name !== 'TaskTimedOut' && name !== 'TaskDoesNotExist' && name !== 'InvalidToken') throw err;
      logger.warn('task token no longer awaited', { name });
    }
  },
};
