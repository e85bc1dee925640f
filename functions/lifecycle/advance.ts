/**
 * State machine task: what does the case wait for now? The machine loops on this answer, so the
 * rules in process.ts, not the ASL, decide the path of every template.
 */

import { openTasks, type Task, type Track } from '#domain/process.ts';
import { getCase } from '#functions/cases/store.ts';

export interface AdvanceOutput {
  caseNo: string;
  /** The line of tasks this execution runs (see Lifecycle.start). */
  track: Track;
  done: boolean;
  /** More than one task means a joint (联办) step: the machine waits for all of them in parallel. */
  parallel: boolean;
  tasks: Task[];
}

export async function handler(input: { caseNo: string; track?: Track }): Promise<AdvanceOutput> {
  const record = await getCase(input.caseNo);
  if (!record) throw new Error(`case ${input.caseNo} not found`);
  // Executions started before tracks existed carry none: theirs is the case's own.
  const track = input.track ?? 'case';
  const tasks = openTasks(record, track);
  return { caseNo: input.caseNo, track, done: tasks.length === 0, parallel: tasks.length > 1, tasks };
}
