/**
 * What free text people send may contain. Control characters (other than tab and line breaks),
 * bidirectional overrides (which make text read other than it is stored) and lone UTF-16
 * surrogates are never typed by a person; they break SMS, PDFs and logs downstream, so every text
 * field — action inputs, application forms, path parameters — refuses them with this one check.
 */
export type TextProblem = 'CONTROL_CHARACTER' | 'LONE_SURROGATE';

export function cleanTextProblem(s: string): TextProblem | undefined {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20) {
      if (c !== 0x09 && c !== 0x0a && c !== 0x0d) return 'CONTROL_CHARACTER';
    } else if (c >= 0x7f && c <= 0x9f) return 'CONTROL_CHARACTER';
    else if ((c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)) return 'CONTROL_CHARACTER';
    else if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (!(d >= 0xdc00 && d <= 0xdfff)) return 'LONE_SURROGATE';
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) return 'LONE_SURROGATE';
  }
  return undefined;
}
