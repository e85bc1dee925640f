/**
 * The materials bucket: its client (own module, so only the functions that use S3 bundle the S3
 * SDK) and the keys. The server chooses every key: `incoming/<draftId>/<slotId>/<uploadId>` for an
 * upload (the prefix the verifier is notified of), `files/<draftId>/<slotId>/<fileId>.<ext>` for the
 * verified copy staff open. A browser can write only the one incoming key its policy names.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { type FileFormat, FORMAT_INFO } from '#domain/materials.ts';

// Path-style: one S3 origin for every hall's bucket, which the portal's CSP names (infra/constructs/portal-headers.ts).
export const s3 = new S3Client({ forcePathStyle: true });

export const INCOMING = 'incoming/';

export const incomingKey = (draftId: string, slotId: string, uploadId: string) =>
  `${INCOMING}${draftId}/${slotId}/${uploadId}`;

export function parseIncomingKey(
  key: string,
): { draftId: string; slotId: string; uploadId: string } | undefined {
  const m = /^incoming\/([0-9a-f-]{36})\/(m[0-9a-z]{1,7})\/([0-9a-f-]{36})$/.exec(key);
  return m ? { draftId: m[1], slotId: m[2], uploadId: m[3] } : undefined;
}

export const fileKey = (draftId: string, slotId: string, fileId: string, format: FileFormat) =>
  `files/${draftId}/${slotId}/${fileId}.${FORMAT_INFO[format].extensions[0]}`;

/** Tags of a kept file: a draft's files expire with an abandoned draft (infra/resources.ts), a case's never. */
export const STAGE_DRAFT = 'stage=draft';
export const STAGE_CASE = 'stage=case';
