/**
 * The e-licence signing key: Ed25519, its 32-byte seed derived by HKDF-SHA256 from the deployment's
 * secret CURSOR_KEY with its own label, so no second secret has to be passed to every function and
 * the cursor HMAC key and the signing key never coincide. The public key is published (GET
 * /api/halls/{hall}/licences/public-key) so anyone can check a licence offline. In AWS a KMS
 * asymmetric key (the key never leaves KMS) would replace this (not done; README, API: E-licences).
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  hkdfSync,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';
import { env } from '#lib/aws.ts';

/** PKCS#8 DER prefix of an Ed25519 private key; the 32-byte seed follows. */
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');

let keys: { privateKey: KeyObject; publicKey: KeyObject; keyId: string; publicPem: string } | undefined;

function signingKeys() {
  if (!keys) {
    const seed = Buffer.from(
      hkdfSync('sha256', env('CURSOR_KEY'), 'online-hall', 'e-licence-ed25519-v1', 32),
    );
    const privateKey = createPrivateKey({
      key: Buffer.concat([PKCS8_ED25519, seed]),
      format: 'der',
      type: 'pkcs8',
    });
    const publicKey = createPublicKey(privateKey);
    const der = publicKey.export({ format: 'der', type: 'spki' });
    keys = {
      privateKey,
      publicKey,
      keyId: createHash('sha256').update(der).digest('hex').slice(0, 16),
      publicPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    };
  }
  return keys;
}

export function signLicence(canonical: string): { signature: string; keyId: string } {
  const k = signingKeys();
  return {
    signature: sign(null, Buffer.from(canonical), k.privateKey).toString('base64url'),
    keyId: k.keyId,
  };
}

/** Whether `signature` is this deployment's signature over `canonical` (a malformed one is simply no). */
export function signatureHolds(canonical: string, signature: string): boolean {
  const raw = Buffer.from(signature, 'base64url');
  if (raw.length !== 64) return false;
  try {
    return verify(null, Buffer.from(canonical), signingKeys().publicKey, raw);
  } catch {
    return false;
  }
}

export const publicKey = () => ({
  keyId: signingKeys().keyId,
  algorithm: 'Ed25519',
  pem: signingKeys().publicPem,
});
