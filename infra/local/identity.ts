/**
 * The signing keys of the local identity provider and the verification the gateway does with them
 * (as API Gateway's JWT authorizer does against Cognito's JWKS). The provider (infra/local/oidc)
 * signs access tokens with these keys; `POST /api/dev/token` signs with the same key, so the
 * gateway trusts exactly one issuer and one JWKS. The private JWKS is kept in `.data/oidc/` so
 * tokens survive a restart.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JSONWebKeySet,
  type JWK,
  type JWTVerifyGetKey,
  jwtVerify,
  SignJWT,
} from 'jose';

/** The API as a resource (RFC 8707): the audience of every access token the local cloud accepts. */
export const API_AUDIENCE = 'urn:bozhou-hall:api';
/** @deprecated the access tokens' audience is now the API resource; kept for older imports. */
export const AUDIENCE = API_AUDIENCE;
/** RFC 9068 JWT access tokens: an ID token (typ JWT) is never accepted as an access token. */
export const ACCESS_TOKEN_TYP = 'at+jwt';
const ALG = 'RS256';

export class LocalIssuer {
  private readonly keySet: JWTVerifyGetKey;

  private constructor(
    readonly issuer: string,
    private readonly privateKey: CryptoKey,
    /** The private JWK, for the provider's `jwks` configuration. */
    readonly privateJwks: { keys: JWK[] },
    readonly jwks: JSONWebKeySet,
  ) {
    // Built once: verification then costs one RSA signature check, no key import per request.
    this.keySet = createLocalJWKSet(jwks);
  }

  static async create(issuer: string, keyFile?: string): Promise<LocalIssuer> {
    let privateJwk: JWK;
    if (keyFile && existsSync(keyFile)) {
      privateJwk = JSON.parse(readFileSync(keyFile, 'utf8'));
    } else {
      const { privateKey } = await generateKeyPair(ALG, { extractable: true });
      privateJwk = { ...(await exportJWK(privateKey)), kid: crypto.randomUUID(), alg: ALG, use: 'sig' };
      if (keyFile) {
        mkdirSync(dirname(keyFile), { recursive: true });
        writeFileSync(keyFile, JSON.stringify(privateJwk), { mode: 0o600 });
      }
    }
    const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = privateJwk;
    const privateKey = (await importJWK(privateJwk, ALG)) as CryptoKey;
    return new LocalIssuer(issuer, privateKey, { keys: [privateJwk] }, { keys: [publicJwk] });
  }

  /** An access token shaped like the provider's (RFC 9068), for POST /api/dev/token. */
  sign(claims: Record<string, unknown>, ttlSeconds = 600, clientId = 'dev-token'): Promise<string> {
    return new SignJWT({ ...claims, client_id: clientId })
      .setProtectedHeader({ alg: ALG, kid: this.jwks.keys[0].kid, typ: ACCESS_TOKEN_TYP })
      .setIssuer(this.issuer)
      .setAudience(API_AUDIENCE)
      .setIssuedAt()
      .setJti(crypto.randomUUID())
      .setExpirationTime(`${ttlSeconds}s`)
      .sign(this.privateKey);
  }

  /** What the JWT authorizer checks: signature against the JWKS, issuer, audience, expiry, type. */
  async verify(token: string): Promise<Record<string, unknown>> {
    const { payload } = await jwtVerify(token, this.keySet, {
      issuer: this.issuer,
      audience: API_AUDIENCE,
      algorithms: [ALG],
      typ: ACCESS_TOKEN_TYP,
    });
    return payload as Record<string, unknown>;
  }
}
