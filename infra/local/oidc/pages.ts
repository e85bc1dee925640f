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
  clientName?: string;
}

export function loginPage(p: LoginPageInput): string {
  return page(
    '登录',
    `<h1>统一身份认证登录</h1>
${p.error ? `<div class="error" role="alert" id="login-error">${esc(p.error)}</div>` : ''}
<form class="panel" method="post" action="${esc(p.action)}" autocomplete="on" novalidate>
  <label for="login">手机号码或用户名</label>
  <input id="login" name="login" value="${esc(p.login)}" autocomplete="username" inputmode="text" autocapitalize="off" spellcheck="false" required maxlength="64"${p.error ? '' : ' autofocus'}>
  <p class="hint">个人用户请使用注册时的手机号码；工作人员使用单位分配的用户名</p>
  <label for="password">密码</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required maxlength="64"${p.error ? ' autofocus' : ''}>
  <button type="submit">登录</button>
  <a class="button secondary" href="${esc(p.abortUrl)}">取消</a>
</form>
<div class="links"><a href="${esc(p.registerUrl)}">没有账号？注册个人账号</a><span class="hint">忘记密码请携带身份证到任一政务服务大厅窗口重置</span></div>
${p.clientName ? `<p class="hint">登录后返回：${esc(p.clientName)}</p>` : ''}`,
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
