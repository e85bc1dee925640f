/**
 * State machine task (lambda:invoke.waitForTaskToken): a human step begins. Keep the task token
 * with the case and put the case in the queue of the post that acts next.
 */

import { STEPS, type StepId } from '#functions/cases/steps.ts';
import { getCase, queueKey, storeTaskToken } from '#functions/cases/store.ts';
import { now } from '#lib/clock.ts';
import { logger } from '#lib/http.ts';

interface Input {
  caseNo: string;
  step: StepId;
  taskToken: string;
}

export async function handler(input: Input): Promise<{ stored: true }> {
  const record = await getCase(input.caseNo);
  if (!record) throw new Error(`case ${input.caseNo} not found`);
  const post = STEPS[input.step].post;
  await storeTaskToken(
    input.caseNo,
    input.step,
    input.taskToken,
    queueKey(record.deptCode, post),
    now().toISOString(),
  );
  logger.info('task waiting', { caseNo: input.caseNo, step: input.step });
  return { stored: true };
}
