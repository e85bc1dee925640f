/**
 * The case-action catalogue: every action a case can take, once. Each entry says what it is called,
 * who takes it, in which phases, and which inputs it asks for (with their Chinese labels, limits and
 * refusal codes). Everything else is derived from it: the API body (a union keyed by `action`), the
 * checks of the rules (process.ts), and the staff and applicant forms of the portal.
 *
 * Adding an action = one entry here + its rule in process.ts (`RULES`), which the compiler demands.
 * Pure: the portal imports it, so it uses zod/mini (a few KiB), not zod.
 */
import * as z from 'zod/mini';
import { SLOT_ID } from './materials.ts';
import type { Phase } from './process.ts';
import type { RefusalCode, RefusalInfo } from './refusal.ts';
import { cleanTextProblem } from './text.ts';
import {
  COMPLAINT_TAGS,
  type ComplaintTag,
  DELIVERY_METHODS,
  RATING_DIMENSIONS,
  RATING_LEVELS,
  type RatingDimension,
  type RatingLevel,
  SPECIAL_TYPES,
} from './vocabulary.ts';

/** The inputs an action can ask for; each has one shape and one editor in the portal. */
export type FieldKind =
  | 'note'
  | 'reason'
  | 'result'
  | 'remedy'
  | 'items'
  | 'slots'
  | 'special'
  | 'method'
  | 'rating'
  | 'fee'
  | 'payment'
  | 'tracking';

export interface FieldSpec {
  kind: FieldKind;
  /** What the person is asked for in this action. */
  label: string;
  /** Set when the action cannot be taken without it: the refusal then. */
  required?: { code: RefusalCode; message: string };
}

/**
 * 'department': staff of the case's department acting on the case as a whole, not on a task (评价申诉);
 * 'supervisor': a supervisor of the hall (or the city) deciding on it.
 */
export type ActorKind = 'staff' | 'applicant' | 'system' | 'department' | 'supervisor';

/**
 * Which line of tasks a staff action works on: the case's own steps, or the rectification (整改) of
 * a 差评, which runs after 办结 beside whatever the case still waits for.
 */
export type Track = 'case' | 'rectification';

export interface ActionSpec {
  label: string;
  by: ActorKind;
  /** Phases the action exists in; the rule may narrow it to certain steps. */
  phases: readonly Phase[];
  fields: readonly FieldSpec[];
  /** Ends the case against the applicant (or by them): its button is drawn as a warning. */
  weighty?: boolean;
  /** Said when someone who is not `by` tries it. */
  notYours?: string;
  /** Said when the case is in another phase. */
  notNow?: string;
  /** Staff actions of the rectification track (default: the case's). */
  track?: Track;
}

const MAX_TEXT: Record<'note' | 'reason' | 'result' | 'remedy', number> = {
  note: 1000,
  reason: 1000,
  result: 1000,
  remedy: 500,
};
export const MAX_COMMENT = 500;
export const MAX_ITEMS = 50;
/** 好差评: a case can be rated for this many days after 办结 (and a rectification after it is done). */
export const RATING_WINDOW_DAYS = 30;
/** 评价申诉: the department may appeal a rating (once) for this many days after it was given. */
export const APPEAL_WINDOW_DAYS = 10;
export const MAX_ITEM_LENGTH = 200;
export const EXPECTED_DAYS = { min: 1, max: 365 } as const;

const note = (label: string): FieldSpec => ({ kind: 'note', label });
const REASON_REQUIRED = (message: string) => ({ code: 'REASON_REQUIRED', message }) as const;
const rating = (label: string): FieldSpec => ({
  kind: 'rating',
  label,
  required: { code: 'RATING_REQUIRED', message: '请选择满意程度' },
});

/** In the order the console offers them. */
export const ACTIONS = {
  prereview: {
    label: '网上预受理',
    by: 'staff',
    phases: ['work'],
    fields: [note('预审意见（选填）')],
  },
  accept: {
    label: '受理',
    by: 'staff',
    phases: ['work'],
    fields: [note('受理意见（选填）')],
  },
  'accept-supplement': {
    label: '补交受理',
    by: 'staff',
    phases: ['work'],
    fields: [note('补交材料核验意见（选填）')],
  },
  pass: {
    label: '审查通过',
    by: 'staff',
    phases: ['work'],
    fields: [note('审查意见（选填）')],
  },
  approve: {
    label: '准予（办结）',
    by: 'staff',
    phases: ['work'],
    fields: [
      { kind: 'result', label: '准予内容（选填，如证照名称和编号）' },
      // Only items that charge after 准予 ask it (the rule checks it against the item's fee terms).
      { kind: 'fee', label: '收费（收费项目或按标准计收的金额；符合减免条件的，写明减免理由）' },
    ],
  },
  refuse: {
    label: '不予受理',
    by: 'staff',
    phases: ['work'],
    weighty: true,
    fields: [
      {
        kind: 'reason',
        label: '不予受理的理由（必填，将告知申请人）',
        required: REASON_REQUIRED('不予受理必须说明理由'),
      },
    ],
  },
  deny: {
    label: '不予许可（办结）',
    by: 'staff',
    phases: ['work'],
    weighty: true,
    fields: [
      {
        kind: 'reason',
        label: '不予许可的理由（必填，将告知申请人）',
        required: REASON_REQUIRED('不予许可必须说明理由'),
      },
      { kind: 'remedy', label: '救济途径（选填，不填则告知申请行政复议或提起行政诉讼的权利和期限）' },
    ],
  },
  correct: {
    label: '一次性告知补正',
    by: 'staff',
    phases: ['work'],
    fields: [
      {
        kind: 'items',
        label: '需要补正的材料（一次性告知，逐项填写）',
        required: { code: 'ITEMS_REQUIRED', message: '补交告知须一次性列明全部需要补正的材料' },
      },
      // The slots the applicant re-uploads (only these, while the correction runs): ids of the case's slots.
      { kind: 'slots', label: '需要重新上传的材料项（申请人只能重新上传所选的材料）' },
    ],
  },
  'special-start': {
    label: '启动特别程序',
    by: 'staff',
    phases: ['work'],
    fields: [
      {
        kind: 'special',
        label: '特别程序（所需时间不计入办理时限，将告知申请人）',
        required: {
          code: 'SPECIAL_REQUIRED',
          message: `请说明特别程序的种类（${SPECIAL_TYPES.join('、')}）和预计所需时间`,
        },
      },
      { kind: 'reason', label: '说明（选填）' },
    ],
  },
  'special-result': {
    label: '登记特别程序结果',
    by: 'staff',
    phases: ['special'],
    fields: [
      {
        kind: 'result',
        label: '特别程序结果（必填）',
        required: { code: 'RESULT_REQUIRED', message: '请登记特别程序的结果' },
      },
    ],
  },
  deliver: {
    label: '领取登记',
    by: 'staff',
    phases: ['delivery'],
    fields: [
      {
        kind: 'method',
        label: '领取方式',
        required: { code: 'METHOD_REQUIRED', message: `请选择领取方式（${DELIVERY_METHODS.join('、')}）` },
      },
      // 邮寄 needs it (the rule checks): the applicant is texted the number.
      { kind: 'tracking', label: '快递单号（邮寄送达必填）' },
      note('备注（选填）'),
    ],
  },
  supplement: {
    label: '补交材料',
    by: 'applicant',
    phases: ['correction'],
    fields: [note('补交说明（选填）')],
    notYours: '补交材料由申请人提交',
    notNow: '该办件目前不需要补交材料',
  },
  withdraw: {
    label: '撤回申请',
    by: 'applicant',
    phases: ['work', 'correction', 'special', 'payment'],
    weighty: true,
    fields: [{ kind: 'reason', label: '撤回原因（选填）' }],
    notYours: '只有申请人可以撤回申请',
    notNow: '已作出决定的办件不能撤回',
  },
  rate: {
    label: '评价',
    by: 'applicant',
    phases: ['delivery', 'closed'],
    fields: [rating('您对本次办事服务满意吗？')],
    notYours: '只有申请人可以评价',
    notNow: `办结后 ${RATING_WINDOW_DAYS} 日内可以评价，每件只评价一次`,
  },
  're-rate': {
    label: '评价整改结果',
    by: 'applicant',
    phases: ['delivery', 'closed'],
    fields: [rating('您对部门的整改结果满意吗？')],
    notYours: '只有申请人可以评价',
    notNow: `整改完成后 ${RATING_WINDOW_DAYS} 日内可以评价整改结果，只评价一次`,
  },
  'rect-visit': {
    label: '差评回访',
    by: 'staff',
    track: 'rectification',
    phases: ['delivery', 'closed'],
    fields: [
      {
        kind: 'result',
        label: '回访情况（必填：何时以何种方式联系了申请人，核实的问题）',
        required: { code: 'RESULT_REQUIRED', message: '请登记回访情况' },
      },
    ],
  },
  'rect-fix': {
    label: '整改完成',
    by: 'staff',
    track: 'rectification',
    phases: ['delivery', 'closed'],
    fields: [
      {
        kind: 'result',
        label: '整改措施和结果（必填，将告知申请人）',
        required: { code: 'RESULT_REQUIRED', message: '请登记整改措施和结果' },
      },
    ],
  },
  'e-collect': {
    label: '电子送达领取',
    by: 'system',
    phases: ['delivery'],
    fields: [],
    notNow: '该办件的结果不是电子送达，或已领取',
  },
  'pay-confirm': {
    label: '确认缴费',
    by: 'system',
    phases: ['payment'],
    fields: [
      {
        kind: 'payment',
        label: '到账通知',
        required: { code: 'PAYMENT_MISMATCH', message: '到账信息不完整' },
      },
    ],
    notNow: '该办件没有待缴的通知书',
  },
  'pay-remind': {
    label: '缴费提醒',
    by: 'system',
    phases: ['payment'],
    fields: [],
    notNow: '该办件没有待缴的通知书',
  },
  'pay-expire': {
    label: '缴费超期',
    by: 'system',
    phases: ['payment'],
    fields: [],
    notNow: '该办件没有待缴的通知书',
  },
  'refund-done': {
    label: '退费到账',
    by: 'system',
    phases: ['delivery', 'closed'],
    fields: [],
    notNow: '该办件没有待退的费用',
  },
  'appeal-rating': {
    label: '评价申诉',
    by: 'department',
    phases: ['delivery', 'closed'],
    fields: [
      {
        kind: 'reason',
        label: '申诉理由（必填：评价为何有误或属恶意，由监察人员审核）',
        required: REASON_REQUIRED('申诉必须说明理由'),
      },
    ],
    notYours: '只有承办部门可以对评价提出申诉',
    notNow: `评价后 ${APPEAL_WINDOW_DAYS} 日内可以申诉一次`,
  },
  'appeal-uphold': {
    label: '申诉成立',
    by: 'supervisor',
    phases: ['delivery', 'closed'],
    fields: [
      {
        kind: 'reason',
        label: '审核意见（必填，将告知申请人和部门）',
        required: REASON_REQUIRED('请填写审核意见'),
      },
    ],
    notYours: '评价申诉由监察人员审核',
    notNow: '该评价没有待审核的申诉',
  },
  'appeal-reject': {
    label: '申诉不成立',
    by: 'supervisor',
    phases: ['delivery', 'closed'],
    fields: [
      {
        kind: 'reason',
        label: '审核意见（必填，将告知申请人和部门）',
        required: REASON_REQUIRED('请填写审核意见'),
      },
    ],
    notYours: '评价申诉由监察人员审核',
    notNow: '该评价没有待审核的申诉',
  },
  'deem-accept': {
    label: '视为受理',
    by: 'system',
    phases: ['work'],
    fields: [],
    notNow: '该办件已不在受理环节',
  },
} as const satisfies Record<string, ActionSpec>;

export type ActionId = keyof typeof ACTIONS;
export const ACTION_IDS = Object.keys(ACTIONS) as ActionId[];

/** Actions a client may request through the API (the system's own are taken by timers). */
export const REQUESTABLE_ACTIONS = ACTION_IDS.filter((id) => ACTIONS[id].by !== 'system');

export const actionSpec = (id: ActionId): ActionSpec => ACTIONS[id];

/**
 * The label of an action on a task: a 审查 step's pass reads 审查通过, any other step's (a joint
 * department's review, a 决定 step) reads 同意.
 */
export function actionLabel(id: ActionId, step?: { name: string; post: string }): string {
  if (id === 'pass' && step && step.name !== '审查' && step.post !== '审查') return '同意';
  return ACTIONS[id].label;
}

// ---------------------------------------------------------------------------------------------
// Inputs

export interface ActionInput {
  note?: string;
  reason?: string;
  result?: string;
  remedy?: string;
  /** 补交告知: every missing or incorrect item, at once. */
  items?: string[];
  /** 补交告知: the case's material slots (ids) the applicant uploads again. */
  slots?: string[];
  special?: { type: string; expectedDays: number };
  method?: string;
  rating?: RatingInput;
  /** 准予 of an item that charges afterwards: the category, the amount by the rule, or a 减免. */
  fee?: FeeInput;
  /** 领取登记 by post: the parcel's tracking number. */
  tracking?: string;
  /** pay-confirm: what the provider's verified notification said (system only). */
  payment?: { n: number; tradeNo: string; fen: number };
}

export interface FeeInput {
  /** One of the item's fee options (`FeeOption.id`). */
  option?: string;
  /** The amount in fen, for items whose standard is a rule. */
  fen?: number;
  /** The 减免 condition that applies, and why: no notice is issued. */
  waiver?: string;
}

export interface RatingInput {
  level: RatingLevel;
  /** The online dimensions, each on the same five levels (optional, as on the national platform). */
  dimensions?: Partial<Record<RatingDimension, RatingLevel>>;
  tags?: ComplaintTag[];
  comment?: string;
}

const cleanText = (max: number) =>
  z.string().check(
    z.maxLength(max, `不能超过 ${max} 个字`),
    z.refine((v) => !cleanTextProblem(v), '含有不能识别的字符，请删除后重试'),
  );

const SHAPES: Record<FieldKind, z.ZodMiniType> = {
  note: cleanText(MAX_TEXT.note),
  reason: cleanText(MAX_TEXT.reason),
  result: cleanText(MAX_TEXT.result),
  remedy: cleanText(MAX_TEXT.remedy),
  items: z.array(cleanText(MAX_ITEM_LENGTH)).check(z.maxLength(MAX_ITEMS, `一次最多列明 ${MAX_ITEMS} 项`)),
  slots: z
    .array(z.string().check(z.regex(SLOT_ID, '材料项编号不正确')))
    .check(z.maxLength(MAX_ITEMS, `一次最多选择 ${MAX_ITEMS} 项材料`)),
  special: z.object({
    type: z.string().check(z.maxLength(10)),
    expectedDays: z.int('预计所需时间应为整数个工作日'),
  }),
  method: z.string().check(z.maxLength(10)),
  fee: z.object({
    option: z.optional(z.string().check(z.maxLength(4))),
    fen: z.optional(z.int('金额应为以分为单位的整数')),
    waiver: z.optional(cleanText(MAX_TEXT.reason)),
  }),
  payment: z.object({ n: z.int(), tradeNo: z.string().check(z.maxLength(64)), fen: z.int() }),
  tracking: z.string().check(z.maxLength(40)),
  rating: z.object({
    level: z.int(),
    dimensions: z.optional(z.partialRecord(z.enum(RATING_DIMENSIONS), z.int())),
    tags: z.optional(z.array(z.string().check(z.maxLength(20))).check(z.maxLength(COMPLAINT_TAGS.length))),
    comment: z.optional(cleanText(MAX_COMMENT)),
  }),
};

export type ActionBody = ActionInput & { action: ActionId; version?: number; taskId?: string };

/**
 * The API body: one object per requestable action, with only that action's inputs. Shapes and
 * lengths are checked here (400); whether a required input is there is the rule's (422, with the
 * field's code), so an empty reason is refused in the same words everywhere.
 */
export const actionBodySchema = z.discriminatedUnion(
  'action',
  REQUESTABLE_ACTIONS.map((id) =>
    z.object({
      action: z.literal(id),
      /** The version the caller saw; omitted means "the current one". */
      version: z.optional(z.int().check(z.positive())),
      /** Which open task (joint steps have one per department); omitted = the caller's only one. */
      taskId: z.optional(z.string().check(z.maxLength(80))),
      ...Object.fromEntries(ACTIONS[id].fields.map((f) => [f.kind, z.optional(SHAPES[f.kind])])),
    }),
  ) as unknown as [z.ZodMiniObject, ...z.ZodMiniObject[]],
  { error: '不认识的操作' },
) as unknown as z.ZodMiniType<ActionBody>;

/**
 * The action's inputs, trimmed and checked against its fields: the value to act on, or the first
 * refusal (with the field it concerns). The rules and the portal's forms both call this.
 */
export function checkActionInput(
  id: ActionId,
  raw: ActionInput,
): { ok: true; input: ActionInput } | ({ ok: false } & RefusalInfo) {
  const input: ActionInput = {};
  for (const field of ACTIONS[id].fields as readonly FieldSpec[]) {
    const value = fieldValue(field.kind, raw);
    if (value !== undefined) Object.assign(input, { [field.kind]: value });
    else if (field.required) return { ok: false, field: field.kind, ...field.required };
  }
  return { ok: true, input };
}

/** A field's value, trimmed; undefined when it is empty or not one the field allows. */
function fieldValue(kind: FieldKind, raw: ActionInput) {
  switch (kind) {
    case 'note':
    case 'reason':
    case 'result':
    case 'remedy':
      return raw[kind]?.trim() || undefined;
    case 'items': {
      const items = (raw.items ?? []).map((i) => i.trim()).filter(Boolean);
      return items.length ? items : undefined;
    }
    case 'slots': {
      const slots = [...new Set(raw.slots ?? [])];
      return slots.length ? slots : undefined;
    }
    case 'special': {
      const sp = raw.special;
      const ok =
        sp &&
        (SPECIAL_TYPES as readonly string[]).includes(sp.type) &&
        Number.isInteger(sp.expectedDays) &&
        sp.expectedDays >= EXPECTED_DAYS.min &&
        sp.expectedDays <= EXPECTED_DAYS.max;
      return ok ? { type: sp.type, expectedDays: sp.expectedDays } : undefined;
    }
    case 'method':
      return (DELIVERY_METHODS as readonly string[]).includes(raw.method ?? '') ? raw.method : undefined;
    case 'rating':
      return ratingValue(raw.rating);
    case 'fee': {
      const f = raw.fee;
      if (!f) return undefined;
      const waiver = f.waiver?.trim();
      const out: FeeInput = {};
      if (f.option) out.option = f.option;
      if (f.fen !== undefined) out.fen = f.fen;
      if (waiver) out.waiver = waiver;
      return Object.keys(out).length ? out : undefined;
    }
    case 'tracking':
      return raw.tracking?.trim().toUpperCase() || undefined;
    case 'payment':
      return raw.payment && Number.isInteger(raw.payment.fen) && raw.payment.tradeNo
        ? raw.payment
        : undefined;
  }
}

const isLevel = (v: unknown): v is RatingLevel => (RATING_LEVELS as readonly unknown[]).includes(v);

/** A rating with a level; unknown dimensions, levels and tags are dropped, the comment trimmed. */
function ratingValue(r: RatingInput | undefined): RatingInput | undefined {
  if (!r || !isLevel(r.level)) return undefined;
  const out: RatingInput = { level: r.level };
  const dims = Object.entries(r.dimensions ?? {}).filter(
    ([k, v]) => (RATING_DIMENSIONS as readonly string[]).includes(k) && isLevel(v),
  );
  if (dims.length) out.dimensions = Object.fromEntries(dims);
  const tags = [...new Set(r.tags ?? [])].filter((t) => (COMPLAINT_TAGS as readonly string[]).includes(t));
  if (tags.length) out.tags = tags;
  const comment = r.comment?.trim();
  if (comment) out.comment = comment;
  return out;
}

/** The field a refusal code is about in this action's form, if any. */
export function fieldOfCode(id: ActionId, code: string): FieldKind | undefined {
  return (ACTIONS[id].fields as readonly FieldSpec[]).find((f) => f.required?.code === code)?.kind;
}
