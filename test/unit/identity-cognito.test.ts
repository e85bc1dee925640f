/** The Cognito pre-token-generation mapping (functions/identity/cognito.ts): pure, no Cognito here. */
import { describe, expect, it } from 'vitest';
import {
  ACCOUNT_SUB_ATTRIBUTE,
  AccountRefused,
  accessTokenClaims,
  accountSubOf,
  migratedUser,
  preTokenResponse,
  RESERVED_CLAIMS,
} from '#functions/identity/cognito.ts';
import { type Account, tokenClaims } from '#functions/identity/model.ts';
import { principalFromClaims } from '#lib/principal.ts';

const staff: Account = {
  sub: 'acc-1',
  username: 'qiaocheng-gaj-sl',
  passwordHash: 'h',
  roles: ['staff'],
  name: '王受理员',
  status: 'active',
  phone: '13900000001',
  hall: 'qiaocheng',
  dept: '341602-gaj',
  posts: ['受理', '窗口'],
  level: 'county',
  createdAt: '2026-01-01T00:00:00Z',
};

describe('Cognito pre-token generation', () => {
  it('finds the account by the trusted attribute, else by the Cognito sub, never by username', () => {
    expect(accountSubOf({ sub: 'c-1', [ACCOUNT_SUB_ATTRIBUTE]: 'acc-1' })).toBe('acc-1');
    expect(accountSubOf({ sub: 'c-1' })).toBe('c-1');
    expect(accountSubOf({ sub: 'c-1', [ACCOUNT_SUB_ATTRIBUTE]: ' ' })).toBe('c-1');
    expect(accountSubOf({ 'cognito:username': 'operator', preferred_username: 'operator' })).toBeUndefined();
  });

  it('adds our claims to the access token, except the ones Cognito keeps for itself', () => {
    const claims = accessTokenClaims(staff)!;
    const { sub: _sub, ...ours } = tokenClaims(staff);
    expect(claims).toEqual({ ...ours, account_sub: 'acc-1' });
    expect(claims.roles).toEqual(['staff']);
    expect(claims.posts).toEqual(['受理', '窗口']);
    for (const k of Object.keys(claims)) expect(RESERVED_CLAIMS.has(k), k).toBe(false);
    expect(preTokenResponse(claims)).toEqual({
      claimsAndScopeOverrideDetails: { accessTokenGeneration: { claimsToAddOrOverride: claims } },
    });
  });

  it('a Cognito user without an account gets a token without roles', () => {
    expect(accessTokenClaims(undefined)).toBeUndefined();
    expect(preTokenResponse(undefined)).toEqual({ claimsAndScopeOverrideDetails: {} });
  });

  it('a disabled account gets no token at all (the trigger fails the sign-in and the refresh)', () => {
    expect(() => accessTokenClaims({ ...staff, status: 'disabled' })).toThrow(AccountRefused);
    expect(() => accessTokenClaims({ ...staff, status: 'disabled' })).toThrow('账户已停用');
  });

  it('the claims, as API Gateway hands them over, give the staff principal', () => {
    const asStrings = Object.fromEntries(
      Object.entries({ sub: 'c-1', ...accessTokenClaims(staff) }).map(([k, v]) => [
        k,
        Array.isArray(v) ? `[${v.join(' ')}]` : String(v),
      ]),
    );
    expect(principalFromClaims(asStrings)).toMatchObject({
      roles: ['staff'],
      hall: 'qiaocheng',
      dept: '341602-gaj',
      posts: ['受理', '窗口'],
      phone: '13900000001',
    });
    expect(asStrings.account_sub).toBe('acc-1');
  });
});

describe('Cognito user migration', () => {
  it('links the Cognito user to the account and confirms it quietly; refuses a disabled account', () => {
    expect(migratedUser(staff)).toEqual({
      userAttributes: {
        name: '王受理员',
        [ACCOUNT_SUB_ATTRIBUTE]: 'acc-1',
        phone_number: '+8613900000001',
        phone_number_verified: 'true',
      },
      finalUserStatus: 'CONFIRMED',
      messageAction: 'SUPPRESS',
      desiredDeliveryMediums: ['SMS'],
    });
    expect(() => migratedUser({ ...staff, status: 'disabled' })).toThrow(AccountRefused);
  });
});
