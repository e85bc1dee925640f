/**
 * Materials from the browser: the draft of an item, the checks the browser can make before sending
 * anything (the same rules as the server: functions/domain/materials.ts), the upload straight to the
 * bucket with the presigned POST the API hands out (with progress), and the wait for the verdict.
 */
import {
  checkDeclared,
  type DraftView,
  FORMAT_INFO,
  formatOfName,
  MATERIAL_LIMITS,
  type OpenedFileView,
  rejections,
  type Slot,
  sniffFormat,
  type UploadTicketView,
  type UploadView,
} from '../../functions/domain/materials.ts';
import { ApiError } from './api.ts';
import { authJson } from './auth.ts';

export type {
  CaseMaterialsView,
  DraftView,
  FileView,
  Slot,
  UploadView,
} from '../../functions/domain/materials.ts';

const hallApi = (hallId: string) => `/api/halls/${encodeURIComponent(hallId)}`;

/** The caller's draft of an item; an agent's for the person they file for (`forPerson`). */
export const openDraft = (hallId: string, itemCode: string, forPerson?: string) =>
  authJson<DraftView>(`${hallApi(hallId)}/drafts`, { method: 'POST', body: { itemCode, forPerson } });

export const readDraft = (hallId: string, draftId: string) =>
  authJson<DraftView>(`${hallApi(hallId)}/drafts/${encodeURIComponent(draftId)}`);

export const removeFile = (hallId: string, draftId: string, fileId: string) =>
  authJson<DraftView>(
    `${hallApi(hallId)}/drafts/${encodeURIComponent(draftId)}/files/${encodeURIComponent(fileId)}`,
    {
      method: 'DELETE',
    },
  );

export const caseMaterials = (hallId: string, caseNo: string) =>
  `${hallApi(hallId)}/cases/${encodeURIComponent(caseNo)}/materials`;

/** 补交: where a filed case's applicant asks for the POST of a slot the 补交告知 names. */
export const caseUploads = (hallId: string, caseNo: string) => `${caseMaterials(hallId, caseNo)}/uploads`;

export const openCaseFile = (hallId: string, caseNo: string, fileId: string) =>
  authJson<OpenedFileView>(`${caseMaterials(hallId, caseNo)}/${encodeURIComponent(fileId)}/open`, {
    method: 'POST',
  });

/** What the file input may offer: on a phone, a photo-only slot opens the camera too. */
export function acceptOf(slot: Slot): string {
  return slot.formats
    .flatMap((f) => [...FORMAT_INFO[f].extensions.map((e) => `.${e}`), FORMAT_INFO[f].mime])
    .join(',');
}

/** The content type the API is told: from the extension (phones often send none, or a wrong one). */
const contentTypeOf = (file: File) => {
  const format = formatOfName(file.name);
  return format ? FORMAT_INFO[format].mime : file.type;
};

/** What the browser can tell at once, before anything is sent: the reason, or undefined. */
export async function precheck(slot: Slot, file: File): Promise<string | undefined> {
  const declared = checkDeclared(slot, {
    fileName: file.name,
    contentType: contentTypeOf(file),
    size: file.size,
  });
  if (!declared.ok) return declared.message;
  const head = new Uint8Array(await file.slice(0, 16).arrayBuffer());
  const actual = sniffFormat(head);
  if (!actual || !slot.formats.includes(actual)) return rejections.wrongType(slot.formats).message;
  return undefined;
}

/** S3's refusals of a POST, in the applicant's words. */
function bucketRefusal(status: number, xml: string, slot: Slot): string {
  const code = /<Code>([^<]+)<\/Code>/.exec(xml)?.[1];
  if (code === 'EntityTooLarge') return rejections.tooLarge(slot.maxBytes).message;
  if (code === 'EntityTooSmall') return rejections.empty().message;
  if (/expired/i.test(xml)) return '上传等待时间过长，凭证已过期，请重新上传';
  return `上传没有成功（${code ?? status}），请检查网络后重新上传`;
}

/** The POST itself (XMLHttpRequest: fetch cannot report upload progress). */
function post(ticket: UploadTicketView, file: File, slot: Slot, onProgress: (share: number) => void) {
  return new Promise<void>((resolve, reject) => {
    const form = new FormData();
    for (const [k, v] of Object.entries(ticket.fields)) form.append(k, v);
    form.append('file', file);
    const xhr = new XMLHttpRequest();
    xhr.open('POST', ticket.url);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onload = () =>
      xhr.status >= 200 && xhr.status < 300
        ? resolve()
        : reject(new ApiError(xhr.status, bucketRefusal(xhr.status, xhr.responseText, slot)));
    xhr.onerror = () => reject(new ApiError(0, '网络连接中断，文件没有传完，请重新上传'));
    xhr.send(form);
  });
}

const VERDICT_POLL_MS = 700;
/** Verification takes about a second; a slow one is still told, not waited on forever. */
const VERDICT_WAIT_MS = 90_000;

export type UploadPhase = 'checking' | 'uploading' | 'verifying';

/**
 * One file into one slot: check, ask for a POST, send, wait for the verdict. Resolves with the
 * verdict and the draft as it then is; a refusal before the verdict rejects with its reason.
 */
export async function uploadFile(
  hallId: string,
  draftId: string,
  slot: Slot,
  file: File,
  on: { phase(p: UploadPhase): void; progress(share: number): void },
  /** 补交: the case route that hands out the POST (the verdict still lands in the case's draft). */
  ticketPath = `${hallApi(hallId)}/drafts/${encodeURIComponent(draftId)}/uploads`,
): Promise<{ upload: UploadView; draft: DraftView }> {
  on.phase('checking');
  const problem = await precheck(slot, file);
  if (problem) throw new ApiError(422, problem);
  const ticket = await authJson<UploadTicketView>(ticketPath, {
    method: 'POST',
    body: { slotId: slot.id, fileName: file.name, contentType: contentTypeOf(file), size: file.size },
  });
  on.phase('uploading');
  await post(ticket, file, slot, on.progress);
  on.phase('verifying');
  const until = Date.now() + VERDICT_WAIT_MS;
  for (;;) {
    const draft = await readDraft(hallId, draftId);
    const upload = draft.uploads.find((u) => u.uploadId === ticket.uploadId);
    if (upload && upload.state !== 'verifying') return { upload, draft };
    if (Date.now() > until) throw new ApiError(0, '文件核验时间较长，请稍后刷新本页查看结果');
    await new Promise((r) => setTimeout(r, VERDICT_POLL_MS));
  }
}

export const DRAFT_DAYS = MATERIAL_LIMITS.draftDays;
