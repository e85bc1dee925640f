/**
 * E-licences, in process (no cloud): PDF generation (pdf-lib, the CJK font subset, the QR code) —
 * the first one (font read and parsed) and the steady state — its size, and the signature check a
 * verification costs. `npx tsx test/bench/licences.ts` (or `npm run bench -- licences`). The HTTP
 * verification round trip is printed by test/integration/licences.test.ts.
 */
import { performance } from 'node:perf_hooks';
import { canonicalLicence, type LicenceData } from '#domain/licences.ts';
import { median, percentile, printTable } from './stats.ts';

process.env.CURSOR_KEY ??= 'bench-cursor-key-bench-cursor-key';
const { licencePdf } = await import('#functions/licences/pdf.ts');
const { signatureHolds, signLicence } = await import('#functions/licences/keys.ts');

const ROUNDS = 30;
const data = (i: number): LicenceData => ({
  licenceNo: `DZ341602-20260302-${String(i).padStart(6, '0')}`,
  type: '残疾人证',
  holderName: '阿依古丽·买买提',
  holderId: '650102199001016061',
  holderSub: 'bench',
  issuer: '谯城区残疾人联合会',
  issuerCode: '341602-cl',
  itemCode: '11341602MB3027612U-2000145-000',
  itemName: '残疾人证申领',
  caseNo: `341602-20260302-${String(i).padStart(6, '0')}`,
  content: '准予核发残疾人证（肢体 三级）',
  validFrom: '2026-03-02',
  validTo: '2031-03-01',
  issuedAt: '2026-03-02T09:01:00+08:00',
});

const url = 'https://zwfw.example.gov.cn/verify/?h=qiaocheng&no=DZ341602-20260302-000001&s=x';
let t = performance.now();
const first = await licencePdf(data(0), 'sig', 'key', url);
const firstMs = performance.now() - t;
const times: number[] = [];
const sizes: number[] = [];
for (let i = 1; i <= ROUNDS; i++) {
  const d = data(i);
  t = performance.now();
  const { signature, keyId } = signLicence(canonicalLicence(d));
  const pdf = await licencePdf(d, signature, keyId, url);
  times.push(performance.now() - t);
  sizes.push(pdf.bytes.length);
}
const canonical = canonicalLicence(data(1));
const { signature } = signLicence(canonical);
const checks: number[] = [];
for (let i = 0; i < 2000; i++) {
  t = performance.now();
  signatureHolds(canonical, signature);
  checks.push(performance.now() - t);
}
printTable('E-licence PDF and signature', [
  ['CJK font embedded (subset)', first.cjk ? 'yes' : 'NO (font missing)'],
  ['first PDF (font load) ms', Math.round(firstMs)],
  [`PDF ms, median of ${ROUNDS}`, Math.round(median(times))],
  ['PDF ms, p95', Math.round(percentile(times, 95))],
  ['PDF bytes, median', median(sizes)],
  ['signature check µs, median', Math.round(median(checks) * 1000)],
]);
