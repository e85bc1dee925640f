/**
 * Application materials (申请材料) as slots: what each item asks for, what a file must be to fill a
 * slot, and why one is refused — in words the applicant reads. Pure and shared: the server derives a
 * case's slots and checks every uploaded file with it (functions/materials/), the portal shows the
 * same slots and runs the cheap checks (name, size, the first bytes) before it uploads anything.
 *
 * A slot is filled by files the applicant uploads; later by an e-licence reference (免提交) or by the
 * department from the data center (部门共享). `SlotFill` already names those kinds so a case can carry
 * them without a change of shape.
 */
import { cleanTextProblem } from './text.ts';

// ---------------------------------------------------------------------------------------------
// Formats and limits

export const FILE_FORMATS = ['pdf', 'jpg', 'png', 'ofd'] as const;
export type FileFormat = (typeof FILE_FORMATS)[number];

export const FORMAT_INFO: Record<FileFormat, { label: string; mime: string; extensions: string[] }> = {
  pdf: { label: 'PDF', mime: 'application/pdf', extensions: ['pdf'] },
  jpg: { label: 'JPG', mime: 'image/jpeg', extensions: ['jpg', 'jpeg'] },
  png: { label: 'PNG', mime: 'image/png', extensions: ['png'] },
  ofd: { label: 'OFD', mime: 'application/ofd', extensions: ['ofd'] },
};

export const MB = 1024 * 1024;

export const MATERIAL_LIMITS = {
  /** No slot may allow more than this per file, whatever the catalogue says. */
  maxFileBytes: 20 * MB,
  maxPdfPages: 100,
  /** Decoded size of an image (a 50-megapixel phone photo still fits; a decompression bomb does not). */
  maxImagePixels: 60_000_000,
  maxImageSide: 16_000,
  /** Files in one draft (one case), over all slots. */
  maxFilesPerDraft: 40,
  /** Upload tickets (presigned POSTs) an account may ask for in 24 hours. */
  uploadsPerDay: 100,
  /** Lifetime of a presigned POST: long enough for 20 MB on a slow phone line, short enough to be useless later. */
  policySeconds: 300,
  fileNameLength: 100,
  /** An abandoned draft (and its files) is removed this long after its last change. */
  draftDays: 30,
} as const;

// ---------------------------------------------------------------------------------------------
// Slots

/** What the catalogue says of one material (functions/catalogue/model.ts `materialSchema`). */
export interface MaterialFacts {
  name: string;
  required: boolean;
  form: '原件' | '复印件' | '电子';
  copies: number;
  /** Where it comes from: 申请人自备, 政府部门核发 (then a department shares it: 部门共享). */
  source: string;
  formTemplate?: string;
  note?: string;
  formats?: readonly FileFormat[];
  maxSizeMb?: number;
  maxFiles?: number;
  /** 容缺受理: the case may be accepted while this material is still owed. */
  deferrable?: boolean;
  /** An e-licence of this type (电子证照库) may stand in for an upload. */
  licenceType?: string;
}

/** Who provides a slot: the applicant uploads, or a department fills it from the data center. */
export type SlotSupply = 'applicant' | 'shared';

export interface Slot {
  /** Stable for a material name (names are unique within an item), so a draft survives a catalogue reload. */
  id: string;
  name: string;
  required: boolean;
  form: MaterialFacts['form'];
  copies: number;
  supply: SlotSupply;
  formats: FileFormat[];
  maxBytes: number;
  maxFiles: number;
  deferrable: boolean;
  licenceType?: string;
  note?: string;
}

/** The issuing source whose materials a department shares (免提交). */
export const SHARED_SOURCE = '政府部门核发';

/** FNV-1a, base 36: a short stable id from a material name. */
function nameHash(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(36);
}

export const slotIdOf = (materialName: string) => `m${nameHash(materialName)}`;
export const SLOT_ID = /^m[0-9a-z]{1,7}$/;

const PHOTO = /照片|相片|免冠/;

/**
 * The defaults a material gets when the catalogue does not say (documented in README, Operating):
 * a photo is an image (JPG/PNG, 5 MB, 2 files); an electronic document may be PDF, OFD or an image
 * (10 MB, 5 files); a paper document (原件/复印件, forms to sign) is scanned into a PDF or photographed
 * page by page (PDF/JPG/PNG, 10 MB, 10 files).
 */
export function materialDefaults(m: Pick<MaterialFacts, 'name' | 'form'>): {
  formats: FileFormat[];
  maxSizeMb: number;
  maxFiles: number;
} {
  if (PHOTO.test(m.name)) return { formats: ['jpg', 'png'], maxSizeMb: 5, maxFiles: 2 };
  if (m.form === '电子') return { formats: ['pdf', 'ofd', 'jpg', 'png'], maxSizeMb: 10, maxFiles: 5 };
  return { formats: ['pdf', 'jpg', 'png'], maxSizeMb: 10, maxFiles: 10 };
}

export function slotOf(m: MaterialFacts): Slot {
  const d = materialDefaults(m);
  const formats = m.formats?.length ? FILE_FORMATS.filter((f) => m.formats!.includes(f)) : d.formats;
  return {
    id: slotIdOf(m.name),
    name: m.name,
    required: m.required,
    form: m.form,
    copies: m.copies,
    supply: m.source === SHARED_SOURCE ? 'shared' : 'applicant',
    formats,
    maxBytes: Math.min((m.maxSizeMb ?? d.maxSizeMb) * MB, MATERIAL_LIMITS.maxFileBytes),
    maxFiles: m.maxFiles ?? d.maxFiles,
    deferrable: m.deferrable ?? false,
    ...(m.licenceType ? { licenceType: m.licenceType } : {}),
    ...(m.note ? { note: m.note } : {}),
  };
}

export const slotsOf = (materials: readonly MaterialFacts[]): Slot[] => materials.map(slotOf);

/** The signed authorisation an agent files with (代办): the item's own 委托书 slot, or this one. */
export const AGENT_MANDATE_MATERIAL: MaterialFacts = {
  name: '代办授权委托书',
  required: true,
  form: '原件',
  copies: 1,
  source: '申请人自备',
  formTemplate: 'mandate',
  note: '被代办人签名（或按手印）的授权委托书，拍照或扫描上传',
};

const isMandate = (m: MaterialFacts) => m.formTemplate === 'mandate' || /委托书/.test(m.name);

/**
 * The slots of a filing. An agent filing for a person (代办) must upload the signed 授权委托书: the
 * item's own 委托书 material becomes required (never 容缺), or the slot is added when the item has none.
 */
export function slotsForFiling(materials: readonly MaterialFacts[], opts: { byAgent: boolean }): Slot[] {
  if (!opts.byAgent) return slotsOf(materials);
  const own = materials.some(isMandate);
  return slotsOf([
    ...materials.map((m) => (isMandate(m) ? { ...m, required: true, deferrable: false } : m)),
    ...(own ? [] : [AGENT_MANDATE_MATERIAL]),
  ]);
}

/** How a slot is filled: files now; an e-licence reference (免提交) or a department's share later. */
export type SlotFill =
  | { kind: 'file'; fileId: string }
  | { kind: 'licence'; licenceNo: string; snapshotHash: string }
  | { kind: 'shared'; deptCode: string };

export interface FilingMaterials {
  /** Required slots the applicant must still fill before filing. */
  missing: Slot[];
  /** Required slots left empty that the item accepts later (容缺受理): the case owes them. */
  owed: Slot[];
}

/** What filing needs from the slots, given how many fills each has. 部门共享 slots are never the applicant's. */
export function filingMaterials(
  slots: readonly Slot[],
  fills: Readonly<Record<string, number>>,
): FilingMaterials {
  const empty = slots.filter((s) => s.supply === 'applicant' && s.required && !(fills[s.id] > 0));
  return { missing: empty.filter((s) => !s.deferrable), owed: empty.filter((s) => s.deferrable) };
}

/** The draft item's counter of the files uploaded again into a slot for the correction `round`. */
export const correctionCounter = (round: number, slotId: string) => `c${round}_${slotId}`;

export const resubmitMessage = (missing: readonly Pick<Slot, 'name'>[]) =>
  `还没有重新上传补交告知列明的材料：${missing.map((s) => `“${s.name}”`).join('、')}。请上传后再提交补交`;

export const missingMessage = (missing: readonly Pick<Slot, 'name'>[]) =>
  `还缺少必需材料：${missing.map((s) => `“${s.name}”`).join('、')}。请上传后再提交`;

export const formatsLabel = (formats: readonly FileFormat[]) =>
  formats.map((f) => FORMAT_INFO[f].label).join('、');

export const sizeLabel = (bytes: number) =>
  bytes >= MB ? `${Math.round((bytes / MB) * 10) / 10} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;

// ---------------------------------------------------------------------------------------------
// Refusals: stable codes, Chinese reasons

export type RejectCode =
  | 'EMPTY'
  | 'TOO_LARGE'
  | 'WRONG_TYPE'
  | 'TYPE_MISMATCH'
  | 'ENCRYPTED'
  | 'ACTIVE_CONTENT'
  | 'TRAILING_DATA'
  | 'SCRIPT_CONTENT'
  | 'CORRUPT'
  | 'TOO_MANY_PAGES'
  | 'IMAGE_TOO_BIG'
  | 'SLOT_FULL'
  | 'DRAFT_CLOSED'
  | 'TICKET_INVALID'
  | 'DUPLICATE'
  | 'CORRECTION_CLOSED';

export interface Rejection {
  code: RejectCode;
  message: string;
}

export const rejections = {
  empty: (): Rejection => ({ code: 'EMPTY', message: '文件是空的（0 字节），请重新选择文件' }),
  tooLarge: (max: number): Rejection => ({
    code: 'TOO_LARGE',
    message: `文件超过 ${sizeLabel(max)}，请压缩、分页或降低清晰度后再上传`,
  }),
  wrongType: (formats: readonly FileFormat[]): Rejection => ({
    code: 'WRONG_TYPE',
    message: `文件内容不是 ${formatsLabel(formats)} 格式（只改扩展名不行），请用手机拍照或另存为 ${formatsLabel(formats)} 后上传`,
  }),
  mismatch: (actual: FileFormat, named: FileFormat): Rejection => ({
    code: 'TYPE_MISMATCH',
    message: `文件实际是 ${FORMAT_INFO[actual].label} 格式，但文件名是 .${FORMAT_INFO[named].extensions[0]}，请改正文件名后上传`,
  }),
  encrypted: (): Rejection => ({
    code: 'ENCRYPTED',
    message: '文件设置了密码或加密，工作人员无法打开。请取消密码后重新上传',
  }),
  activeContent: (): Rejection => ({
    code: 'ACTIVE_CONTENT',
    message: 'PDF 中含有脚本、自动运行或附件内容，出于安全原因不能接收。请用“打印为 PDF”另存后上传',
  }),
  trailing: (): Rejection => ({
    code: 'TRAILING_DATA',
    message:
      '文件末尾夹带了其他数据（不是单纯的图片或文档），不能接收。请关闭“动态照片/实况照片”后重拍，或另存后上传',
  }),
  script: (): Rejection => ({
    code: 'SCRIPT_CONTENT',
    message: '文件中夹带了程序代码，不能接收。请重新拍照或另存后上传',
  }),
  corrupt: (): Rejection => ({
    code: 'CORRUPT',
    message: '文件已损坏或不完整，无法打开。请重新拍照或重新导出后上传',
  }),
  tooManyPages: (max: number): Rejection => ({
    code: 'TOO_MANY_PAGES',
    message: `PDF 超过 ${max} 页，请分成几份上传`,
  }),
  imageTooBig: (): Rejection => ({
    code: 'IMAGE_TOO_BIG',
    message: '图片尺寸过大，请降低分辨率后上传（手机正常拍照即可）',
  }),
  slotFull: (max: number): Rejection => ({
    code: 'SLOT_FULL',
    message: `本项材料最多上传 ${max} 份文件，请先删除不需要的文件`,
  }),
  draftClosed: (): Rejection => ({
    code: 'DRAFT_CLOSED',
    message: '申请已提交，不能再更改材料。需要补交时，请按补交告知上传',
  }),
  ticketInvalid: (): Rejection => ({
    code: 'TICKET_INVALID',
    message: '上传凭证无效或已使用，请重新点击“上传”',
  }),
  correctionClosed: (): Rejection => ({
    code: 'CORRECTION_CLOSED',
    message: '补交告知已办结或这项材料不在告知之列，文件没有收下',
  }),
  duplicate: (): Rejection => ({
    code: 'DUPLICATE',
    message: '与本项已上传的文件完全相同，无需重复上传',
  }),
};

// ---------------------------------------------------------------------------------------------
// What the applicant says about a file before uploading it (the presign request)

export interface DeclaredFile {
  fileName: string;
  contentType: string;
  size: number;
}

export type DeclaredProblemCode =
  | 'FILE_NAME_INVALID'
  | 'FILE_TYPE_NOT_ACCEPTED'
  | 'FILE_EMPTY'
  | 'FILE_TOO_LARGE'
  | 'SLOT_NOT_UPLOADABLE';

export type DeclaredCheck =
  | { ok: true; format: FileFormat; fileName: string }
  | { ok: false; code: DeclaredProblemCode; message: string };

/** Extensions that make a file something other than a document if any program honours them. */
const EXECUTABLE_EXT = new Set(
  (
    'php php3 php4 php5 php7 phtml phar pht asp aspx ashx jsp jspx cgi pl py rb sh bash bat cmd com exe ' +
    'dll msi scr hta js mjs vbs vbe wsf ps1 jar html htm xhtml shtml svg swf'
  ).split(' '),
);

const extensionFormat = (ext: string): FileFormat | undefined =>
  FILE_FORMATS.find((f) => FORMAT_INFO[f].extensions.includes(ext));

/**
 * The file name as the applicant's device gave it: a name, not a path; no control characters; one
 * extension among the slot's formats; no hidden second extension (`证明.php.jpg`). The name is only
 * shown to staff: the storage key is the server's.
 */
export function checkFileName(
  fileName: string,
  formats: readonly FileFormat[],
): { ok: true; format: FileFormat } | { ok: false; code: DeclaredProblemCode; message: string } {
  const bad = (message: string) => ({ ok: false as const, code: 'FILE_NAME_INVALID' as const, message });
  if (fileName.trim() === '' || [...fileName].length > MATERIAL_LIMITS.fileNameLength)
    return bad(`文件名不能为空，也不能超过 ${MATERIAL_LIMITS.fileNameLength} 个字，请改名后上传`);
  // Tabs and line breaks are text in a form, not in a file name.
  if (cleanTextProblem(fileName) || /[\t\n\r]/.test(fileName))
    return bad('文件名含有控制字符或不可见字符，请改名后上传');
  if (/[/\\]/.test(fileName) || fileName.includes('..'))
    return bad('文件名不能包含路径（“/”“\\”或“..”），请改名后上传');
  if (/[<>:"|?*]/.test(fileName)) return bad('文件名不能包含 < > : " | ? * 这些符号，请改名后上传');
  if (/[.\s]$/.test(fileName) || fileName.startsWith('.'))
    return bad('文件名不能以点或空格开头或结尾，请改名后上传');
  const parts = fileName.toLowerCase().split('.');
  if (parts.length < 2) return bad(`文件名缺少扩展名，请上传 ${formatsLabel(formats)} 文件`);
  if (parts.slice(1, -1).some((p) => EXECUTABLE_EXT.has(p.trim())))
    return bad('文件名含有两个扩展名（如 .php.jpg），请改名后上传');
  const format = extensionFormat(parts.at(-1)!);
  if (!format || !formats.includes(format))
    return {
      ok: false,
      code: 'FILE_TYPE_NOT_ACCEPTED',
      message: `本项材料只接受 ${formatsLabel(formats)} 文件`,
    };
  return { ok: true, format };
}

/** The whole presign request for one slot: name, type, size. */
export function checkDeclared(slot: Slot, file: DeclaredFile): DeclaredCheck {
  if (slot.supply === 'shared')
    return { ok: false, code: 'SLOT_NOT_UPLOADABLE', message: '该材料由部门共享获取，无需您提供' };
  const name = checkFileName(file.fileName, slot.formats);
  if (!name.ok) return name;
  if (file.contentType !== FORMAT_INFO[name.format].mime)
    return {
      ok: false,
      code: 'FILE_TYPE_NOT_ACCEPTED',
      message: `文件类型（${file.contentType || '未知'}）与扩展名不符，请上传 ${formatsLabel(slot.formats)} 文件`,
    };
  if (file.size <= 0) return { ok: false, code: 'FILE_EMPTY', ...messageOf(rejections.empty()) };
  if (file.size > slot.maxBytes)
    return { ok: false, code: 'FILE_TOO_LARGE', ...messageOf(rejections.tooLarge(slot.maxBytes)) };
  return { ok: true, format: name.format, fileName: file.fileName.normalize('NFC') };
}

const messageOf = (r: Rejection) => ({ message: r.message });

/** The format for a file name's extension (the portal derives the content type it declares from it). */
export function formatOfName(fileName: string): FileFormat | undefined {
  const ext = fileName.toLowerCase().split('.').at(-1);
  return ext ? extensionFormat(ext) : undefined;
}

// ---------------------------------------------------------------------------------------------
// The bytes: real type by magic bytes, and the structure of each format

const startsWith = (b: Uint8Array, sig: readonly number[], at = 0) =>
  b.length >= at + sig.length && sig.every((v, i) => b[at + i] === v);

const PDF_MAGIC = [0x25, 0x50, 0x44, 0x46, 0x2d]; // %PDF-
const JPEG_MAGIC = [0xff, 0xd8, 0xff];
const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

/** The format the first bytes say, whatever the name claims (an OFD is a ZIP package: see checkOfd). */
export function sniffFormat(b: Uint8Array): FileFormat | undefined {
  if (startsWith(b, PDF_MAGIC)) return 'pdf';
  if (startsWith(b, JPEG_MAGIC)) return 'jpg';
  if (startsWith(b, PNG_MAGIC)) return 'png';
  if (startsWith(b, ZIP_MAGIC)) return 'ofd';
  return undefined;
}

export interface FileFacts {
  format: FileFormat;
  width?: number;
  height?: number;
  /** Bytes past the end of the image that are themselves images or padding (a phone's secondary
   * images, MPF): the stored copy ends here. */
  truncateAt?: number;
}

export type ByteCheck = { ok: true; facts: FileFacts } | { ok: false; rejection: Rejection };

const reject = (rejection: Rejection): ByteCheck => ({ ok: false, rejection });

const latin1 = (b: Uint8Array, from = 0, to = b.length) => {
  let s = '';
  for (let i = from; i < to; i += 8192) s += String.fromCharCode(...b.subarray(i, Math.min(i + 8192, to)));
  return s;
};

/** Markers of server-side or browser script a document or image has no business carrying. */
const SCRIPT_MARKERS = /<\?php|<\?=|<script|<%[@=\s]/i;

function imageTooBig(width: number, height: number) {
  return (
    width > MATERIAL_LIMITS.maxImageSide ||
    height > MATERIAL_LIMITS.maxImageSide ||
    width * height > MATERIAL_LIMITS.maxImagePixels
  );
}

/**
 * Walks a JPEG from SOI to EOI: segment by segment, through the entropy-coded scans. Returns the
 * offset just past EOI and the frame size, or why it is not a sound JPEG.
 */
function walkJpeg(
  b: Uint8Array,
  start: number,
): { end: number; width: number; height: number } | { rejection: Rejection } {
  if (!startsWith(b, [0xff, 0xd8], start)) return { rejection: rejections.corrupt() };
  let i = start + 2;
  let width = 0;
  let height = 0;
  while (i < b.length) {
    if (b[i] !== 0xff) return { rejection: rejections.corrupt() };
    let marker = b[i + 1];
    while (marker === 0xff) marker = b[++i + 1]; // fill bytes
    if (marker === undefined) break;
    i += 2;
    if (marker === 0xd9)
      return width && height ? { end: i, width, height } : { rejection: rejections.corrupt() };
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) continue;
    if (i + 2 > b.length) break;
    const length = (b[i] << 8) | b[i + 1];
    if (length < 2 || i + length > b.length) return { rejection: rejections.corrupt() };
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof && length >= 7) {
      height = (b[i + 3] << 8) | b[i + 4];
      width = (b[i + 5] << 8) | b[i + 6];
      if (imageTooBig(width, height)) return { rejection: rejections.imageTooBig() };
    }
    // Metadata and comments are where a polyglot hides its payload.
    if ((marker >= 0xe0 && marker <= 0xef) || marker === 0xfe) {
      if (SCRIPT_MARKERS.test(latin1(b, i + 2, i + length))) return { rejection: rejections.script() };
    }
    i += length;
    if (marker === 0xda) {
      // Entropy-coded data: FF 00 is a stuffed byte, FF D0–D7 a restart; any other marker ends the scan.
      while (
        i + 1 < b.length &&
        !(b[i] === 0xff && b[i + 1] !== 0x00 && !(b[i + 1] >= 0xd0 && b[i + 1] <= 0xd7))
      )
        i++;
    }
  }
  return { rejection: rejections.corrupt() };
}

export function checkJpeg(b: Uint8Array): ByteCheck {
  const main = walkJpeg(b, 0);
  if ('rejection' in main) return reject(main.rejection);
  // After EOI: zero padding, or further whole JPEGs (a phone's MPF secondary images: gain maps,
  // previews). Anything else — a PHP tail, a ZIP, a video — makes the file something besides a photo.
  let at = main.end;
  while (at < b.length) {
    if (b[at] === 0x00) {
      at++;
      continue;
    }
    if (!startsWith(b, [0xff, 0xd8, 0xff], at)) return reject(rejections.trailing());
    const extra = walkJpeg(b, at);
    if ('rejection' in extra)
      return reject(extra.rejection.code === 'SCRIPT_CONTENT' ? extra.rejection : rejections.trailing());
    at = extra.end;
  }
  return {
    ok: true,
    facts: {
      format: 'jpg',
      width: main.width,
      height: main.height,
      ...(main.end < b.length ? { truncateAt: main.end } : {}),
    },
  };
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(b: Uint8Array, from = 0, to = b.length): number {
  let c = 0xffffffff;
  for (let i = from; i < to; i++) c = CRC_TABLE[(c ^ b[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const u32 = (b: Uint8Array, i: number) =>
  ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;

export function checkPng(b: Uint8Array): ByteCheck {
  if (!startsWith(b, PNG_MAGIC)) return reject(rejections.corrupt());
  let i = 8;
  let width = 0;
  let height = 0;
  let first = true;
  while (i + 12 <= b.length) {
    const length = u32(b, i);
    const type = latin1(b, i + 4, i + 8);
    if (!/^[A-Za-z]{4}$/.test(type) || i + 12 + length > b.length) return reject(rejections.corrupt());
    if (crc32(b, i + 4, i + 8 + length) !== u32(b, i + 8 + length)) return reject(rejections.corrupt());
    if (first && type !== 'IHDR') return reject(rejections.corrupt());
    first = false;
    if (type === 'IHDR') {
      width = u32(b, i + 8);
      height = u32(b, i + 12);
      if (imageTooBig(width, height)) return reject(rejections.imageTooBig());
    }
    if (
      (type === 'tEXt' || type === 'iTXt' || type === 'zTXt') &&
      SCRIPT_MARKERS.test(latin1(b, i + 8, i + 8 + length))
    )
      return reject(rejections.script());
    i += 12 + length;
    if (type === 'IEND') {
      if (i < b.length) return reject(rejections.trailing());
      return width && height
        ? { ok: true, facts: { format: 'png', width, height } }
        : reject(rejections.corrupt());
    }
  }
  return reject(rejections.corrupt());
}

/** PDF names may escape characters as #xx (`/J#61vaScript`); compare names unescaped. */
const unescapeNames = (s: string) =>
  s.replace(/\/[^\s/<>[\]()%{}]*/g, (name) =>
    name.replace(/#([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16))),
  );

/**
 * Names whose presence makes a PDF more than a document: scripts, launching programs, attachments,
 * rich media, XFA forms, sending data out. (/OpenAction and /AA alone only set a view or point at
 * one of these, so they are judged by what they point at.)
 */
export const ACTIVE_PDF_NAMES = [
  'JavaScript',
  'JS',
  'Launch',
  'EmbeddedFile',
  'EmbeddedFiles',
  'RichMedia',
  'XFA',
  'SubmitForm',
  'ImportData',
];
const ACTIVE_NAME = new RegExp(`/(?:${ACTIVE_PDF_NAMES.join('|')})(?=[\\s/<>\\[\\]()%{}]|$)`);

/**
 * What the raw bytes of a PDF show: the header at the very start (no prefix hiding another format),
 * nothing but whitespace after the last %%EOF (no appended ZIP or script), no encryption dictionary,
 * no active content in the uncompressed objects. Objects packed in compressed object streams are
 * read by the server's parser (functions/materials/pdf.ts), which also counts the pages.
 */
export function checkPdfBytes(b: Uint8Array): ByteCheck {
  if (!startsWith(b, PDF_MAGIC) || !/^%PDF-(1\.[0-7]|2\.0)/.test(latin1(b, 0, 8)))
    return reject(rejections.corrupt());
  const text = latin1(b);
  const eof = text.lastIndexOf('%%EOF');
  if (eof < 0) return reject(rejections.corrupt());
  if (!/^[\s\0]*$/.test(text.slice(eof + 5))) return reject(rejections.trailing());
  if (/<\?php/i.test(text)) return reject(rejections.script());
  const names = unescapeNames(text);
  if (/\/Encrypt(?=[\s/<>[\]()%{}]|$)/.test(names)) return reject(rejections.encrypted());
  if (ACTIVE_NAME.test(names)) return reject(rejections.activeContent());
  return { ok: true, facts: { format: 'pdf' } };
}

const u16le = (b: Uint8Array, i: number) => b[i] | (b[i + 1] << 8);
const u32le = (b: Uint8Array, i: number) =>
  (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0;

/**
 * OFD (GB/T 33190) is a ZIP package with OFD.xml at its root. Checked from the central directory:
 * the directory ends the file (no data appended), entry names are plain relative paths, nothing
 * encrypted, no executable entries, OFD.xml present, and a sane unpacked size (no ZIP bomb).
 */
export function checkOfd(b: Uint8Array): ByteCheck {
  if (!startsWith(b, ZIP_MAGIC)) return reject(rejections.corrupt());
  // End of central directory: 22 bytes + comment, within the last 64 KiB.
  let eocd = -1;
  for (let i = b.length - 22; i >= Math.max(0, b.length - 22 - 0xffff); i--) {
    if (u32le(b, i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return reject(rejections.corrupt());
  if (eocd + 22 + u16le(b, eocd + 20) !== b.length) return reject(rejections.trailing());
  const count = u16le(b, eocd + 10);
  let at = u32le(b, eocd + 16);
  if (count === 0 || count > 5000 || at >= eocd) return reject(rejections.corrupt());
  let unpacked = 0;
  let hasRoot = false;
  for (let n = 0; n < count; n++) {
    if (at + 46 > eocd || u32le(b, at) !== 0x02014b50) return reject(rejections.corrupt());
    const flags = u16le(b, at + 8);
    unpacked += u32le(b, at + 24);
    const nameLength = u16le(b, at + 28);
    const name = latin1(b, at + 46, at + 46 + nameLength);
    if (flags & 0x1) return reject(rejections.encrypted());
    if (
      name.startsWith('/') ||
      name.includes('\\') ||
      name.split('/').includes('..') ||
      [...name].some((c) => c.charCodeAt(0) < 0x20)
    )
      return reject(rejections.corrupt());
    const ext = name.toLowerCase().split('.').at(-1) ?? '';
    if (name.includes('.') && EXECUTABLE_EXT.has(ext)) return reject(rejections.script());
    if (name === 'OFD.xml') hasRoot = true;
    at += 46 + nameLength + u16le(b, at + 30) + u16le(b, at + 32);
  }
  if (!hasRoot) return reject(rejections.wrongType(['ofd']));
  if (unpacked > 200 * MB) return reject(rejections.corrupt());
  return { ok: true, facts: { format: 'ofd' } };
}

/**
 * Everything the bytes alone can tell, in order: empty, too large, the real type against the
 * slot's formats and the name's extension, then the format's own structure.
 */
export function checkBytes(
  b: Uint8Array,
  opts: { formats: readonly FileFormat[]; named: FileFormat; maxBytes: number },
): ByteCheck {
  if (b.length === 0) return reject(rejections.empty());
  if (b.length > opts.maxBytes) return reject(rejections.tooLarge(opts.maxBytes));
  const actual = sniffFormat(b);
  if (!actual || !opts.formats.includes(actual)) return reject(rejections.wrongType(opts.formats));
  // JPG and PNG are both "a photo" to most people; a mislabelled image is still that image.
  const images: FileFormat[] = ['jpg', 'png'];
  if (actual !== opts.named && !(images.includes(actual) && images.includes(opts.named)))
    return reject(rejections.mismatch(actual, opts.named));
  switch (actual) {
    case 'pdf':
      return checkPdfBytes(b);
    case 'jpg':
      return checkJpeg(b);
    case 'png':
      return checkPng(b);
    case 'ofd':
      return checkOfd(b);
  }
}

// ---------------------------------------------------------------------------------------------
// API shapes (functions/materials/ answers them, the portal reads them)

export interface FileView {
  fileId: string;
  slotId: string;
  name: string;
  format: FileFormat;
  contentType: string;
  size: number;
  pages?: number;
  width?: number;
  height?: number;
  sha256: string;
  uploadedAt: string;
  /** The applicant removed it before filing (kept for the record, not counted). */
  removed?: boolean;
  /** Uploaded again for the n-th 补交告知 (the earlier files of the slot stay beside it). */
  round?: number;
}

/** One upload as the applicant follows it: checking, then accepted (a file) or rejected (a reason). */
export interface UploadView {
  uploadId: string;
  slotId: string;
  fileName: string;
  state: 'verifying' | 'accepted' | 'rejected';
  reason?: string;
  code?: RejectCode;
  fileId?: string;
}

export interface DraftView {
  draftId: string;
  itemCode: string;
  state: 'open' | 'filing' | 'filed';
  caseNo?: string;
  slots: Slot[];
  files: FileView[];
  /** The last day's uploads, newest first (what the page waits on after an upload). */
  uploads: UploadView[];
  updatedAt: string;
}

/** A presigned POST: the browser posts `fields` and then the file (named `file`) to `url`. */
export interface UploadTicketView {
  uploadId: string;
  url: string;
  fields: Record<string, string>;
  expiresAt: string;
  maxBytes: number;
}

/** One staff open of a file: who, when, which file, which case. */
export interface MaterialOpenView {
  at: string;
  by: string;
  byName: string;
  dept?: string;
  fileId: string;
  fileName: string;
  slotName: string;
}

export interface CaseMaterialsView {
  caseNo: string;
  slots: (Slot & { files: FileView[]; owed: boolean; licence?: LicenceFill })[];
  /**
   * While a 补交告知 runs: its round and the slots to upload again (POST …/materials/uploads); for
   * the applicant also the draft whose uploads carry the verdicts (GET …/drafts/{draftId}).
   */
  correction?: { round: number; slots: string[]; draftId?: string };
  /** Opens of this case's files, newest first; officials only. */
  opens?: MaterialOpenView[];
}

export interface OpenedFileView {
  url: string;
  expiresAt: string;
  contentType: string;
  name: string;
  format: FileFormat;
}

/** What a case keeps of its materials at filing: the draft that holds the files, the slots as checked, what is owed. */
export interface CaseMaterials {
  /** Absent when the item asked the applicant for nothing and no draft was used. */
  draftId?: string;
  slots: Slot[];
  /** Slot ids accepted as owed (容缺受理): the applicant supplies them later. */
  owed: string[];
  /** 免提交: slots filled by reference to an e-licence of the applicant's library (no copy). */
  fills?: Record<string, LicenceFill>;
}

/** A slot filled by an e-licence: which one, and the hash of the signed fields as they were. */
export interface LicenceFill {
  kind: 'licence';
  licenceNo: string;
  type: string;
  validTo: string;
  /** SHA-256 of the licence's canonical fields and signature at filing. */
  snapshotHash: string;
}

/**
 * Whether an e-licence of `type` stands in for a slot: the catalogue's `licenceType`, or else a slot
 * naming that licence (“原残疾人证” takes a 残疾人证).
 */
export const licenceFits = (slot: Pick<Slot, 'name' | 'licenceType'>, type: string) =>
  slot.licenceType ? slot.licenceType === type : slot.name.includes(type);
