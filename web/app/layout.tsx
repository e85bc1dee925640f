import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import { HallProvider } from '../components/HallContext.tsx';
import { ServiceWorker } from '../components/ServiceWorker.tsx';
import { SiteFooter } from '../components/SiteFooter.tsx';
import { SITE_NAME, SiteHeader } from '../components/SiteHeader.tsx';
import { CARE_BOOT_SCRIPT } from '../lib/boot.ts';
import './globals.css';

export const metadata: Metadata = {
  title: { default: SITE_NAME, template: `%s - ${SITE_NAME}` },
  description: '亳州市政务服务网上办事大厅：个人办事、企业办事、部门服务，一次登录，全市通办。',
  // Our own icon, served with the site (some users have no internet access); browsers then ask for
  // no /favicon.ico. The PNGs are for home screens (iOS takes apple-touch-icon, Android the manifest).
  icons: {
    icon: [{ url: '/icon.svg', type: 'image/svg+xml' }],
    apple: [{ url: '/apple-touch-icon.png', sizes: '180x180' }],
  },
  manifest: '/manifest.webmanifest',
  appleWebApp: { capable: true, title: '亳州办事', statusBarStyle: 'default' },
};

export const viewport: Viewport = {
  width: 'device-width',
  initialScale: 1,
  themeColor: '#0b4f8a',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    // The boot script may set data-care before React hydrates; that difference is expected.
    <html lang="zh-CN" suppressHydrationWarning>
      <head>
        {/* biome-ignore lint/security/noDangerouslySetInnerHtml: a constant of ours, needed before first paint */}
        <script dangerouslySetInnerHTML={{ __html: CARE_BOOT_SCRIPT }} />
      </head>
      <body>
        <a className="skip-link" href="#main">
          跳到主要内容
        </a>
        <HallProvider>
          <SiteHeader />
          <main id="main" tabIndex={-1}>
            {children}
          </main>
        </HallProvider>
        <SiteFooter />
        <ServiceWorker />
      </body>
    </html>
  );
}
