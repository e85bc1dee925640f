import type { Metadata } from 'next';
import { SuperviseHome } from './SuperviseHome.tsx';

export const metadata: Metadata = { title: '电子监察', robots: { index: false } };

/** /supervise/ — e-supervision: yellow/red alerts and process findings, with 督办. */
export default function SupervisePage() {
  return (
    <div className="container">
      <h1>电子监察</h1>
      <SuperviseHome />
    </div>
  );
}
