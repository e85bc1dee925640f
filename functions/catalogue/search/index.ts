/**
 * Search over the service catalogue, in process. Pure: built from a Catalogue, no AWS.
 *
 * How a query finds an item:
 * - Chinese: the query is normalised, colloquial fillers (怎么办理, 需要什么材料 …) are dropped, it is
 *   cut into words (Intl.Segmenter) and matched against names, keywords, materials and departments;
 *   candidates come from character-bigram postings, so a query touches tens of items, not all.
 * - Homophone typos (营业执找): the query's pinyin is compared syllable by syllable with names
 *   (exact, then sloppy z/zh c/ch s/sh n/ng l/n); candidates come from syllable-bigram postings.
 * - Latin letters: full pinyin (yingyezhizhao, shenfenzheng) and initials (yyzz) of names.
 * - Synonyms (开饭店 → 食品经营许可): a table the operator extends; a query containing a key is also
 *   searched with the key replaced by its official words, and with the official words alone.
 * Ranking tiers: name (600–1000) > materials (≤ 300) > department (≤ 200); ties go to the city hall,
 * then shorter names.
 */
import type { Audience, Level } from '#domain/vocabulary.ts';
import type { Catalogue, Department, Item } from '../model.ts';
import {
  fuzzyPinyin,
  hasHan,
  isHan,
  isLatinQuery,
  normalize,
  normalizeWithMap,
  segment,
  stripFillers,
  syllables,
} from './text.ts';

export const MAX_QUERY_LENGTH = 100;

export interface SearchFilters {
  audience?: Audience;
  theme?: string;
  deptCode?: string;
  hallId?: string;
  level?: Level;
  onlineDepth?: number;
}

const FILTER_KEYS = ['audience', 'theme', 'deptCode', 'hallId', 'level', 'onlineDepth'] as const;

export interface SearchOptions extends SearchFilters {
  q?: string;
  limit?: number;
  offset?: number;
}

export interface Highlight {
  /** [start, end) ranges over the item name (UTF-16 indices) that matched. */
  name: [number, number][];
  /** Materials that matched, when the hit came through them. */
  materials?: string[];
  /** Set when the hit came through the department name. */
  department?: boolean;
}

export interface SearchHit {
  item: Item;
  score: number;
  highlight?: Highlight;
}

export interface SearchResult {
  total: number;
  hits: SearchHit[];
  /** Alternatives when nothing matched (or names to try instead). */
  suggestions?: string[];
}

interface Doc {
  item: Item;
  hallRank: number;
  /** Items with the same name, keywords and materials share a group: scored once per query. */
  group: number;
  deptId: number;
  name: string;
  nameMap: number[];
  syl: string[];
  sylFz: string[];
  /** Syllables joined as ' a b c ', so a run of syllables is a plain substring test. */
  sylStr: string;
  sylFzStr: string;
  py: string;
  pyFz: string;
  /** Index in `py` where each character's syllable starts. */
  pyStart: number[];
  ini: string;
  kw: string;
  kwSet: Set<string>;
  mats: string[];
  matText: string;
  dept: string;
}

type Via = 'name' | 'materials' | 'department';

interface SynonymEntry {
  key: string;
  keyPy: string;
  keyIni: string;
  targets: string[];
}

interface Variant {
  text: string;
  weight: number;
  latin: boolean;
  terms: string[];
  syl: string[];
  sylFz: string[];
  /** Syllables joined as ' a b c ', so a run of syllables is a plain substring test. */
  sylStr: string;
  sylFzStr: string;
  /** ' a b ' syllable strings of each term (for terms of two or more Han characters). */
  termSyl: string[];
  py: string;
  fz: string;
}

const POPULAR = [
  '居民身份证补领',
  '出生登记',
  '企业设立登记',
  '食品经营许可',
  '职工基本养老保险待遇申领',
  '住房公积金提取（购房）',
  '异地就医备案',
  '结婚登记',
];

function bigrams(s: string): string[] {
  if (s.length < 2) return s ? [s] : [];
  const out: string[] = [];
  for (let i = 0; i + 1 < s.length; i++) out.push(s.slice(i, i + 2));
  return out;
}

function push(map: Map<string, number[]>, key: string, id: number) {
  const list = map.get(key);
  if (!list) map.set(key, [id]);
  else if (list[list.length - 1] !== id) list.push(id);
}

/** Find `needle` as a contiguous run in `hay`; returns the start index or -1. */
function findRun(hay: string[], needle: string[]): number {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

export class CatalogueIndex {
  readonly docs: Doc[] = [];
  private readonly byCode = new Map<string, Doc>();
  /** Representative doc of each group, the docs of each group, and the same for department names. */
  private readonly groups: Doc[] = [];
  private readonly groupDocs: number[][] = [];
  private readonly deptNames: string[] = [];
  private readonly deptDocs: number[][] = [];
  private readonly deptGrams = new Map<string, number[]>();
  /** Character bigrams (and single characters) of names and keywords. */
  private readonly grams = new Map<string, number[]>();
  /** Character bigrams of materials (a lower tier). */
  private readonly textGrams = new Map<string, number[]>();
  private readonly sylGrams = new Map<string, number[]>();
  /** Letter bigrams of each name's pinyin, sloppy pinyin and initials: candidates of Latin queries. */
  private readonly latinGrams = new Map<string, number[]>();
  private readonly synonyms: SynonymEntry[] = [];
  private readonly names = new Set<string>();
  readonly departments: Map<string, Department>;

  constructor(readonly catalogue: Catalogue) {
    this.departments = new Map(catalogue.departments.map((d) => [d.code, d]));
    const hallRank = new Map(catalogue.halls.map((h, i) => [h.id, i]));
    const levelRank: Record<string, number> = { city: 0, county: 1, town: 2, village: 3 };
    const groupIndex = new Map<string, number>();
    const deptIndex = new Map<string, number>();
    catalogue.items.forEach((item) => {
      const kw = item.keywords.map(normalize).join('|');
      const mats = item.materials.map((m) => normalize(m.name));
      const matText = mats.join('|');
      const dept = normalize(this.departments.get(item.deptCode)?.name ?? '');
      const key = `${item.name}\u0001${kw}\u0001${matText}`;
      const id = this.docs.length;
      let g = groupIndex.get(key);
      let doc: Doc;
      if (g !== undefined) {
        // Same name, keywords and materials: share the text fields of the group's first item.
        doc = { ...this.groups[g], item, dept };
      } else {
        g = this.groups.length;
        groupIndex.set(key, g);
        const { text: name, map } = normalizeWithMap(item.name);
        const syl = syllables(name);
        const pyStart: number[] = [];
        let py = '';
        for (const sy of syl) {
          pyStart.push(py.length);
          py += sy;
        }
        const sylFz = syl.map(fuzzyPinyin);
        doc = {
          item,
          hallRank: 0,
          group: g,
          deptId: 0,
          name,
          nameMap: map,
          syl,
          sylFz,
          sylStr: ` ${syl.join(' ')} `,
          sylFzStr: ` ${sylFz.join(' ')} `,
          py,
          pyFz: fuzzyPinyin(py),
          pyStart,
          ini: syl.map((x) => x[0]).join(''),
          kw,
          kwSet: new Set(item.keywords.map(normalize)),
          mats,
          matText,
          dept,
        };
        this.groups.push(doc);
        this.groupDocs.push([]);
        for (const gr of bigrams(name)) push(this.grams, gr, g);
        for (const k of item.keywords) for (const gr of bigrams(normalize(k))) push(this.grams, gr, g);
        for (const m of mats) for (const gr of bigrams(m)) push(this.textGrams, gr, g);
        for (const ch of name) if (isHan(ch)) push(this.grams, ch, g);
        for (let i = 0; i + 1 < sylFz.length; i++) push(this.sylGrams, `${sylFz[i]} ${sylFz[i + 1]}`, g);
        for (const str of [doc.py, doc.pyFz, doc.ini])
          for (let i = 0; i + 1 < str.length; i++) push(this.latinGrams, str.slice(i, i + 2), g);
      }
      let d = deptIndex.get(dept);
      if (d === undefined) {
        d = this.deptNames.length;
        deptIndex.set(dept, d);
        this.deptNames.push(dept);
        this.deptDocs.push([]);
        for (const gr of bigrams(dept)) push(this.deptGrams, gr, d);
      }
      doc.hallRank = (hallRank.get(item.hallId) ?? 99) * 10 + (levelRank[item.level] ?? 9);
      doc.deptId = d;
      this.docs.push(doc);
      this.groupDocs[g].push(id);
      this.deptDocs[d].push(id);
      this.byCode.set(item.code, doc);
      this.names.add(item.name);
    });
    for (const [k, targets] of Object.entries(catalogue.synonyms ?? {})) {
      const key = normalize(k);
      if (!key) continue;
      const syl = syllables(key);
      this.synonyms.push({
        key,
        keyPy: syl.join(''),
        keyIni: syl.map((s) => s[0]).join(''),
        targets: targets.map(normalize),
      });
    }
    // Longer keys first: 身份证丢了 before 身份证.
    this.synonyms.sort((a, b) => b.key.length - a.key.length);
  }

  get size(): number {
    return this.docs.length;
  }

  item(code: string): Item | undefined {
    return this.byCode.get(code)?.item;
  }

  private variant(text: string, weight: number): Variant {
    const latin = isLatinQuery(text);
    const terms = latin ? [text] : segment(text).map(normalize).filter(Boolean);
    const syl = latin ? [] : syllables(text);
    const sylFz = syl.map(fuzzyPinyin);
    return {
      text,
      weight,
      latin,
      terms,
      syl,
      sylFz,
      sylStr: ` ${syl.join(' ')} `,
      sylFzStr: ` ${sylFz.join(' ')} `,
      termSyl: terms.map((t) => (t.length >= 2 && hasHan(t) ? ` ${syllables(t).join(' ')} ` : '')),
      py: latin ? text : syl.join(''),
      fz: fuzzyPinyin(text),
    };
  }

  private variants(qn: string): Variant[] {
    const base = stripFillers(qn);
    const out: Variant[] = [this.variant(base, 1)];
    const seen = new Set([base]);
    const add = (t: string, w: number) => {
      const s = stripFillers(t);
      if (s && !seen.has(s)) {
        seen.add(s);
        out.push(this.variant(s, w));
      }
    };
    const latin = isLatinQuery(qn);
    // 身份zheng: part characters, part pinyin — search it as pinyin.
    if (!latin && hasHan(base) && /[a-z]/.test(base)) {
      const py = syllables(base).join('');
      if (isLatinQuery(py)) out.push(this.variant(py, 0.97));
    }
    let used = 0;
    for (const syn of this.synonyms) {
      if (used >= 3) break;
      const hit = latin
        ? qn === syn.keyPy ||
          (qn.length >= 3 && qn === syn.keyIni) ||
          (qn.length >= 6 && qn.includes(syn.keyPy))
        : qn.includes(syn.key);
      if (!hit) continue;
      used++;
      for (const t of syn.targets) {
        if (!latin) add(qn.replace(syn.key, t), 0.96);
        add(t, 0.95);
      }
    }
    return out;
  }

  /**
   * Groups that may match by name (`name`), groups that may match only by materials (`text`) and
   * departments whose name may match (`depts`). Materials and departments count only at 75 % word
   * coverage, so only those holding that share of the query's words are candidates.
   */
  private candidates(v: Variant): { name: Iterable<number>; text: Set<number>; depts: Set<number> } {
    const name = new Set<number>();
    if (v.latin) {
      if (v.text.length < 2) return { name: this.groups.keys(), text: new Set(), depts: new Set() };
      for (const g of new Set([v.text.slice(0, 2), v.fz.slice(0, 2)]))
        for (const id of this.latinGrams.get(g) ?? []) name.add(id);
      return { name, text: new Set(), depts: new Set() };
    }
    // Single characters (证, 办) would pull in half the catalogue; use them only when nothing longer is there.
    const long = v.terms.some((t) => t.length >= 2);
    const textSeen = new Map<number, number>();
    const deptSeen = new Map<number, number>();
    let words = 0;
    for (const t of v.terms) {
      if (t.length < 2 && long) continue;
      words++;
      const inText = new Set<number>();
      const inDept = new Set<number>();
      for (const g of bigrams(t)) {
        for (const id of this.grams.get(g) ?? []) name.add(id);
        for (const id of this.textGrams.get(g) ?? []) inText.add(id);
        for (const id of this.deptGrams.get(g) ?? []) inDept.add(id);
      }
      for (const id of inText) textSeen.set(id, (textSeen.get(id) ?? 0) + 1);
      for (const id of inDept) deptSeen.set(id, (deptSeen.get(id) ?? 0) + 1);
    }
    for (let i = 0; i + 1 < v.sylFz.length; i++)
      for (const id of this.sylGrams.get(`${v.sylFz[i]} ${v.sylFz[i + 1]}`) ?? []) name.add(id);
    const need = Math.max(1, Math.ceil(words * 0.75));
    const text = new Set<number>();
    for (const [id, n] of textSeen) if (n >= need && !name.has(id)) text.add(id);
    const depts = new Set<number>();
    for (const [id, n] of deptSeen) if (n >= need) depts.add(id);
    return { name, text, depts };
  }

  private scoreName(d: Doc, v: Variant): number {
    if (v.latin) {
      const q = v.text;
      if (d.py === q) return 950;
      if (d.ini === q && q.length >= 2) return 920;
      if (d.py.startsWith(q) && q.length >= 3) return 860 - (d.py.length - q.length);
      if (d.ini.startsWith(q) && q.length >= 2) return 840 - (d.ini.length - q.length) * 4;
      if (q.length >= 4 && d.py.includes(q)) return 760 - (d.py.length - q.length);
      if (q.length >= 3 && d.ini.includes(q)) return 720 - (d.ini.length - q.length) * 4;
      const fz = v.fz;
      if (fz.length >= 4 && d.pyFz.includes(fz)) return 640 - (d.pyFz.length - fz.length);
      return 0;
    }
    const q = v.text;
    const lenDiff = d.name.length - q.length;
    if (d.name === q) return 1000;
    if (d.name.startsWith(q)) return 900 - lenDiff;
    if (d.name.includes(q)) return 820 - lenDiff;
    if (d.kwSet.has(q)) return 780;
    // Whole query by sound (a wrong character of the same sound).
    if (v.syl.length >= 2) {
      if (d.sylStr.includes(v.sylStr)) return (v.syl.length === d.syl.length ? 760 : 720) - lenDiff;
      if (d.sylFzStr.includes(v.sylFzStr)) return 660 - lenDiff;
    }
    // Word coverage: every query word found in the name (or in the keywords), by character or by sound.
    let total = 0;
    let got = 0;
    for (let i = 0; i < v.terms.length; i++) {
      const t = v.terms[i];
      total += t.length;
      if (d.name.includes(t)) got += t.length;
      else if (d.kw.includes(t)) got += t.length * 0.9;
      else if (v.termSyl[i] && d.sylStr.includes(v.termSyl[i])) got += t.length * 0.8;
    }
    if (total === 0) return 0;
    const cov = got / total;
    if (cov < 0.5) return 0;
    return 600 * cov * cov - lenDiff;
  }

  private scoreText(text: string, v: Variant, max: number): number {
    if (!text || v.latin) return 0;
    if (text.includes(v.text)) return max;
    let total = 0;
    let got = 0;
    for (const t of v.terms) {
      total += t.length;
      if (text.includes(t)) got += t.length;
    }
    const cov = total ? got / total : 0;
    return cov >= 0.75 ? max * 0.8 * cov : 0;
  }

  private matches(d: Doc, f: SearchFilters): boolean {
    const it = d.item;
    if (f.hallId && it.hallId !== f.hallId) return false;
    if (f.deptCode && it.deptCode !== f.deptCode) return false;
    if (f.level && it.level !== f.level) return false;
    if (f.audience && !it.audience.includes(f.audience)) return false;
    if (f.theme && !it.themes.includes(f.theme)) return false;
    if (f.onlineDepth !== undefined && it.onlineDepth !== f.onlineDepth) return false;
    return true;
  }

  private static order(a: { d: Doc; score: number }, b: { d: Doc; score: number }): number {
    return (
      b.score - a.score ||
      a.d.hallRank - b.d.hallRank ||
      a.d.name.length - b.d.name.length ||
      (a.d.item.code < b.d.item.code ? -1 : a.d.item.code > b.d.item.code ? 1 : 0)
    );
  }

  search(opts: SearchOptions, withAlternatives = true): SearchResult {
    const limit = Math.max(0, Math.min(opts.limit ?? 20, 50));
    const offset = Math.max(0, opts.offset ?? 0);
    const qn = normalize((opts.q ?? '').slice(0, MAX_QUERY_LENGTH));
    if (!qn) {
      const all = this.docs.filter((d) => this.matches(d, opts));
      all.sort(
        (a, b) =>
          a.hallRank - b.hallRank ||
          (a.item.deptCode < b.item.deptCode ? -1 : a.item.deptCode > b.item.deptCode ? 1 : 0) ||
          (a.item.code < b.item.code ? -1 : 1),
      );
      return {
        total: all.length,
        hits: all.slice(offset, offset + limit).map((d) => ({ item: d.item, score: 0 })),
      };
    }
    const exact = this.byCode.get((opts.q ?? '').trim().toUpperCase());
    const vs = this.variants(qn);
    const best = new Map<number, { d: Doc; score: number; v: Variant; via: Via }>();
    for (const v of vs) {
      const cand = this.candidates(v);
      const groupScore = new Map<number, [number, number]>();
      for (const g of cand.name) {
        const rep = this.groups[g];
        const n = this.scoreName(rep, v);
        const m = this.scoreText(rep.matText, v, 300);
        if (n || m) groupScore.set(g, [n, m]);
      }
      for (const g of cand.text) {
        const m = this.scoreText(this.groups[g].matText, v, 300);
        if (m) groupScore.set(g, [0, m]);
      }
      const deptScore = new Map<number, number>();
      for (const d of cand.depts) {
        const dp = this.scoreText(this.deptNames[d], v, 200);
        if (dp) deptScore.set(d, dp);
      }
      const visit = (id: number) => {
        const d = this.docs[id];
        if (!this.matches(d, opts)) return;
        const [n, m] = groupScore.get(d.group) ?? [0, 0];
        const dp = deptScore.get(d.deptId) ?? 0;
        const top = Math.max(n, m, dp);
        if (top === 0) return;
        const score = (top + 0.05 * (n + m + dp - top)) * v.weight;
        if (score > (best.get(id)?.score ?? 0))
          best.set(id, { d, score, v, via: top === n ? 'name' : top === m ? 'materials' : 'department' });
      };
      for (const g of groupScore.keys()) for (const id of this.groupDocs[g]) visit(id);
      for (const d of deptScore.keys()) for (const id of this.deptDocs[d]) visit(id);
    }
    const scored = [...best.values()].filter((s) => s.score >= 120);
    if (exact && this.matches(exact, opts)) {
      const i = scored.findIndex((s) => s.d === exact);
      if (i >= 0) scored.splice(i, 1);
      scored.push({ d: exact, score: 5000, v: vs[0], via: 'name' });
    }
    scored.sort(CatalogueIndex.order);
    const hits = scored.slice(offset, offset + limit).map((s) => ({
      item: s.d.item,
      score: Math.round(s.score),
      highlight: this.highlight(s.d, s.v, s.via),
    }));
    const result: SearchResult = { total: scored.length, hits };
    if (scored.length === 0 && withAlternatives) result.suggestions = this.alternatives(qn, opts);
    return result;
  }

  /** Names for the search box as the user types (distinct names, best first). */
  suggest(q: string, f: SearchFilters = {}, limit = 8): { code: string; name: string }[] {
    const r = this.search({ ...f, q, limit: 50 }, false);
    const seen = new Set<string>();
    const out: { code: string; name: string }[] = [];
    for (const h of r.hits) {
      if (seen.has(h.item.name)) continue;
      seen.add(h.item.name);
      out.push({ code: h.item.code, name: h.item.name });
      if (out.length >= limit) break;
    }
    return out;
  }

  private alternatives(qn: string, f: SearchFilters): string[] {
    const hasFilters = FILTER_KEYS.some((k) => f[k] !== undefined && f[k] !== '');
    if (hasFilters) {
      const wide = this.search({ q: qn, limit: 20 }, false);
      if (wide.total > 0) return [...new Set(wide.hits.map((h) => h.item.name))].slice(0, 5);
    }
    // Relax: names sharing the most characters with the query.
    const chars = [...new Set([...stripFillers(qn)].filter(isHan))];
    if (chars.length) {
      const counts = new Map<number, number>();
      for (const ch of chars)
        for (const g of this.grams.get(ch) ?? []) counts.set(g, (counts.get(g) ?? 0) + 1);
      const need = Math.max(1, Math.ceil(chars.length / 3));
      const ranked = [...counts.entries()]
        .filter(([, c]) => c >= need)
        .sort((a, b) => b[1] - a[1] || this.groups[a[0]].name.length - this.groups[b[0]].name.length)
        .map(([g]) => this.groups[g].item.name);
      const names = [...new Set(ranked)].slice(0, 5);
      if (names.length) return names;
    }
    return POPULAR.filter((n) => this.names.has(n)).slice(0, 5);
  }

  private highlight(d: Doc, v: Variant, via: Via): Highlight {
    const ranges: [number, number][] = [];
    const addNorm = (start: number, len: number) => {
      if (start < 0 || len <= 0) return;
      // Punctuation was dropped from the matched text: split where the original name has a gap.
      let a = d.nameMap[start];
      for (let i = start + 1; i < start + len; i++)
        if (d.nameMap[i] !== d.nameMap[i - 1] + 1) {
          ranges.push([a, d.nameMap[i - 1] + 1]);
          a = d.nameMap[i];
        }
      ranges.push([a, d.nameMap[start + len - 1] + 1]);
    };
    if (v.latin) {
      const q = v.text;
      const p = d.py.indexOf(q);
      const pi = d.ini.indexOf(q);
      if (p >= 0) {
        const first = d.pyStart.findLastIndex((s) => s <= p);
        const endPos = p + q.length;
        let last = first;
        while (last + 1 < d.pyStart.length && d.pyStart[last + 1] < endPos) last++;
        addNorm(first, last - first + 1);
      } else if (pi >= 0) addNorm(pi, q.length);
    } else {
      const p = d.name.indexOf(v.text);
      if (p >= 0) addNorm(p, v.text.length);
      else {
        const r = findRun(d.syl, v.syl);
        if (r >= 0 && v.syl.length >= 2) addNorm(r, v.syl.length);
        else
          for (const t of v.terms) {
            const i = d.name.indexOf(t);
            if (i >= 0) addNorm(i, t.length);
            else if (t.length >= 2 && hasHan(t)) {
              const j = findRun(d.syl, syllables(t));
              if (j >= 0) addNorm(j, t.length);
            }
          }
      }
    }
    ranges.sort((a, b) => a[0] - b[0]);
    const merged: [number, number][] = [];
    for (const r of ranges) {
      const last = merged[merged.length - 1];
      if (last && r[0] < last[1]) last[1] = Math.max(last[1], r[1]);
      else merged.push([r[0], r[1]]);
    }
    const h: Highlight = { name: merged };
    if (via === 'materials')
      h.materials = d.item.materials
        .filter((_m, i) => d.mats[i].includes(v.text) || v.terms.every((t) => d.mats[i].includes(t)))
        .map((m) => m.name);
    if (via === 'department') h.department = true;
    return h;
  }
}

export function buildIndex(catalogue: Catalogue): CatalogueIndex {
  return new CatalogueIndex(catalogue);
}
