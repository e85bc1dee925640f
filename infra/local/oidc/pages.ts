/**
 * Server-rendered pages of the local identity provider: login, sign-out confirmation, signed-out,
 * and errors. Chinese, phone width first, care mode (关怀版) honoured from the portal's own
 * localStorage flag (same origin), no external assets, no script but the one-line care switch.
 */
import { CARE_KEY } from '../../../web/lib/boot.ts';

export const SITE_NAME = '亳州市网上办事大厅';

export function esc(value: unknown): string {
  return String(value ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}

const STYLE = `
:root{--fg:#1f2328;--muted:#4a5260;--bg:#f4f6f9;--surface:#fff;--border:#c9d1dc;--primary:#0b4f8a;--accent:#b42318;--focus:#f5a700;--tap:2.75rem;font-size:100%}
:root[data-care="1"]{font-size:125%;--fg:#000;--muted:#1a1a1a;--bg:#fff;--border:#333;--primary:#003a70;--accent:#8a0000;--tap:3.25rem}
*{box-sizing:border-box}
body{margin:0;font-family:system-ui,-apple-system,"PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC",sans-serif;line-height:1.6;color:var(--fg);background:var(--bg)}
header{background:var(--primary);color:#fff;padding:.75rem 1rem;font-weight:700;font-size:1.125rem}
header a{color:#fff;text-decoration:none}
main{max-width:26rem;margin:0 auto;padding:1rem}
h1{font-size:1.375rem;margin:.5rem 0 1rem}
.panel{background:var(--surface);border:1px solid var(--border);border-radius:.5rem;padding:1rem}
label{display:block;font-weight:600;margin:.75rem 0 .25rem}
input{width:100%;min-height:var(--tap);font:inherit;padding:.5rem .75rem;border:2px solid var(--border);border-radius:.5rem;background:#fff;color:inherit}
.hint{color:var(--muted);font-size:.875rem;margin:.25rem 0 0}
button,.button{display:flex;width:100%;align-items:center;justify-content:center;min-height:var(--tap);margin-top:1rem;font:inherit;font-weight:700;border-radius:.5rem;border:2px solid var(--primary);background:var(--primary);color:#fff;cursor:pointer;text-decoration:none}
.secondary{background:#fff;color:var(--primary)}
.error{border:2px solid var(--accent);border-radius:.5rem;padding:.75rem 1rem;margin-bottom:1rem;background:#fff}
.error::before{content:"⚠ "}
.links{display:flex;justify-content:space-between;flex-wrap:wrap;gap:.5rem;margin-top:1rem}
a{color:var(--primary)}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
.care{background:none;border:0;color:#fff;width:auto;min-height:0;margin:0;float:right;font-weight:400;text-decoration:underline}
details.panel{margin-top:1rem}
summary{cursor:pointer;font-weight:700;color:var(--primary);min-height:var(--tap);display:flex;align-items:center;list-style:none}
summary::-webkit-details-marker{display:none}
summary::before{content:"▸";margin-right:.5rem}
details[open]>summary::before{content:"▾"}
.row{display:flex;gap:.5rem;align-items:stretch}
.row input{flex:1;min-width:0}
.row button{width:auto;flex:none;margin-top:0;padding:0 .75rem;white-space:nowrap}
button:disabled{opacity:.6;cursor:not-allowed}
.status{margin:.5rem 0 0;font-size:.9375rem}
.status.bad{color:var(--accent)}
.links a{display:inline-flex;align-items:center;min-height:var(--tap)}
`;

const CARE_SCRIPT = `try{var d=document.documentElement;if(localStorage.getItem('${CARE_KEY}')==='1')d.dataset.care='1';document.addEventListener('click',function(e){if(e.target&&e.target.id==='care'){var on=d.dataset.care!=='1';if(on)d.dataset.care='1';else delete d.dataset.care;localStorage.setItem('${CARE_KEY}',on?'1':'0')}})}catch(e){}`;

export function page(title: string, body: string, nonce?: string): string {
  const n = nonce ? ` nonce="${esc(nonce)}"` : '';
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<link rel="icon" href="data:,">
<title>${esc(title)} - ${SITE_NAME}</title>
<script${n}>${CARE_SCRIPT}</script>
<style${n}>${STYLE}</style></head>
<body><header><a href="/">${SITE_NAME}</a><button type="button" class="care" id="care">关怀版</button></header>
<main id="main">${body}</main></body></html>`;
}

export interface LoginPageInput {
  action: string;
  abortUrl: string;
  login?: string;
  error?: string;
  /** The portal's registration page. */
  registerUrl: string;
  /** The portal's password reset page (找回密码: SMS code to the account's phone). */
  resetUrl?: string;
  /** Open the SMS-code section (after a lock, or a failed SMS sign-in). */
  sms?: boolean;
  /** The phone of the SMS-code section. */
  phone?: string;
  clientName?: string;
}

/**
 * The SMS-code section's script: asks `POST /api/accounts/codes {purpose: 'login'}` (the public
 * API, same origin) for a code, then counts down before the next request may be made. Without
 * script the password sign-in still works; the section says how to get a code otherwise.
 */
const SMS_SCRIPT = `(function(){var b=document.getElementById('sms-send');if(!b)return;var s=document.getElementById('sms-status');var p=document.getElementById('sms-phone');var t=0;function tick(){if(t>0){b.disabled=true;b.textContent='重新获取（'+t+' 秒）';t--;setTimeout(tick,1000)}else{b.disabled=false;b.textContent='获取验证码'}}b.hidden=false;document.getElementById('sms-noscript').hidden=true;b.addEventListener('click',function(){s.className='status';s.textContent='正在发送……';b.disabled=true;fetch('/api/accounts/codes',{method:'POST',headers:{'content-type':'application/json'},body:JSON.stringify({purpose:'login',phone:p.value})}).then(function(r){return r.json().then(function(j){return{ok:r.ok,j:j}})}).then(function(r){if(r.ok){s.textContent='如该手机号码已注册，验证码已发送至 '+r.j.phone+'，10 分钟内有效';t=r.j.resendAfterSeconds||60;document.getElementById('sms-code').focus()}else{s.className='status bad';s.textContent=(r.j.error&&r.j.error.message)||'发送失败，请稍后再试';var d=r.j.error&&r.j.error.details;t=(d&&d.retryAfterSeconds&&d.retryAfterSeconds<=120)?d.retryAfterSeconds:0}tick()}).catch(function(){s.className='status bad';s.textContent='网络连接失败，请稍后再试';b.disabled=false})})})();`;

export function loginPage(p: LoginPageInput, nonce?: string): string {
  const resetUrl = p.resetUrl ?? '/account/reset/';
  return page(
    '登录',
    `<h1>统一身份认证登录</h1>
${p.error ? `<div class="error" role="alert" id="login-error">${esc(p.error)}</div>` : ''}
<form class="panel" method="post" action="${esc(p.action)}" autocomplete="on" novalidate>
  <label for="login">手机号码或用户名</label>
  <input id="login" name="login" value="${esc(p.login)}" autocomplete="username" inputmode="text" autocapitalize="off" spellcheck="false" required maxlength="64"${p.error || p.sms ? '' : ' autofocus'}>
  <p class="hint">个人用户请使用注册时的手机号码；工作人员使用单位分配的用户名</p>
  <label for="password">密码</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required maxlength="64"${p.error && !p.sms ? ' autofocus' : ''}>
  <button type="submit">登录</button>
  <a class="button secondary" href="${esc(p.abortUrl)}">取消</a>
</form>
<details class="panel" id="sms-login"${p.sms ? ' open' : ''}>
  <summary>短信验证码方式（忘记密码或账户被锁定时可用）</summary>
  <form method="post" action="${esc(p.action)}" novalidate>
    <input type="hidden" name="mode" value="sms">
    <label for="sms-phone">手机号码</label>
    <div class="row">
      <input id="sms-phone" name="phone" value="${esc(p.phone ?? (/^1[3-9]\d{9}$/.test(p.login ?? '') ? p.login : ''))}" inputmode="tel" autocomplete="tel" maxlength="20"${p.sms ? ' autofocus' : ''}>
      <button type="button" id="sms-send" hidden>获取验证码</button>
    </div>
    <p class="status" id="sms-status" role="status" aria-live="polite"></p>
    <p class="hint" id="sms-noscript">获取验证码需要浏览器启用脚本；也可以在门户的“找回密码”页面获取验证码。</p>
    <label for="sms-code">短信验证码</label>
    <input id="sms-code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6">
    <button type="submit">提交验证码</button>
  </form>
</details>
<div class="links"><a href="${esc(p.registerUrl)}">没有账号？注册个人账号</a><a href="${esc(resetUrl)}">忘记密码？找回密码</a></div>
${p.clientName ? `<p class="hint">登录后返回：${esc(p.clientName)}</p>` : ''}
<script${nonce ? ` nonce="${esc(nonce)}"` : ''}>${SMS_SCRIPT}</script>`,
  );
}

export function messagePage(title: string, message: string, link?: { href: string; text: string }): string {
  return page(
    title,
    `<h1>${esc(title)}</h1><div class="panel"><p>${esc(message)}</p>${
      link ? `<a class="button" href="${esc(link.href)}">${esc(link.text)}</a>` : ''
    }</div>`,
  );
}

/** oidc-provider's logout confirmation; `form` is its hidden form (with the xsrf token). */
export function logoutPage(form: string): string {
  return page(
    '退出登录',
    `<h1>退出登录</h1><div class="panel">${form}<p>确定要退出${SITE_NAME}吗？退出后在本设备上需要重新登录。</p>
<button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">确定退出</button>
<button class="secondary" type="submit" form="op.logoutForm">暂不退出</button></div>`,
  );
}
