/**
 * The token issuer of the local cloud's walking skeleton: RS256 JWTs with role claims for the demo
 * accounts, and the JWKS the gateway verifies them against (as API Gateway's JWT authorizer does
 * against Cognito's). The signing key is kept in `.data/` so tokens survive a restart.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import {
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JSONWebKeySet,
  type JWK,
  jwtVerify,
  SignJWT,
} from 'jose';

export const AUDIENCE = 'online-hall-portal';
const ALG = 'RS256';

export class LocalIssuer {
  private constructor(
    readonly issuer: string,
    private readonly privateKey: CryptoKey,
    readonly jwks: JSONWebKeySet,
  ) {}

  static async create(issuer: string, keyFile?: string): Promise<LocalIssuer> {
    let privateJwk: JWK;
    if (keyFile && existsSync(keyFile)) {
      privateJwk = JSON.parse(readFileSync(keyFile, 'utf8'));
    } else {
      const { privateKey } = await generateKeyPair(ALG, { extractable: true });
      privateJwk = { ...(await exportJWK(privateKey)), kid: crypto.randomUUID(), alg: ALG, use: 'sig' };
      if (keyFile) writeFileSync(keyFile, JSON.stringify(privateJwk), { mode: 0o600 });
    }
    const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = privateJwk;
    const privateKey = (await importJWK(privateJwk, ALG)) as CryptoKey;
    return new LocalIssuer(issuer, privateKey, { keys: [publicJwk] });
  }

  sign(claims: Record<string, unknown>, ttlSeconds = 900): Promise<string> {
    return new SignJWT(claims)
      .setProtectedHeader({ alg: ALG, kid: this.jwks.keys[0].kid })
      .setIssuer(this.issuer)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${ttlSeconds}s`)
      .sign(this.privateKey);
  }

  /** What the JWT authorizer checks: signature against the JWKS, issuer, audience, expiry. */
  async verify(token: string): Promise<Record<string, unknown>> {
    const { payload } = await jwtVerify(token, createLocalJWKSet(this.jwks), {
      issuer: this.issuer,
      audience: AUDIENCE,
      algorithms: [ALG],
    });
    return payload as Record<string, unknown>;
  }
}
