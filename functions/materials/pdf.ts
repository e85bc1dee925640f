/**
 * The PDF checks the raw bytes cannot make (#domain/materials.ts `checkPdfBytes` runs first): a
 * real parse with pdf-lib, which unpacks compressed object streams, so active content hidden there
 * is found too (names arrive unescaped: `/J#61vaScript` is JavaScript), encryption is told by the
 * parser, and the pages are counted. pdf-lib is pure JavaScript, small, and parses leniently enough
 * for the PDFs scanners and phones write.
 */
import {
  EncryptedPDFError,
  PDFArray,
  PDFDict,
  PDFDocument,
  PDFName,
  type PDFObject,
  PDFStream,
} from 'pdf-lib';
import { ACTIVE_PDF_NAMES, MATERIAL_LIMITS, type Rejection, rejections } from '#domain/materials.ts';

const ACTIVE = new Set(ACTIVE_PDF_NAMES);

/** Whether an object, or anything directly inside it, names active content (as a key or as an action type). */
function active(obj: PDFObject | undefined, depth = 0): boolean {
  if (!obj || depth > 32) return false;
  if (obj instanceof PDFName) return ACTIVE.has(obj.decodeText());
  if (obj instanceof PDFArray) return obj.asArray().some((o) => active(o, depth + 1));
  const dict = obj instanceof PDFStream ? obj.dict : obj instanceof PDFDict ? obj : undefined;
  if (!dict) return false;
  for (const [key, value] of dict.entries()) {
    if (ACTIVE.has(key.decodeText())) return true;
    // Values that are names (`/S /JavaScript`) or nested dictionaries and arrays; references are
    // objects of their own, visited by the caller.
    if (active(value, depth + 1)) return true;
  }
  return false;
}

export async function inspectPdf(
  bytes: Uint8Array,
): Promise<{ ok: true; pages: number } | { ok: false; rejection: Rejection }> {
  let doc: PDFDocument;
  try {
    doc = await PDFDocument.load(bytes, { updateMetadata: false });
  } catch (err) {
    return {
      ok: false,
      rejection: err instanceof EncryptedPDFError ? rejections.encrypted() : rejections.corrupt(),
    };
  }
  if (doc.isEncrypted) return { ok: false, rejection: rejections.encrypted() };
  for (const [, obj] of doc.context.enumerateIndirectObjects())
    if (active(obj)) return { ok: false, rejection: rejections.activeContent() };
  let pages: number;
  try {
    pages = doc.getPageCount();
  } catch {
    return { ok: false, rejection: rejections.corrupt() };
  }
  if (pages < 1) return { ok: false, rejection: rejections.corrupt() };
  if (pages > MATERIAL_LIMITS.maxPdfPages)
    return { ok: false, rejection: rejections.tooManyPages(MATERIAL_LIMITS.maxPdfPages) };
  return { ok: true, pages };
}
