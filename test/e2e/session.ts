/**
 * Signing in the way a person does: the portal's 登录 sends the browser to the identity provider's
 * own login page (/oidc/interaction/…), the person types their name and password, and the provider
 * sends them back through /auth/callback/ to where they started (or, for officials, their landing
 * page). The session then lives in that tab's sessionStorage.
 */
import type { Locator, Page } from 'playwright-core';

/** Click `trigger` (a portal 登录 button or link), fill the provider's form, wait until back on the portal. */
export async function signIn(page: Page, trigger: Locator, login: string, password = 'Demo@2026') {
  await trigger.click();
  await page.waitForURL(/\/oidc\/interaction\//, { timeout: 10_000 });
  await page.getByLabel('手机号码或用户名').fill(login);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/oidc/') && !u.pathname.startsWith('/auth/'), {
    timeout: 15_000,
  });
}
