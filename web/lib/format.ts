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
