/**
 * State machine task (lambda:invoke.waitForTaskToken): a human task begins. Keep its token with the
 * case and list it in the post's queue, placed by its deadline. If the case no longer waits on this
 * task (it moved on between "advance" and now), fail with TaskStale: the machine catches it and asks
 * again. (Answering the token from here would need this function to hold rights on the machine that
 * invokes it.)
 */

import { now } from '#domain/clock.ts';
import { openTasks, type Task, type Track } from '#domain/process.ts';
import { ConflictError } from '#functions/cases/ports.ts';
import { getCase, storeTask, taskDeadline } from '#functions/cases/store.ts';
import { logger } from '#lib/logger.ts';

interface Input {
  caseNo: string;
  track?: Track;
  task: Task;
  taskToken: string;
}

export class TaskStale extends Error {
  override name = 'TaskStale';
  constructor(caseNo: string, taskId: string) {
    super(`case ${caseNo} no longer waits on ${taskId}`);
  }
}

export async function handler(input: Input): Promise<{ stored: boolean }> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const record = await getCase(input.caseNo);
    if (!record) throw new Error(`case ${input.caseNo} not found`);
    if (!openTasks(record, input.track ?? 'case').some((t) => t.id === input.task.id))
      throw new TaskStale(input.caseNo, input.task.id);
    try {
      await storeTask(record.version, {
        ...input.task,
        caseNo: record.caseNo,
        token: input.taskToken,
        since: now().toISOString(),
        itemName: record.itemName,
        applicantName: record.applicant.name,
        // Orders the post's queue (most urgent first): the case's deadlines are known by now.
        deadline: taskDeadline(record.deadlines, input.task),
      });
      logger.info('task waiting', { caseNo: input.caseNo, task: input.task.id });
      return { stored: true };
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      // The case changed while we looked; look again.
    }
  }
  throw new Error(`case ${input.caseNo} kept changing while storing task ${input.task.id}`);
}
