/**
 * Fees (收费) of an item as the case carries them: when the fee is due, how much (a fixed amount, one
 * of several categories, or an amount staff set by the published rule), who collects it (执收单位),
 * who is exempt (减免) and when it is refunded. The catalogue stores these terms with the item
 * (`fees` in functions/catalogue/model.ts); filing copies them onto the case, so a later catalogue
 * change never alters a notice already issued. Money is integer fen (分) everywhere; yuan only in words.
 * Pure: the portal imports it.
 */
import type { Outcome } from './vocabulary.ts';

/**
 * 工本费-type fees (证件工本费, 护照, 通行证, 签注) are paid before the application is accepted: the
 * department makes nothing until they are. Every other fee (登记费, 公证费 …) is charged once the
 * decision is 准予, before the result is delivered.
 */
export const FEE_TIMINGS = ['before-acceptance', 'after-approval'] as const;
export type FeeTiming = (typeof FEE_TIMINGS)[number];
export const FEE_TIMING_NAMES: Record<FeeTiming, string> = {
  'before-acceptance': '受理前缴纳',
  'after-approval': '准予后、领取前缴纳',
};

export interface FeeOption {
  /** Stable within the item: `a`, `b`, … */
  id: string;
  label: string;
  fen: number;
}

export interface FeeTerms {
  timing: FeeTiming;
  /**
   * The amounts the published standard allows: one (fixed), several (staff choose the category at
   * 准予, e.g. 住宅 / 非住宅), or none (staff set the amount by the rule in `standard`).
   */
  options: FeeOption[];
  /** The published standard, in words (收费标准). */
  standard: string;
  /** 收费依据. */
  basis: string;
  /** 执收单位: the department that collects it (the payee of the notice). */
  payee: { deptCode: string; name: string };
  /** 减免 conditions; staff who apply one record which and why (no notice is then issued). */
  reductions: string[];
  /** How a paid case that ends thus is refunded (in full); absent outcomes keep the fee. */
  refundOn: Outcome[];
}

/** The most a single notice may ask (a typo guard for amounts staff enter), in fen: 100,000 元. */
export const MAX_FEE_FEN = 10_000_000;

/** `20.00 元`. */
export const yuan = (fen: number) => `${(fen / 100).toFixed(2)} 元`;
/** `20.00`, as payment APIs want amounts. */
export const yuanAmount = (fen: number) => (fen / 100).toFixed(2);
/** `20.00` → 2000; undefined for anything that is not a plain amount with at most two decimals. */
export function fenOf(amount: string): number | undefined {
  if (!/^\d{1,9}(\.\d{1,2})?$/.test(amount)) return undefined;
  const [whole, frac = ''] = amount.split('.');
  return Number(whole) * 100 + Number(frac.padEnd(2, '0'));
}

/**
 * The amounts written in a published standard: `补领居民身份证工本费每证20元` → one option of 2000 fen;
 * `住宅类每件80元，非住宅类每件550元` → two to choose from; `按《…收费标准》执行` → none (set by
 * staff). Several 工本费 (`号牌工本费每副100元，行驶证工本费每证10元`) are documents issued together,
 * so they add up to one amount. Used by the seed and by imports that give a standard but no options.
 */
export function optionsFromStandard(standard: string): FeeOption[] {
  const parts = standard
    .split(/[，,；;]/)
    .map((p) => p.trim())
    .filter(Boolean);
  const out: FeeOption[] = [];
  for (const part of parts) {
    const m = /^(.*?)(\d+(?:\.\d{1,2})?)元$/.exec(part);
    if (!m) continue;
    const fen = fenOf(m[2]);
    if (!fen) continue;
    out.push({
      id: String.fromCharCode(97 + out.length),
      label: m[1].replace(/每(证|件|本|副)$/, '').replace(/^每(证|件|本|副)/, '') || part,
      fen,
    });
  }
  if (out.length > 1 && /工本费/.test(standard))
    return [
      { id: 'a', label: out.map((o) => o.label).join('、'), fen: out.reduce((sum, o) => sum + o.fen, 0) },
    ];
  return out;
}

/** The timing a standard implies when the catalogue says none: 工本费 and travel documents before acceptance. */
export function timingFromStandard(standard: string): FeeTiming {
  return /工本费|护照|通行证|签注/.test(standard) ? 'before-acceptance' : 'after-approval';
}

/**
 * The amount of a notice for these terms, from what staff chose or entered at 准予 (or nothing, for
 * a fixed fee): the lines of the notice, or what is missing.
 */
export function noticeLines(
  terms: FeeTerms,
  choice: { option?: string; fen?: number } | undefined,
): { ok: true; lines: { label: string; fen: number }[] } | { ok: false; message: string } {
  if (terms.options.length === 1)
    return { ok: true, lines: [{ label: terms.options[0].label, fen: terms.options[0].fen }] };
  if (terms.options.length > 1) {
    const o = terms.options.find((x) => x.id === choice?.option);
    if (!o)
      return {
        ok: false,
        message: `请选择收费项目（${terms.options.map((x) => `${x.label} ${yuan(x.fen)}`).join('、')}）`,
      };
    return { ok: true, lines: [{ label: o.label, fen: o.fen }] };
  }
  const fen = choice?.fen;
  if (!fen || !Number.isInteger(fen) || fen < 1 || fen > MAX_FEE_FEN)
    return { ok: false, message: `请按收费标准填写应收金额（${terms.standard}），以分为单位的整数` };
  return { ok: true, lines: [{ label: '按标准计收', fen }] };
}
