/**
 * Text helpers of the search: normalisation, word segmentation, pinyin. Pure.
 */
import { pinyin } from 'pinyin-pro';

const HAN = /[\u3400-\u9fff]/;
export const isHan = (ch: string) => HAN.test(ch);
export const hasHan = (s: string) => HAN.test(s);

/** Full-width → half-width, lower case, no spaces or punctuation (people type either). */
export function normalize(s: string): string {
  return s
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\p{P}\p{S}]+/gu, '');
}

/** Keep brackets and punctuation out of matching but let positions map back to the original name. */
export function normalizeWithMap(s: string): { text: string; map: number[] } {
  let text = '';
  const map: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const n = normalize(s[i]);
    for (const ch of n) {
      text += ch;
      map.push(i);
    }
  }
  return { text, map };
}

const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });

/** Words of a query (Intl.Segmenter); runs of Latin letters or digits stay whole. */
export function segment(s: string): string[] {
  const out: string[] = [];
  for (const seg of segmenter.segment(s))
    if (seg.isWordLike !== false && seg.segment.trim()) out.push(seg.segment);
  return out;
}

/** Fillers of colloquial questions that never help to find an item. Longest first. */
const FILLERS = [
  '怎么办理',
  '如何办理',
  '在哪里办',
  '在哪办理',
  '需要什么',
  '要什么材料',
  '什么材料',
  '哪些材料',
  '怎么办',
  '怎么弄',
  '怎么搞',
  '去哪里',
  '在哪里',
  '去哪办',
  '哪里办',
  '要办什么',
  '办什么',
  '什么手续',
  '手续',
  '流程',
  '怎么',
  '如何',
  '怎样',
  '我要',
  '我想',
  '想要',
  '请问',
  '可以',
  '需要',
  '什么',
  '哪些',
  '一下',
  '材料',
  '在哪',
  '哪里',
  '办理',
];
const TAIL = /[吗呢啊呀吧了的么]+$/;

export function stripFillers(q: string): string {
  let s = q;
  for (const f of FILLERS) if (s.includes(f) && s.replaceAll(f, '').length >= 2) s = s.replaceAll(f, '');
  const t = s.replace(TAIL, '');
  return t.length >= 2 ? t : s;
}

/** Sloppy pinyin: z/zh, c/ch, s/sh, -n/-ng, l/n, v/u are the mix-ups people make (and input methods forgive). */
export function fuzzyPinyin(s: string): string {
  return s
    .replace(/([zcs])h/g, '$1')
    .replace(/ng/g, 'n')
    .replace(/l/g, 'n')
    .replace(/v/g, 'u');
}

const cache = new Map<string, string[]>();

/** One syllable per character (non-Han characters stand for themselves, lower case). */
export function syllables(s: string): string[] {
  const hit = cache.get(s);
  if (hit) return hit;
  const arr = pinyin(s, { toneType: 'none', type: 'array', nonZh: 'removed' });
  const out: string[] = [];
  let k = 0;
  for (const ch of s) {
    // ü is typed v (lv, nv) on every pinyin keyboard.
    if (isHan(ch)) out.push((arr[k++] ?? ch).toLowerCase().replace(/ü/g, 'v'));
    else out.push(ch.toLowerCase());
  }
  if (cache.size > 50_000) cache.clear();
  cache.set(s, out);
  return out;
}

export function isLatinQuery(q: string): boolean {
  return /^[a-z]+$/.test(q);
}
