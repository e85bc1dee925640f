/**
 * `npm start`: the whole hall on this machine. Data persists under `.data/`;
 * `npm start -- --reset` starts empty and seeds again. `PORT` changes the port (default 3000);
 * `HOST` the interface (default 127.0.0.1: this machine only, since /api/dev/* hands out every demo
 * password and SMS code; see the README before setting HOST=0.0.0.0).
 */
import { resolve } from 'node:path';
import { checkJava, JavaMissingError } from '@online-hall/local-cloud/dynamodb';
import { startCloud } from './cloud.ts';
import { buildPortal, portalIsStale } from './portal-build.ts';

const args = process.argv.slice(2);
const reset = args.includes('--reset');
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST || '127.0.0.1';

try {
  checkJava();
} catch (err) {
  if (err instanceof JavaMissingError) {
    console.error(
      [
        '本地云需要 Java 17 及以上版本（DynamoDB Local 依赖 Java）。请先安装：',
        err.message,
        'then run `npm start` again.',
      ].join('\n'),
    );
    process.exit(1);
  }
  throw err;
}

const started = performance.now();
if (portalIsStale()) buildPortal();
const cloud = await startCloud({
  dataDir: resolve(import.meta.dirname, '../../.data'),
  port,
  host,
  reset,
  logLevel: process.env.LOG_LEVEL ?? 'WARN',
});
const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(
  `网上办事大厅已启动 ${cloud.url}  · 演示账号见 ${cloud.url}/dev/ 或 README  · ${seconds} s  · Ctrl+C 停止`,
);
if (!['127.0.0.1', 'localhost', '::1'].includes(host))
  console.warn(
    `注意：HOST=${host}，本机以外也能访问本地云，包括 /api/dev/（全部演示账号密码、短信验证码、开发时钟）。` +
      ' Listening beyond this machine: anyone who can reach the port can read every demo password and SMS code.',
  );

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    await cloud.stop();
    process.exit(0);
  });
}
