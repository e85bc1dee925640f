import { describe, expect, it } from 'vitest';
import { buildIndex } from '#functions/catalogue/search/index.ts';
import { fuzzyPinyin, normalize, stripFillers, syllables } from '#functions/catalogue/search/text.ts';
import { loadSeedCatalogue } from '#functions/catalogue/store.ts';

const seed = loadSeedCatalogue();
const idx = buildIndex(seed);
const top = (q: string, n = 5, f = {}) =>
  [...new Set(idx.search({ q, limit: 50, ...f }).hits.map((h) => h.item.name))].slice(0, n);

describe('text helpers', () => {
  it('normalises width, case and punctuation', () =>
    expect(normalize(' ＹＹＺＺ，结婚 登记！')).toBe('yyzz结婚登记'));
  it('drops colloquial fillers but never the whole query', () => {
    expect(stripFillers('身份证丢了怎么补办')).toBe('身份证丢了补办');
    expect(stripFillers('怎么办')).toBe('怎么办');
  });
  it('pinyin per character, ü typed as v, sloppy pinyin', () => {
    expect(syllables('法律援助')).toEqual(['fa', 'lv', 'yuan', 'zhu']);
    expect(fuzzyPinyin('zhizhao')).toBe(fuzzyPinyin('zizao'));
  });
});

describe('search behaviours', () => {
  it('exact official names come first', () => expect(top('食品经营许可')[0]).toBe('食品经营许可'));
  it('colloquial words through the synonym table', () => {
    expect(top('身份证丢了怎么办')[0]).toBe('居民身份证补领');
    expect(top('开饭店要办什么')[0]).toBe('食品经营许可');
    expect(top('暂住证')[0]).toBe('居住证申领');
    expect(top('上户口')[0]).toBe('出生登记');
  });
  it('full pinyin, initials and mixed input', () => {
    expect(top('yingyezhizhao')).toEqual(expect.arrayContaining(['企业设立登记', '个体工商户设立登记']));
    expect(top('yyzz')).toContain('企业设立登记');
    expect(top('shenfenzheng')).toContain('居民身份证补领');
    expect(top('sfzbl')[0]).toBe('居民身份证补领');
    expect(top('身份zheng')).toContain('居民身份证补领');
    expect(top('falvyuanzhu')[0]).toBe('法律援助申请');
  });
  it('a wrong character of the same sound', () => {
    expect(top('食品经营许克')[0]).toBe('食品经营许可');
    expect(top('结婚登计')[0]).toBe('结婚登记');
    expect(top('营业执找')).toContain('营业执照遗失补领、换发');
  });
  it('word segmentation: words in another order still find the item', () => {
    expect(top('补领居民身份证')).toContain('居民身份证补领');
  });
  it('ranks name over materials over department', () => {
    const r = idx.search({ q: '户口簿', limit: 50 }).hits;
    expect(r[0].item.name).toBe('居民户口簿补领');
    expect(r[0].highlight?.name).toEqual([[2, 5]]);
    const viaMaterials = r.find((h) => h.highlight?.materials?.length);
    expect(viaMaterials?.highlight?.materials).toContain('居民户口簿');
    expect(viaMaterials && viaMaterials.score < r[0].score).toBe(true);
    const dept = idx.search({ q: '卫生健康委员会', limit: 5 }).hits;
    expect(dept.length).toBeGreaterThan(0);
    expect(dept.every((h) => h.item.deptCode.endsWith('-wjw'))).toBe(true);
    expect(dept[0].highlight?.department).toBe(true);
  });
  it('highlights name ranges in the original name (brackets kept)', () => {
    const h = idx.search({ q: '建房规划', limit: 1 }).hits[0];
    expect(h.item.name).toBe('农村宅基地和建房（规划许可）审批');
    expect(h.highlight?.name.map(([a, b]) => h.item.name.slice(a, b))).toEqual(['建房', '规划']);
    const p = idx.search({ q: 'jiehun', limit: 1 }).hits[0];
    const [a, b] = p.highlight?.name[0] ?? [0, 0];
    expect(p.item.name.slice(a, b)).toBe('结婚');
  });
});

describe('filters, paging, browsing', () => {
  it('filters by hall, level, audience, theme, department and depth', () => {
    const check = (f: Record<string, unknown>, ok: (i: (typeof seed.items)[number]) => boolean) => {
      const r = idx.search({ q: '登记', limit: 50, ...f });
      expect(r.total).toBeGreaterThan(0);
      for (const h of r.hits) expect(ok(h.item)).toBe(true);
    };
    check({ hallId: 'lixin' }, (i) => i.hallId === 'lixin');
    check({ level: 'town' }, (i) => i.level === 'town');
    check({ audience: 'enterprise' }, (i) => i.audience.includes('enterprise'));
    check({ theme: '婚姻登记' }, (i) => i.themes.includes('婚姻登记'));
    check({ deptCode: '341600-mzj' }, (i) => i.deptCode === '341600-mzj');
    check({ onlineDepth: 4 }, (i) => i.onlineDepth === 4);
  });
  it('pages without overlap and with a stable total', () => {
    const a = idx.search({ q: '许可', limit: 10, offset: 0 });
    const b = idx.search({ q: '许可', limit: 10, offset: 10 });
    expect(a.total).toBe(b.total);
    const codes = new Set(a.hits.map((h) => h.item.code));
    for (const h of b.hits) expect(codes.has(h.item.code)).toBe(false);
    expect(idx.search({ q: '许可', limit: 500 }).hits.length).toBe(50);
  });
  it('an empty query browses by filter', () => {
    const r = idx.search({ hallId: 'city', limit: 5 });
    expect(r.total).toBe(seed.items.filter((i) => i.hallId === 'city').length);
    expect(r.hits).toHaveLength(5);
  });
  it('finds an item by its code', () => {
    const code = seed.items[42].code;
    expect(idx.search({ q: code }).hits[0].item.code).toBe(code);
  });
});

describe('empty results and bad input', () => {
  it('suggests alternatives when nothing matches', () => {
    const r = idx.search({ q: '火星签证' });
    expect(r.total).toBe(0);
    expect(r.suggestions?.length).toBeGreaterThan(0);
    const f = idx.search({ q: '结婚登记', level: 'village' });
    expect(f.total).toBe(0);
    expect(f.suggestions).toContain('结婚登记');
    expect(idx.search({ q: 'qqqqqq' }).suggestions).toContain('居民身份证补领');
  });
  it('nothing a user types throws', () => {
    for (const q of [
      '',
      ' ',
      '%%%',
      '\u0000',
      '"><script>',
      '😀😀',
      'a',
      'x'.repeat(500),
      '证',
      '的',
      '1234567890',
    ])
      expect(() => idx.search({ q })).not.toThrow();
  });
  it('type-ahead suggestions are distinct names', () => {
    const s = idx.suggest('jieh');
    expect(s[0].name).toBe('结婚登记');
    expect(new Set(s.map((x) => x.name)).size).toBe(s.length);
    expect(idx.suggest('居民身')).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: '居民身份证补领' })]),
    );
  });
});
