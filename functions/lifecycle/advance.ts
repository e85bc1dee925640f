/**
 * State machine task: what does the case wait for now? The machine loops on this answer, so the
 * rules in process.ts, not the ASL, decide the path of every template.
 */

import { openTasks, type Task } from '#domain/process.ts';
import { getCase } from '#functions/cases/store.ts';

export interface AdvanceOutput {
  caseNo: string;
  done: boolean;
  /** More than one task means a joint (联办) step: the machine waits for all of them in parallel. */
  parallel: boolean;
  tasks: Task[];
}

export async function handler(input: { caseNo: string }): Promise<AdvanceOutput> {
  const record = await getCase(input.caseNo);
  if (!record) throw new Error(`case ${input.caseNo} not found`);
  const tasks = openTasks(record);
  return { caseNo: input.caseNo, done: tasks.length === 0, parallel: tasks.length > 1, tasks };
}
