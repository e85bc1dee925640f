/**
 * Location metadata out of photos before anyone else sees them: a phone photo of a document often
 * carries the GPS position of the applicant's home. JPEG: the GPS directory of the EXIF block is
 * emptied in place (offsets stay valid, so orientation and the rest of EXIF still work; if the EXIF
 * block cannot be read safely it is dropped whole), XMP blocks (which may repeat the position) and
 * comments are dropped. PNG: the eXIf chunk and text chunks (XMP lives there) are dropped. Pure
 * byte work on already-checked files (#domain/materials.ts).
 */

const EXIF_HEADER = [0x45, 0x78, 0x69, 0x66, 0x00, 0x00]; // "Exif\0\0"
const XMP_HEADER = 'http://ns.adobe.com/xap/1.0/';
const GPS_IFD_TAG = 0x8825;
/** Bytes per value of each TIFF field type (1 BYTE … 12 DOUBLE). */
const TYPE_SIZE = [0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8];

const startsWith = (b: Uint8Array, sig: readonly number[], at: number) =>
  sig.every((v, i) => b[at + i] === v);

/**
 * Empties the GPS IFD of a TIFF block (EXIF after its header) in place. Returns false when the
 * block does not read as TIFF (the caller then drops it).
 */
function emptyGps(tiff: Uint8Array): boolean {
  const view = new DataView(tiff.buffer, tiff.byteOffset, tiff.byteLength);
  if (tiff.length < 8) return false;
  const order = String.fromCharCode(tiff[0], tiff[1]);
  if (order !== 'II' && order !== 'MM') return false;
  const le = order === 'II';
  const u16 = (i: number) => view.getUint16(i, le);
  const u32 = (i: number) => view.getUint32(i, le);
  if (u16(2) !== 42) return false;
  const ifd0 = u32(4);
  if (ifd0 + 2 > tiff.length) return false;
  const count = u16(ifd0);
  if (ifd0 + 2 + count * 12 > tiff.length) return false;
  for (let n = 0; n < count; n++) {
    const entry = ifd0 + 2 + n * 12;
    if (u16(entry) !== GPS_IFD_TAG) continue;
    const gps = u32(entry + 8);
    if (gps + 2 > tiff.length) return false;
    const fields = u16(gps);
    if (gps + 2 + fields * 12 + 4 > tiff.length) return false;
    for (let f = 0; f < fields; f++) {
      const e = gps + 2 + f * 12;
      const size = (TYPE_SIZE[u16(e + 2)] ?? 1) * u32(e + 4);
      if (size > 4) {
        const at = u32(e + 8);
        if (at + size > tiff.length) return false;
        tiff.fill(0, at, at + size);
      }
    }
    // No fields left, and no next directory: an empty GPS IFD.
    tiff.fill(0, gps, gps + 2 + fields * 12 + 4);
  }
  return true;
}

export function stripJpegLocation(b: Uint8Array): Uint8Array {
  const kept: Uint8Array[] = [b.subarray(0, 2)];
  let i = 2;
  while (i + 4 <= b.length && b[i] === 0xff) {
    const marker = b[i + 1];
    // Start of scan: everything from here on is image data.
    if (marker === 0xda) break;
    const length = (b[i + 2] << 8) | b[i + 3];
    const end = i + 2 + length;
    if (end > b.length) break;
    const body = b.subarray(i + 4, end);
    if (marker === 0xe1 && startsWith(body, EXIF_HEADER, 0)) {
      const copy = b.slice(i, end);
      if (emptyGps(copy.subarray(4 + EXIF_HEADER.length))) kept.push(copy);
    } else if (
      marker === 0xe1 &&
      new TextDecoder('latin1').decode(body.subarray(0, XMP_HEADER.length)) === XMP_HEADER
    ) {
      // XMP: dropped.
    } else if (marker !== 0xfe) kept.push(b.subarray(i, end));
    i = end;
  }
  kept.push(b.subarray(i));
  const out = new Uint8Array(kept.reduce((n, k) => n + k.length, 0));
  let at = 0;
  for (const k of kept) {
    out.set(k, at);
    at += k.length;
  }
  return out;
}

const DROPPED_PNG_CHUNKS = new Set(['eXIf', 'tEXt', 'iTXt', 'zTXt']);

export function stripPngLocation(b: Uint8Array): Uint8Array {
  const kept: Uint8Array[] = [b.subarray(0, 8)];
  let i = 8;
  while (i + 12 <= b.length) {
    const length = ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;
    const type = String.fromCharCode(b[i + 4], b[i + 5], b[i + 6], b[i + 7]);
    const end = i + 12 + length;
    if (!DROPPED_PNG_CHUNKS.has(type)) kept.push(b.subarray(i, end));
    i = end;
  }
  const out = new Uint8Array(kept.reduce((n, k) => n + k.length, 0));
  let at = 0;
  for (const k of kept) {
    out.set(k, at);
    at += k.length;
  }
  return out;
}
