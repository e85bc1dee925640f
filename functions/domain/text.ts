/**
 * What free text people send may contain. Control characters (other than tab and line breaks) and
 * lone UTF-16 surrogates are never typed by a person; they break SMS, PDFs and logs downstream, so
 * every text field refuses them at the edge.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: this pattern exists to find them
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export type TextProblem = 'CONTROL_CHARACTER' | 'LONE_SURROGATE';

export function cleanTextProblem(value: string): TextProblem | undefined {
  if (CONTROL.test(value)) return 'CONTROL_CHARACTER';
  if (LONE_SURROGATE.test(value)) return 'LONE_SURROGATE';
  return undefined;
}
