/**
 * Materials through HTTP, as the portal does it: open a draft, ask for a presigned POST for one
 * slot, POST the file straight to the bucket (multipart, from here), and wait on the verdict the
 * verifier records (the S3 notification runs it) — by asking, not by sleeping. Every helper takes
 * the caller to use last (`callAt(url)` for a test that runs its own cloud).
 */
import type { DraftView, Slot, UploadTicketView, UploadView } from '#domain/materials.ts';
import { type Caller, call, eventually, login } from './client.ts';
import { jpeg, pdf } from './files.ts';

export interface LocalFile {
  name: string;
  type: string;
  data: Uint8Array;
}

type Refused = { error: { code: string; message: string; details?: unknown } };

const hallPath = (hall: string) => `/api/halls/${hall}`;

export async function openDraft(
  token: string,
  hall: string,
  itemCode: string,
  forPerson?: string,
  http: Caller = call,
): Promise<DraftView> {
  const res = await http<DraftView>('POST', `${hallPath(hall)}/drafts`, {
    token,
    body: { itemCode, forPerson },
  });
  if (res.status !== 200 && res.status !== 201)
    throw new Error(`open draft: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export const getDraft = (token: string, hall: string, draftId: string, http: Caller = call) =>
  http<DraftView>('GET', `${hallPath(hall)}/drafts/${draftId}`, { token });

export const askUpload = (
  token: string,
  hall: string,
  draftId: string,
  slotId: string,
  file: Omit<LocalFile, 'data'> & { size: number },
  http: Caller = call,
) =>
  http<UploadTicketView & Refused>('POST', `${hallPath(hall)}/drafts/${draftId}/uploads`, {
    token,
    body: { slotId, fileName: file.name, contentType: file.type, size: file.size },
  });

/** The browser's part: POST the policy's fields and then the file to the bucket. */
export async function postToBucket(
  ticket: UploadTicketView,
  data: Uint8Array,
  fields: Record<string, string> = ticket.fields,
) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append('file', new Blob([new Uint8Array(data)]), 'upload');
  const res = await fetch(ticket.url, { method: 'POST', body: form });
  return { status: res.status, text: await res.text() };
}

/** Waits until the verifier has decided on an upload. */
export function verdict(token: string, hall: string, draftId: string, uploadId: string, http: Caller = call) {
  return eventually<UploadView>(
    async () => {
      const d = await getDraft(token, hall, draftId, http);
      const u = d.body.uploads?.find((x) => x.uploadId === uploadId);
      return u && u.state !== 'verifying' ? u : undefined;
    },
    `verdict on ${uploadId}`,
    30_000,
  );
}

/** Ask, post, wait: the verdict on one file in one slot. */
export async function upload(
  token: string,
  hall: string,
  draftId: string,
  slotId: string,
  file: LocalFile,
  http: Caller = call,
) {
  const asked = await askUpload(token, hall, draftId, slotId, { ...file, size: file.data.length }, http);
  if (asked.status !== 201) throw new Error(`upload ticket: ${asked.status} ${JSON.stringify(asked.body)}`);
  const posted = await postToBucket(asked.body, file.data);
  if (posted.status !== 204) throw new Error(`bucket POST: ${posted.status} ${posted.text}`);
  return verdict(token, hall, draftId, asked.body.uploadId, http);
}

let samples: { pdf: LocalFile; photo: LocalFile } | undefined;

/** A small PDF and a small photo that pass every check. */
export async function sampleFiles() {
  samples ??= {
    pdf: { name: '材料.pdf', type: 'application/pdf', data: await pdf() },
    photo: { name: '照片.jpg', type: 'image/jpeg', data: jpeg({ exif: true }) },
  };
  return samples;
}

/** A file for a slot: the PDF where PDFs are taken, else the photo. */
export async function fileFor(slot: Slot): Promise<LocalFile> {
  const { pdf: doc, photo } = await sampleFiles();
  return slot.formats.includes('pdf') ? doc : photo;
}

/**
 * A draft with one accepted file in every required slot the applicant supplies (what filing
 * needs); its id goes into the filing body as `draftId`. An agent passes the person it files for.
 */
export async function readyDraft(
  token: string,
  hall: string,
  itemCode: string,
  forPerson?: string,
  http: Caller = call,
): Promise<string> {
  const draft = await openDraft(token, hall, itemCode, forPerson, http);
  for (const slot of draft.slots) {
    if (slot.supply !== 'applicant' || !slot.required || slot.deferrable) continue;
    if (draft.files.some((f) => f.slotId === slot.id)) continue;
    const v = await upload(token, hall, draft.draftId, slot.id, await fileFor(slot), http);
    if (v.state !== 'accepted') throw new Error(`sample file refused in ${slot.name}: ${v.reason}`);
  }
  return draft.draftId;
}

const draftsByKey = new Map<string, string>();

/**
 * A filing body with a ready draft of its item added (`draftId`), for tests about something other
 * than materials. The same Idempotency-Key gets the same draft, so a retried filing sends the same
 * body, as the portal does.
 */
export async function withMaterials<B>(
  token: string,
  hall: string,
  body: B,
  key: string,
  forPerson?: string,
  http: Caller = call,
): Promise<B> {
  const itemCode = (body as { itemCode?: unknown } | undefined)?.itemCode;
  if (typeof itemCode !== 'string' || !itemCode) return body;
  const id = `${hall}#${key}`;
  let draftId = draftsByKey.get(id);
  if (!draftId) {
    // An item the hall does not have, or a caller who may not file: the filing itself says so.
    draftId = await readyDraft(token, hall, itemCode, forPerson, http).catch(() => undefined);
    if (!draftId) return body;
    draftsByKey.set(id, draftId);
  }
  return { ...body, draftId };
}

// ---------------------------------------------------------------------------------------------
// A case's staff side, for the materials tests that follow a case past filing (agent, 补正, 证照)

const staffTokens = new Map<string, string>();

/** A token of the hall's demo staff member holding `post` in `dept`. */
export async function staffToken(hall: string, dept: string, post: string): Promise<string> {
  const accounts = (await call('GET', '/api/dev/accounts')).body.accounts as {
    username: string;
    role: string;
    hall?: string;
    dept?: string;
    posts?: string[];
  }[];
  const account = accounts.find(
    (a) => a.role === 'staff' && a.hall === hall && a.dept === dept && a.posts?.includes(post),
  );
  if (!account) throw new Error(`no demo staff for ${dept} ${post}`);
  if (!staffTokens.has(account.username)) staffTokens.set(account.username, await login(account.username));
  return staffTokens.get(account.username)!;
}

/**
 * The staff holding the case's ready task whose id starts with `prefix` takes `action` on it
 * (waiting for the lifecycle to open the task). `reader` may read the case (its applicant).
 */
export async function staffAct(
  reader: string,
  hall: string,
  caseNo: string,
  prefix: string,
  action: string,
  extra: Record<string, unknown> = {},
) {
  const task = await eventually(async () => {
    const d = await call('GET', `${hallPath(hall)}/cases/${caseNo}`, { token: reader });
    return (d.body.tasks as { id: string; ready?: boolean; dept: string; post: string }[] | undefined)?.find(
      (t) => t.id.startsWith(prefix) && t.ready,
    );
  }, `task ${prefix} of ${caseNo}`);
  const token = await staffToken(hall, task.dept, task.post);
  return call('POST', `${hallPath(hall)}/cases/${caseNo}/actions`, {
    token,
    body: { action, taskId: task.id, ...extra },
  });
}
