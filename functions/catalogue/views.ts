/** Shapes the catalogue API returns (pure). `total`/`items`/`code`/`name` are relied on by outside clients. */
import type { Department, Item } from './model.ts';
import type { Highlight } from './search/index.ts';

export interface ItemSummary {
  code: string;
  name: string;
  type: Item['type'];
  hallId: string;
  deptCode: string;
  deptName: string;
  level: Item['level'];
  audience: Item['audience'];
  themes: string[];
  onlineDepth: number;
  visits: number;
  promisedDays: number;
  legalDays: number;
  caseKind: Item['caseKind'];
  highlight?: Highlight;
}

export function itemSummary(item: Item, depts: Map<string, Department>, highlight?: Highlight): ItemSummary {
  return {
    code: item.code,
    name: item.name,
    type: item.type,
    hallId: item.hallId,
    deptCode: item.deptCode,
    deptName: depts.get(item.deptCode)?.name ?? '',
    level: item.level,
    audience: item.audience,
    themes: item.themes,
    onlineDepth: item.onlineDepth,
    visits: item.visits,
    promisedDays: item.promisedDays,
    legalDays: item.legalDays,
    caseKind: item.caseKind,
    ...(highlight ? { highlight } : {}),
  };
}
