import { describe, expect, it } from 'vitest';
import { DEFAULT_RETURN, destinationAfterLogin } from '../../web/app/auth/callback/destination.ts';
import { landingFor } from '../../web/lib/auth.ts';

describe('where the sign-in callback goes', () => {
  const to = (returnTo: string, roles: string[]) => destinationAfterLogin(returnTo, roles, landingFor);

  it('back to the page the sign-in started from, whatever the role', () => {
    const caseLink = '/staff/case/?no=QC20260302000001';
    expect(to(caseLink, ['staff'])).toBe(caseLink);
    expect(to('/supervise/', ['supervisor'])).toBe('/supervise/');
    expect(to('/staff/case/?no=X', ['supervisor'])).toBe('/staff/case/?no=X');
    expect(to('/apply/?code=1', ['applicant'])).toBe('/apply/?code=1');
  });

  it('a plain sign-in lands on the role’s own page', () => {
    expect(DEFAULT_RETURN).toBe('/account/');
    expect(to(DEFAULT_RETURN, ['staff'])).toBe('/staff/');
    expect(to(DEFAULT_RETURN, ['supervisor'])).toBe('/supervise/');
    expect(to(DEFAULT_RETURN, ['agent'])).toBe('/agent/');
    expect(to(DEFAULT_RETURN, ['applicant'])).toBe('/account/');
    expect(to(DEFAULT_RETURN, [])).toBe('/account/');
  });
});
