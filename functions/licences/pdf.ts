/**
 * The e-licence PDF (pdf-lib): the fields, the issuing department, the signature and a QR code of
 * the verification link. Chinese text needs a CJK font: WenQuanYi Micro Hei (Apache-2.0, so it may be
 * embedded) is read from the system's fonts (the local cloud and CI install fonts-wqy-microhei),
 * cut out of its TrueType collection, and embedded as a SUBSET of the glyphs used (@pdf-lib/fontkit),
 * so a licence is a few dozen KB and prints on any machine. Where no such font is found (a Lambda
 * without a font layer) the PDF is still made, with the Chinese fields left out and a note saying so.
 */
import { readFile } from 'node:fs/promises';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, type PDFFont, rgb, StandardFonts } from 'pdf-lib';
import QRCode from 'qrcode';
import { canonicalLicence, type LicenceData } from '#domain/licences.ts';

const FONT_PATHS = [
  '/opt/fonts/wqy-microhei.ttc',
  '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc',
  '/usr/share/fonts/wqy-microhei/wqy-microhei.ttc',
];

/** The first font of a TrueType collection (.ttc) as a standalone .ttf (tables copied, offsets rebased). */
export function firstFontOfCollection(ttc: Buffer): Buffer {
  if (ttc.toString('latin1', 0, 4) !== 'ttcf') return ttc;
  const at = ttc.readUInt32BE(12);
  const numTables = ttc.readUInt16BE(at + 4);
  const headerLength = 12 + 16 * numTables;
  const records = Array.from({ length: numTables }, (_, i) => {
    const r = at + 12 + 16 * i;
    return { record: r, offset: ttc.readUInt32BE(r + 8), length: ttc.readUInt32BE(r + 12) };
  });
  const padded = (n: number) => (n + 3) & ~3;
  const out = Buffer.alloc(headerLength + records.reduce((n, r) => n + padded(r.length), 0));
  ttc.copy(out, 0, at, at + 12);
  let cursor = headerLength;
  records.forEach((r, i) => {
    ttc.copy(out, 12 + 16 * i, r.record, r.record + 16);
    out.writeUInt32BE(cursor, 12 + 16 * i + 8);
    ttc.copy(out, cursor, r.offset, r.offset + r.length);
    cursor += padded(r.length);
  });
  return out;
}

let font: Promise<Buffer | undefined> | undefined;
function cjkFont(): Promise<Buffer | undefined> {
  font ??= (async () => {
    for (const path of FONT_PATHS) {
      const bytes = await readFile(path).catch(() => undefined);
      if (bytes) return firstFontOfCollection(bytes);
    }
    return undefined;
  })();
  return font;
}

export interface LicencePdf {
  bytes: Uint8Array;
  /** false when no CJK font was found: the Chinese fields are missing (see the note in the PDF). */
  cjk: boolean;
}

export async function licencePdf(
  data: LicenceData,
  signature: string,
  keyId: string,
  verifyUrl: string,
): Promise<LicencePdf> {
  const doc = await PDFDocument.create();
  doc.setTitle(`${data.type} ${data.licenceNo}`);
  doc.setProducer('亳州市网上办事大厅');
  doc.setCreationDate(new Date(data.issuedAt));
  doc.setModificationDate(new Date(data.issuedAt));
  // The signed fields ride along (canonical JSON), so a verifier can check the file offline with the
  // published public key, or send them to /verify (`d`): any edited field fails the signature.
  doc.setSubject(JSON.stringify({ licence: canonicalLicence(data), signature, keyId }));
  doc.setKeywords([data.licenceNo]);
  const fontBytes = await cjkFont();
  let text: PDFFont;
  if (fontBytes) {
    doc.registerFontkit(fontkit);
    text = await doc.embedFont(fontBytes, { subset: true });
  } else text = await doc.embedFont(StandardFonts.Helvetica);
  const latin = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage([595.28, 841.89]);
  const ink = rgb(0.1, 0.1, 0.1);
  const red = rgb(0.7, 0.08, 0.08);
  const say = (s: string, x: number, y: number, size = 12, color = ink) =>
    page.drawText(fontBytes ? s : s.replace(/[^\x20-\x7e]/g, '').trim() || '-', {
      x,
      y,
      size,
      font: text,
      color,
    });

  page.drawRectangle({ x: 36, y: 36, width: 523, height: 770, borderColor: red, borderWidth: 2 });
  say('电子证照', 250, 770, 22, red);
  say(data.type, 60, 720, 18);
  const rows: [string, string][] = [
    ['证照编号', data.licenceNo],
    ['持证人', data.holderName],
    ['证件号码', data.holderId],
    ['发证机关', data.issuer],
    ['办理事项', data.itemName],
    ['办件编号', data.caseNo],
    ['有效期限', `${data.validFrom} 至 ${data.validTo}`],
    ['签发时间', data.issuedAt],
    ...(data.content ? ([['准予内容', data.content.slice(0, 60)]] as [string, string][]) : []),
  ];
  rows.forEach(([k, v], i) => {
    say(k, 60, 670 - i * 30, 12, rgb(0.35, 0.35, 0.35));
    say(v, 150, 670 - i * 30, 12);
  });
  const qr = await doc.embedPng(await QRCode.toBuffer(verifyUrl, { type: 'png', margin: 1, width: 220 }));
  page.drawImage(qr, { x: 60, y: 120, width: 150, height: 150 });
  say('扫码核验真伪', 90, 100, 11);
  say('签名（Ed25519）', 240, 250, 10, rgb(0.35, 0.35, 0.35));
  const sig = `${keyId}:${signature}`;
  for (let i = 0; i * 40 < sig.length; i++)
    page.drawText(sig.slice(i * 40, i * 40 + 40), {
      x: 240,
      y: 230 - i * 14,
      size: 9,
      font: latin,
      color: ink,
    });
  if (!fontBytes)
    page.drawText('CJK font unavailable: Chinese fields omitted; verify online.', {
      x: 60,
      y: 60,
      size: 9,
      font: latin,
      color: red,
    });
  return { bytes: await doc.save(), cjk: !!fontBytes };
}
