/**
 * One uploaded file, checked as a whole: the pure byte checks of #domain/materials.ts (real type,
 * structure, polyglots), then what needs a parser (PDF: active content in object streams,
 * encryption, pages), then the copy that is kept: location metadata stripped from photos, trailing
 * secondary images cut, and its SHA-256.
 */
import { createHash } from 'node:crypto';
import { checkBytes, type FileFacts, type FileFormat, type Rejection } from '#domain/materials.ts';
import { stripJpegLocation, stripPngLocation } from './location.ts';
import { inspectPdf } from './pdf.ts';

export interface Inspected {
  ok: true;
  /** The bytes to keep (what staff will see). */
  clean: Uint8Array;
  facts: FileFacts & { pages?: number };
  sha256: string;
  /** SHA-256 of the bytes as uploaded, when the kept copy differs. */
  uploadedSha256?: string;
}

export const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

export async function inspectFile(
  bytes: Uint8Array,
  opts: { formats: readonly FileFormat[]; named: FileFormat; maxBytes: number },
): Promise<Inspected | { ok: false; rejection: Rejection }> {
  const checked = checkBytes(bytes, opts);
  if (!checked.ok) return checked;
  const facts: Inspected['facts'] = { ...checked.facts };
  let clean = facts.truncateAt ? bytes.subarray(0, facts.truncateAt) : bytes;
  if (facts.format === 'pdf') {
    const pdf = await inspectPdf(clean);
    if (!pdf.ok) return pdf;
    facts.pages = pdf.pages;
  } else if (facts.format === 'jpg') clean = stripJpegLocation(clean);
  else if (facts.format === 'png') clean = stripPngLocation(clean);
  const digest = sha256(clean);
  const uploaded = clean === bytes ? digest : sha256(bytes);
  return {
    ok: true,
    clean,
    facts,
    sha256: digest,
    ...(uploaded !== digest ? { uploadedSha256: uploaded } : {}),
  };
}
