/**
 * Every word list the portal and the server share: the catalogue's (levels, item types, audiences,
 * life-event themes of DOMAIN.md §2) and the case's (statuses, outcomes, alert severities, …).
 * No zod and no AWS: the portal imports them as they are, so the two cannot drift.
 */
export const LEVELS = ['city', 'county', 'town', 'village'] as const;
export type Level = (typeof LEVELS)[number];
export const LEVEL_NAMES: Record<Level, string> = {
  city: '市级',
  county: '县级',
  town: '乡镇（街道）级',
  village: '村（社区）级',
};
/** The level's name, or '' for a value that is not a level (data from older versions). */
export const levelName = (level: string): string => (LEVEL_NAMES as Record<string, string>)[level] ?? '';

/** Short words for filters and badges, as people say them. */
export const LEVEL_SHORT: Record<Level, string> = {
  city: '市级',
  county: '县级',
  town: '乡镇',
  village: '村',
};

export const ITEM_TYPES = [
  '行政许可',
  '行政确认',
  '行政给付',
  '行政奖励',
  '行政裁决',
  '行政征收',
  '其他行政权力',
  '公共服务',
] as const;
export type ItemType = (typeof ITEM_TYPES)[number];

export const AUDIENCES = ['person', 'enterprise'] as const;
export type Audience = (typeof AUDIENCES)[number];

export const PERSON_THEMES = [
  '生育收养',
  '户籍',
  '教育科研',
  '入伍服役',
  '就业创业',
  '设立变更',
  '准营准办',
  '职业资格',
  '行政缴费',
  '婚姻登记',
  '优待抚恤',
  '规划建设',
  '住房保障',
  '社会保障',
  '证件',
  '交通出行',
  '出入境',
  '消费维权',
  '公共安全',
  '司法公证',
  '知识产权',
  '医疗卫生',
  '离职退休',
  '死亡殡葬',
  '公用事业',
] as const;
export const ENTERPRISE_THEMES = [
  '设立变更',
  '准营准办',
  '资质认证',
  '年检年审',
  '税收财务',
  '人力资源',
  '社保',
  '投资审批',
  '融资信贷',
  '商贸',
  '招标拍卖',
  '涉外',
  '农林牧渔',
  '国土规划建设',
  '交通运输',
  '环保',
  '医疗',
  '科创',
  '文教',
  '知识产权',
  '质量技术',
  '安全生产',
  '公安消防',
  '公用事业',
  '法人注销',
] as const;
export const ALL_THEMES: readonly string[] = [...new Set<string>([...PERSON_THEMES, ...ENTERPRISE_THEMES])];

// ---------------------------------------------------------------------------------------------
// Cases

/** The ten process events of the plan (DOMAIN.md §3), in their official names. */
export const PROCESS_EVENTS = [
  '申办',
  '网上预受理',
  '受理',
  '审批（处理）',
  '补交告知',
  '补交受理',
  '特别程序申请',
  '特别程序结果',
  '办结',
  '领取登记',
] as const;
export type ProcessEvent = (typeof PROCESS_EVENTS)[number];

/** Events besides the ten: the applicant's own acts and the 好差评 of the case, which the timeline shows too. */
export type CaseEventType =
  | ProcessEvent
  | '补交材料'
  | '撤回'
  | '评价'
  | '差评回访'
  | '差评整改'
  | '整改评价'
  // 评价申诉 by the department and the supervisor's decision (申诉成立 / 申诉不成立)
  | '评价申诉'
  | '申诉审核'
  // 网上缴费 (functions/domain/payment.ts): notice issued, reminded, paid, expired, waived, refunded
  | '缴费通知'
  | '缴费提醒'
  | '缴费'
  | '缴费超期'
  | '减免'
  | '退费';

export type CaseStatus =
  | 'submitted'
  | 'accepted'
  | 'correcting'
  | 'special'
  | 'approved'
  | 'awaiting-payment'
  | 'unpaid'
  | 'refused'
  | 'denied'
  | 'withdrawn'
  | 'delivered';

export const STATUS_NAMES: Record<CaseStatus, string> = {
  submitted: '已申办，待受理',
  accepted: '已受理，办理中',
  correcting: '待补交材料',
  special: '特别程序中',
  approved: '已办结（准予），待领取',
  'awaiting-payment': '待缴费',
  unpaid: '未按期缴费，已终止',
  refused: '不予受理',
  denied: '已办结（不予许可）',
  withdrawn: '申请人已撤回',
  delivered: '已办结，已领取',
};

/** How a case ended (or will end once delivered). */
export type Outcome = 'approved' | 'denied' | 'refused' | 'withdrawn' | 'unpaid';
export const OUTCOME_NAMES: Record<Outcome, string> = {
  approved: '准予',
  denied: '不予许可',
  refused: '不予受理',
  withdrawn: '撤回',
  unpaid: '未按期缴费',
};

// ---------------------------------------------------------------------------------------------
// 好差评 (DOMAIN.md §5; GB/T 39734-2020)

/** The five levels, 5 = best; 1 and 2 are 差评. */
export const RATING_LEVELS = [5, 4, 3, 2, 1] as const;
export type RatingLevel = (typeof RATING_LEVELS)[number];
export const RATING_NAMES: Record<RatingLevel, string> = {
  5: '非常满意',
  4: '满意',
  3: '基本满意',
  2: '不满意',
  1: '非常不满意',
};
export const isBadRating = (level: number) => level <= 2;

/** The online dimensions of a rating (each rated on the same five levels). */
export const RATING_DIMENSIONS = ['overall', 'efficiency', 'guide', 'convenience', 'usability'] as const;
export type RatingDimension = (typeof RATING_DIMENSIONS)[number];
export const DIMENSION_NAMES: Record<RatingDimension, string> = {
  overall: '整体满意度',
  efficiency: '办事效率',
  guide: '指南精确度',
  convenience: '便捷度',
  usability: '平台操作性',
};

/** What a 差评 complains of (the national platform's tags). */
export const COMPLAINT_TAGS = [
  '超过法定办理时间',
  '超过承诺办理时间',
  '指南外增条件',
  '指南外增材料',
  '多次补正',
  '服务态度差',
  '办事指南不清楚',
  '网上办理不方便',
  '结果不满意',
  '其他',
] as const;
export type ComplaintTag = (typeof COMPLAINT_TAGS)[number];

/** Procedures whose time is not counted (行政许可法 Art. 45). */
export const SPECIAL_TYPES = ['听证', '招标', '拍卖', '检验', '检测', '检疫', '鉴定', '专家评审'] as const;
export type SpecialType = (typeof SPECIAL_TYPES)[number];

export const DELIVERY_METHODS = ['自取', '邮寄', '电子'] as const;
export type DeliveryMethod = (typeof DELIVERY_METHODS)[number];

// ---------------------------------------------------------------------------------------------
// E-supervision (DOMAIN.md §4)

export type Severity = 'yellow' | 'red' | 'finding';
export const SEVERITY_NAMES: Record<Severity, string> = {
  yellow: '黄牌预警',
  red: '红牌超期',
  finding: '流程监察',
};

export type AlertStatus = 'open' | 'urged' | 'replied' | 'resolved';
export const ALERT_STATUS_NAMES: Record<AlertStatus, string> = {
  open: '待督办',
  urged: '已督办，待回复',
  replied: '已回复',
  /** Nobody urged it before the step (or limit) it concerns was done: it closed by itself. */
  resolved: '已自动关闭',
};

/** What an alert watches: the case's limit, a step's limit, the acceptance window, the procedure. */
export type AlertScope =
  | 'case'
  | 'step'
  | 'deem'
  | 'process'
  | 'visit'
  | 'rectify'
  | 'reply'
  | 'payment'
  /** 在线咨询's answer limit (the alert's caseNo is then the consultation number, ZX…). */
  | 'answer';
export const SCOPE_NAMES: Record<AlertScope, string> = {
  case: '办件总时限',
  step: '环节时限',
  deem: '受理时限',
  process: '办理过程',
  visit: '差评回访时限',
  rectify: '差评整改时限',
  payment: '网上缴费',
  reply: '督办回复时限',
  answer: '咨询答复时限',
};

/** The marks of a task in a queue. */
export type Mark = 'yellow' | 'red';
export const MARK_NAMES: Record<Mark, string> = { yellow: '预警', red: '超期' };
