/**
 * Proof of work for the public progress query (hashcash on SHA-256). Pure; the server checks a
 * proof with the same function the portal uses to find one, so they cannot disagree.
 *
 * When a case number has drawn many wrong codes, a query for it must carry a nonce such that
 * SHA-256(`<caseNo>|<code>|<challenge>|<nonce>`) starts with `bits` zero bits. The code is part of
 * the input, so every guess costs its own work, while the owner's one query costs a moment of the
 * browser's time: guessing slows down for everyone, and nobody is refused.
 *
 * SHA-256 is written out here because the portal may be served over plain http in a hall's LAN,
 * where browsers offer no WebCrypto; one block takes about a microsecond.
 */

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);
const W = new Int32Array(64);
const H = new Int32Array(8);
const IV = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
/** Reused for messages of one block (up to 55 bytes: every proof), so a try allocates nothing. */
const ONE_BLOCK = new Uint8Array(64);

/** SHA-256 of the first `length` bytes, as 8 big-endian 32-bit words (valid until the next call). */
function digest(bytes: Uint8Array, length: number): Int32Array {
  const blocks = Math.ceil((length + 9) / 64);
  const padded = blocks === 1 ? ONE_BLOCK.fill(0) : new Uint8Array(blocks * 64);
  padded.set(bytes.subarray(0, length));
  padded[length] = 0x80;
  const bitLength = length * 8;
  const end = padded.length;
  const high = Math.floor(bitLength / 2 ** 32);
  const low = bitLength >>> 0;
  for (let i = 0; i < 4; i++) {
    padded[end - 8 + i] = (high >>> (24 - 8 * i)) & 0xff;
    padded[end - 4 + i] = (low >>> (24 - 8 * i)) & 0xff;
  }
  H.set(IV);
  for (let off = 0; off < end; off += 64) {
    for (let i = 0; i < 16; i++) {
      const j = off + i * 4;
      W[i] = (padded[j] << 24) | (padded[j + 1] << 16) | (padded[j + 2] << 8) | padded[j + 3];
    }
    for (let i = 16; i < 64; i++) {
      const a = W[i - 15];
      const b = W[i - 2];
      const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
      const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
      W[i] = (W[i - 16] + s0 + W[i - 7] + s1) | 0;
    }
    let a = H[0];
    let b = H[1];
    let c = H[2];
    let d = H[3];
    let e = H[4];
    let f = H[5];
    let g = H[6];
    let h = H[7];
    for (let i = 0; i < 64; i++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const t1 = (h + S1 + ((e & f) ^ (~e & g)) + K[i] + W[i]) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      h = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    H[0] = (H[0] + a) | 0;
    H[1] = (H[1] + b) | 0;
    H[2] = (H[2] + c) | 0;
    H[3] = (H[3] + d) | 0;
    H[4] = (H[4] + e) | 0;
    H[5] = (H[5] + f) | 0;
    H[6] = (H[6] + g) | 0;
    H[7] = (H[7] + h) | 0;
  }
  return H;
}

/** Hex digest of a UTF-8 string (for tests against known vectors). */
export function sha256Hex(text: string): string {
  const bytes = new TextEncoder().encode(text);
  return Array.from(digest(bytes, bytes.length), (w) => (w >>> 0).toString(16).padStart(8, '0')).join('');
}

function leadingZeroBits(words: Int32Array): number {
  let n = 0;
  for (const w of words) {
    if (w === 0) {
      n += 32;
      continue;
    }
    return n + Math.clz32(w);
  }
  return n;
}

export interface ProofInput {
  caseNo: string;
  /** The normalised query code being tried. */
  code: string;
  /** The server's challenge (which time window the proof was made in). */
  challenge: string;
}

const encoder = new TextEncoder();
const MESSAGE = new Uint8Array(256);

/** The work of one try: the digest of `<caseNo>|<code>|<challenge>|<nonce>`. */
function workOf(p: ProofInput, nonce: string): Int32Array {
  const text = `${p.caseNo}|${p.code}|${p.challenge}|${nonce}`;
  const { read = 0, written = 0 } = encoder.encodeInto(text, MESSAGE);
  if (read < text.length) {
    const bytes = encoder.encode(text);
    return digest(bytes, bytes.length);
  }
  return digest(MESSAGE, written);
}

export function proofHolds(p: ProofInput, nonce: string, bits: number): boolean {
  return leadingZeroBits(workOf(p, nonce)) >= bits;
}

/**
 * Looks for a nonce among `count` candidates from `from` on; undefined if none holds (call again
 * from `from + count`, so a page can stay responsive between rounds). 2^bits tries on average.
 */
export function findProof(p: ProofInput, bits: number, from: number, count: number): string | undefined {
  for (let i = from; i < from + count; i++) {
    const nonce = i.toString(36);
    if (leadingZeroBits(workOf(p, nonce)) >= bits) return nonce;
  }
  return undefined;
}
