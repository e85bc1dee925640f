/**
 * Small real files for the materials tests, built here: PDFs with pdf-lib, JPEG, PNG and OFD (ZIP)
 * bytes put together by hand (no fixtures to trust). Each builder can add what a probe needs: EXIF
 * with a GPS position, a comment, a text chunk, JavaScript in a PDF, compressed object streams.
 */
import { deflateSync } from 'node:zlib';
import { PDFDocument, PDFName, PDFString } from 'pdf-lib';
import { crc32 } from '#domain/materials.ts';

export const bytes = (...parts: (number[] | Uint8Array | string)[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));
export const be16 = (n: number) => [(n >> 8) & 0xff, n & 0xff];
export const be32 = (n: number) => [(n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
export const le16 = (n: number) => [n & 0xff, (n >> 8) & 0xff];
export const le32 = (n: number) => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff];
export const segment = (marker: number, body: Uint8Array | number[]) =>
  bytes([0xff, marker, ...be16(body.length + 2)], body);

/** EXIF (TIFF, little endian): IFD0 with Orientation = 6 and a GPS IFD holding latitude 33°50'44". */
function exif(): Buffer {
  // Offsets are from the TIFF header. IFD0 at 8: 2 entries; GPS IFD at 38: 2 entries; rationals at 68.
  const ifd0 = [
    ...le16(2),
    ...le16(0x0112),
    ...le16(3),
    ...le32(1),
    ...le16(6),
    0,
    0, // Orientation SHORT 6
    ...le16(0x8825),
    ...le16(4),
    ...le32(1),
    ...le32(38), // GPS IFD pointer
    ...le32(0),
  ];
  const gps = [
    ...le16(2),
    ...le16(0x0001),
    ...le16(2),
    ...le32(2),
    0x4e,
    0,
    0,
    0, // GPSLatitudeRef "N"
    ...le16(0x0002),
    ...le16(5),
    ...le32(3),
    ...le32(68), // GPSLatitude RATIONAL×3 at 68
    ...le32(0),
  ];
  const latitude = [...le32(33), ...le32(1), ...le32(50), ...le32(1), ...le32(4444), ...le32(100)];
  return bytes('Exif\0\0', 'II', le16(42), le32(8), ifd0, gps, latitude);
}

export function jpeg(
  opts: { width?: number; height?: number; exif?: boolean; comment?: string } = {},
): Buffer {
  const { width = 640, height = 480 } = opts;
  const sof = [8, ...be16(height), ...be16(width), 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1];
  const sos = [3, 1, 0, 2, 0x11, 3, 0x11, 0, 63, 0];
  // Entropy-coded data: a stuffed FF 00 and a restart marker, as real scans have.
  const scan = [0x12, 0x34, 0xff, 0x00, 0x56, 0xff, 0xd0, 0x78, 0x9a];
  return bytes(
    [0xff, 0xd8],
    segment(0xe0, bytes('JFIF\0', [1, 1, 0, 0, 1, 0, 1, 0, 0])),
    opts.exif ? segment(0xe1, exif()) : [],
    opts.comment ? segment(0xfe, bytes(opts.comment)) : [],
    segment(0xdb, [0, ...new Array(64).fill(1)]),
    segment(0xc0, sof),
    segment(0xc4, [0, ...new Array(16).fill(0), 0]),
    segment(0xda, sos),
    scan,
    [0xff, 0xd9],
  );
}

const chunk = (type: string, data: Uint8Array | number[]) => {
  const body = bytes(type, data);
  return bytes(be32(data.length), body, be32(crc32(body)));
};

export function png(opts: { text?: string; width?: number } = {}): Buffer {
  const ihdr = [...be32(opts.width ?? 2), ...be32(2), 8, 2, 0, 0, 0];
  return bytes(
    [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
    chunk('IHDR', ihdr),
    opts.text ? chunk('tEXt', bytes('Comment\0', opts.text)) : [],
    chunk('IDAT', [0x78, 0x9c, 0x63, 0x60, 0, 0, 0, 4, 0, 1]),
    chunk('IEND', []),
  );
}

/** A stored (uncompressed) ZIP of the given entries: OFD's container. */
export function zip(entries: Record<string, string>, flags = 0): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(entries)) {
    const data = Buffer.from(content);
    const crc = crc32(data);
    const common = [
      ...le16(20),
      ...le16(flags),
      ...le16(0),
      ...le16(0),
      ...le16(0),
      ...le32(crc),
      ...le32(data.length),
      ...le32(data.length),
      ...le16(name.length),
    ];
    const local = bytes(le32(0x04034b50), common, le16(0), name, data);
    central.push(
      bytes(
        le32(0x02014b50),
        le16(20),
        common,
        le16(0),
        le16(0),
        le16(0),
        le16(0),
        le32(0),
        le32(offset),
        name,
      ),
    );
    locals.push(local);
    offset += local.length;
  }
  const dir = Buffer.concat(central);
  const n = Object.keys(entries).length;
  return bytes(
    ...locals,
    dir,
    le32(0x06054b50),
    le16(0),
    le16(0),
    le16(n),
    le16(n),
    le32(dir.length),
    le32(offset),
    le16(0),
  );
}

export const ofd = () =>
  zip({
    'OFD.xml': '<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"/>',
    'Doc_0/Document.xml': '<ofd:Document/>',
  });

export async function pdf(
  opts: { pages?: number; js?: boolean; objectStreams?: boolean; text?: string } = {},
): Promise<Buffer> {
  const doc = await PDFDocument.create();
  for (let i = 0; i < (opts.pages ?? 1); i++)
    doc.addPage([200, 200]).drawText(`${opts.text ?? 'page'} ${i + 1}`, { x: 20, y: 100 });
  if (opts.js) {
    const action = doc.context.obj({ Type: 'Action', S: 'JavaScript', JS: PDFString.of('app.alert(1)') });
    doc.catalog.set(PDFName.of('OpenAction'), doc.context.register(action));
  }
  return Buffer.from(await doc.save({ useObjectStreams: opts.objectStreams ?? false }));
}

/** A PDF whose trailer names an encryption dictionary (what a password-protected PDF has). */
export async function encryptedPdf(): Promise<Buffer> {
  const text = (await pdf()).toString('latin1');
  return Buffer.from(
    text.replace(/trailer\s*<</, (t) => `${t}\n/Encrypt << /Filter /Standard /V 2 /R 3 /Length 128 >>`),
    'latin1',
  );
}

/**
 * A PNG a browser can show (real deflated pixel rows): a pale card with a dark band and a
 * square, like a photographed document. The other builders only need to be well-formed.
 */
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export function picture(width = 240, height = 150, noise = 0): Buffer {
  if (noise) {
    // Sensor noise does not compress: a file as large as a real photo of its size.
    const raw = Buffer.alloc(height * (width * 3 + 1));
    let x = noise >>> 0 || 1;
    for (let i = 0; i < raw.length; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      raw[i] = i % (width * 3 + 1) === 0 ? 0 : x & 0xff;
    }
    const ihdr = [...be32(width), ...be32(height), 8, 2, 0, 0, 0];
    return bytes(
      PNG_SIGNATURE,
      chunk('IHDR', ihdr),
      chunk('IDAT', deflateSync(raw, { level: 1 })),
      chunk('IEND', []),
    );
  }
  const rows: number[] = [];
  for (let y = 0; y < height; y++) {
    rows.push(0); // filter: none
    for (let x = 0; x < width; x++) {
      const band = y > height * 0.15 && y < height * 0.3;
      const square = x > width * 0.08 && x < width * 0.35 && y > height * 0.4 && y < height * 0.85;
      rows.push(...(band ? [11, 79, 138] : square ? [90, 90, 90] : [226, 238, 250]));
    }
  }
  const ihdr = [...be32(width), ...be32(height), 8, 2, 0, 0, 0];
  return bytes(
    PNG_SIGNATURE,
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.from(rows))),
    chunk('IEND', []),
  );
}
