import type { Metadata } from 'next';
import { OfflineGuides, ReloadButton } from './OfflineGuides.tsx';

export const metadata: Metadata = { title: '网络未连接', robots: { index: false } };

/** What the service worker shows for a page it cannot fetch and has not kept (web/public/sw.js). */
export default function OfflinePage() {
  return (
    <div className="container">
      <section className="panel" data-testid="offline">
        <h1>网络未连接</h1>
        <p>
          您的手机或电脑现在没有连接网络，这个页面暂时打不开。请检查无线网络或移动数据后，再点“重新加载”。
        </p>
        <p>
          <ReloadButton />
        </p>
        <h2>离线可以查看</h2>
        <p>
          联网时打开过的办事指南，以及登录后查看过的“我的办件”，离线时也可以查看；申请、提交材料需要联网。
        </p>
        <h3>最近浏览的办事指南</h3>
        <OfflineGuides />
        <p>
          急事请拨打政务服务便民热线 <a href="tel:12345">12345</a>。
        </p>
      </section>
    </div>
  );
}
