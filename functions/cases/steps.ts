/**
 * Staff steps of the walking skeleton and what each action does to a case. The lifecycle issue
 * replaces the fixed two steps with the item's process template; the shape stays.
 */
import type { CaseStatus, ProcessEvent } from './model.ts';

export type StepId = 'accept' | 'decide';
export type ActionId = 'accept' | 'refuse' | 'approve' | 'deny';

export const STEPS: Record<StepId, { name: string; post: string; actions: ActionId[] }> = {
  accept: { name: '受理', post: '受理', actions: ['accept', 'refuse'] },
  decide: { name: '决定', post: '决定', actions: ['approve', 'deny'] },
};

interface Outcome {
  event: ProcessEvent;
  outcome: string;
  status: CaseStatus;
  next: StepId | null;
  /** The task result the state machine receives. */
  decision: string;
  reasonRequired: boolean;
}

export const ACTIONS: Record<ActionId, Outcome> = {
  accept: {
    event: '受理',
    outcome: '受理',
    status: 'accepted',
    next: 'decide',
    decision: 'accept',
    reasonRequired: false,
  },
  refuse: {
    event: '受理',
    outcome: '不予受理',
    status: 'refused',
    next: null,
    decision: 'refuse',
    reasonRequired: true,
  },
  approve: {
    event: '办结',
    outcome: '准予',
    status: 'approved',
    next: null,
    decision: 'approve',
    reasonRequired: false,
  },
  deny: {
    event: '办结',
    outcome: '不予',
    status: 'denied',
    next: null,
    decision: 'deny',
    reasonRequired: true,
  },
};

export type ActionCheck =
  | { ok: true; outcome: Outcome }
  | { ok: false; status: 409 | 422; code: string; message: string };

/** Is `action` allowed on a case whose current step is `step`? */
export function checkAction(step: StepId | null | undefined, action: ActionId, reason?: string): ActionCheck {
  if (!step || !STEPS[step].actions.includes(action)) {
    return {
      ok: false,
      status: 409,
      code: 'ACTION_NOT_ALLOWED',
      message: '该办件当前环节不能进行此操作，请刷新后重试',
    };
  }
  const outcome = ACTIONS[action];
  if (outcome.reasonRequired && !reason?.trim()) {
    return { ok: false, status: 422, code: 'REASON_REQUIRED', message: '不予受理或不予许可必须说明理由' };
  }
  return { ok: true, outcome };
}
