/**
 * The halls (厅) of this deployment. Each hall is one deployment unit (HallStack-<id>).
 * `code` is the administrative division code that starts every case number of the hall,
 * so a progress query can be routed to the right hall from the case number alone.
 * The development zone has no division code of its own; 341671 is the code this deployment
 * assigns it (an operator of another city sets its own list here).
 */
export type Level = 'city' | 'county' | 'town' | 'village';

export interface Hall {
  id: string;
  code: string;
  name: string;
  fullName: string;
  level: Exclude<Level, 'town' | 'village'>;
}

export const city = { name: '亳州市', code: '341600' } as const;

export const halls: readonly Hall[] = [
  { id: 'city', code: '341600', name: '市直厅', fullName: '亳州市市直部门网上办事大厅', level: 'city' },
  { id: 'qiaocheng', code: '341602', name: '谯城厅', fullName: '谯城区网上办事大厅', level: 'county' },
  {
    id: 'jingkai',
    code: '341671',
    name: '市经开区厅',
    fullName: '亳州经济开发区网上办事大厅',
    level: 'county',
  },
  { id: 'guoyang', code: '341621', name: '涡阳厅', fullName: '涡阳县网上办事大厅', level: 'county' },
  { id: 'mengcheng', code: '341622', name: '蒙城厅', fullName: '蒙城县网上办事大厅', level: 'county' },
  { id: 'lixin', code: '341623', name: '利辛厅', fullName: '利辛县网上办事大厅', level: 'county' },
];

export function hallById(id: string): Hall | undefined {
  return halls.find((h) => h.id === id);
}

export function hallByCode(code: string): Hall | undefined {
  return halls.find((h) => h.code === code);
}
