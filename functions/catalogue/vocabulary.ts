/**
 * The catalogue's word lists (levels, item types, audiences, life-event themes of DOMAIN.md §2).
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
