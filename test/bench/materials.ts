/**
 * Materials: upload-to-verified latency on the local cloud, in memory. Each round asks the API for a
 * presigned POST, posts the file to the bucket (s3rver behind the front, policy enforced), and waits
 * for the verdict the verifier records on the S3 notification (polled every 10 ms, which bounds the
 * resolution). "Verified" = from the bucket's 204 to the verdict readable through the API; "whole" =
 * from asking for the ticket. `npx tsx test/bench/materials.ts` (or `npm run bench -- materials`).
 */
import { performance } from 'node:perf_hooks';
import { startCloud } from '#infra/local/cloud.ts';
import { callAt } from '../support/client.ts';
import { jpeg, pdf, picture } from '../support/files.ts';
import { askUpload, getDraft, type LocalFile, openDraft, postToBucket } from '../support/materials.ts';
import { median, percentile, printTable } from './stats.ts';

const HALL = 'qiaocheng';
const PASSPORT = '11341602MB7032718G-0100024-000';
// Within the account's 100 uploads a day (5 kinds × (15 + 1 warm-up)).
const ROUNDS = 15;

const cloud = await startCloud({ logLevel: 'ERROR' });
try {
  const http = callAt(cloud.url);
  const token = (
    await http('POST', '/api/dev/token', { body: { username: 'zhangsan', password: 'Demo@2026' } })
  ).body.accessToken as string;
  const draft = await openDraft(token, HALL, PASSPORT, undefined, http);
  const formSlot = draft.slots.find((s) => s.name === '中国公民出入境证件申请表')!;
  const photoSlot = draft.slots.find((s) => s.name === '出入境证件照片')!;
  const kinds: { label: string; slotId: string; file: LocalFile }[] = [
    {
      label: 'PDF, 1 page',
      slotId: formSlot.id,
      file: { name: 'a.pdf', type: 'application/pdf', data: await pdf() },
    },
    {
      label: 'PDF, 40 pages',
      slotId: formSlot.id,
      file: { name: 'b.pdf', type: 'application/pdf', data: await pdf({ pages: 40, objectStreams: true }) },
    },
    {
      label: 'JPEG with GPS',
      slotId: photoSlot.id,
      file: { name: 'c.jpg', type: 'image/jpeg', data: jpeg({ exif: true }) },
    },
    {
      label: 'PNG 1200×900',
      slotId: photoSlot.id,
      file: { name: 'd.png', type: 'image/png', data: picture(1200, 900) },
    },
    {
      label: 'PNG 1280×1280, noise',
      slotId: photoSlot.id,
      file: { name: 'e.png', type: 'image/png', data: picture(1280, 1280, 1) },
    },
  ];

  const verified: Record<string, number[]> = {};
  const whole: Record<string, number[]> = {};
  for (let round = -1; round < ROUNDS; round++) {
    for (const kind of kinds) {
      // Each file differs (a duplicate is refused): a varying tail for PDFs, a fresh photo otherwise.
      const data =
        kind.file.type === 'application/pdf'
          ? await pdf({
              pages: kind.label.includes('40') ? 40 : 1,
              objectStreams: true,
              text: `round ${round}`,
            })
          : kind.label.includes('noise')
            ? picture(1280, 1280, round + 2)
            : kind.file.type === 'image/png'
              ? picture(1200, 900 + round + 1)
              : jpeg({ exif: true, width: 640 + round + 1 });
      const t0 = performance.now();
      const asked = await askUpload(
        token,
        HALL,
        draft.draftId,
        kind.slotId,
        { ...kind.file, size: data.length },
        http,
      );
      if (asked.status !== 201) throw new Error(`ticket: ${asked.status} ${JSON.stringify(asked.body)}`);
      const posted = await postToBucket(asked.body, data);
      if (posted.status !== 204) throw new Error(`POST: ${posted.status} ${posted.text}`);
      const t1 = performance.now();
      let fileId: string | undefined;
      for (;;) {
        const d = (await getDraft(token, HALL, draft.draftId, http)).body;
        const u = d.uploads.find((x) => x.uploadId === asked.body.uploadId);
        if (u && u.state !== 'verifying') {
          if (u.state !== 'accepted') throw new Error(`${kind.label} refused: ${u.reason}`);
          fileId = u.fileId;
          break;
        }
        await new Promise((r) => setTimeout(r, 10));
      }
      const t2 = performance.now();
      // Make room in the slot for the next round.
      await http('DELETE', `/api/halls/${HALL}/drafts/${draft.draftId}/files/${fileId}`, { token });
      if (round < 0) continue; // warm-up: the first invocation of each function compiles it
      verified[kind.label] = [...(verified[kind.label] ?? []), t2 - t1];
      whole[kind.label] = [...(whole[kind.label] ?? []), t2 - t0];
    }
  }
  const all = Object.values(verified).flat();
  printTable(`upload → verified on the local cloud (ms; ${ROUNDS} rounds each, after a warm-up)`, [
    ...kinds.map(
      (k) =>
        [
          `${k.label} (${Math.round(k.file.data.length / 1024)} KiB): median / p90 / whole median`,
          `${median(verified[k.label]).toFixed(0)} / ${percentile(verified[k.label], 90).toFixed(0)} / ${median(whole[k.label]).toFixed(0)}`,
        ] as [string, string],
    ),
    ['all kinds: median', median(all)],
  ]);
} finally {
  await cloud.stop();
}
