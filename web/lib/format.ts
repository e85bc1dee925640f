/** Display rules for item facts, kept pure so every page words them the same way. */

const ROMAN = ['I', 'II', 'III', 'IV'] as const;

/** 网上办理深度 as 'I'..'IV' from 1..4 or a roman numeral; undefined when unrecognised. */
export function depthLevel(depth: number | string | undefined | null): (typeof ROMAN)[number] | undefined {
  if (typeof depth === 'number') return ROMAN[depth - 1];
  if (typeof depth !== 'string') return undefined;
  const s = depth.trim().toUpperCase();
  if ((ROMAN as readonly string[]).includes(s)) return s as (typeof ROMAN)[number];
  const n = Number(s);
  return Number.isInteger(n) ? ROMAN[n - 1] : undefined;
}

const DEPTH_LABEL: Record<(typeof ROMAN)[number], string> = {
  I: '信息公开',
  II: '表格下载',
  III: '网上预审',
  IV: '全程网办',
};

export function formatDepth(depth: number | string | undefined | null): string {
  const level = depthLevel(depth);
  return level ? `${level} 级（${DEPTH_LABEL[level]}）` : '未标注';
}

export function formatPromised(days: number | undefined | null, caseKind?: string): string {
  if (caseKind === '即办件' || days === 0) return '即办（当场办结）';
  if (typeof days !== 'number' || !Number.isFinite(days)) return '未标注';
  return `${days} 个工作日`;
}

export function formatVisits(visits: number | undefined | null): string {
  if (visits === 0) return '零跑动';
  if (typeof visits !== 'number' || !Number.isFinite(visits)) return '未标注';
  return `最多跑 ${visits} 次`;
}

const DEPTH_EXPLAIN: Record<(typeof ROMAN)[number], string> = {
  I: '网上可查看办事指南，需到窗口提交申请',
  II: '可在网上下载申请表格，填好后到窗口提交',
  III: '在网上提交申请和材料预审，通过后按通知到现场核验或领取',
  IV: '申请、审批、领取结果全程在网上办理，不用跑腿',
};

/** What a depth means for the applicant, in one plain sentence. */
export function explainDepth(depth: number | string | undefined | null): string {
  const level = depthLevel(depth);
  return level ? DEPTH_EXPLAIN[level] : '';
}

/** 法定办结时限 in words (working days; 0 = on the spot). */
export function formatLegal(days: number | undefined | null): string {
  if (days === 0) return '当场办结';
  if (typeof days !== 'number' || !Number.isFinite(days)) return '未标注';
  return `${days} 个工作日`;
}

const DELIVERY_WORDS: Record<string, string> = {
  自取: '窗口自取',
  邮寄: '免费邮寄（EMS）',
  电子: '电子送达（电子证照）',
};

export function formatDelivery(d: string): string {
  return DELIVERY_WORDS[d] ?? d;
}
