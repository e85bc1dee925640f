import type { Metadata } from 'next';
import { OperateCatalogue } from '../../../components/OperateCatalogue.tsx';

export const metadata: Metadata = { title: '事项目录导入', robots: { index: false } };

/** /operate/catalogue/ — check (dry run) and import a catalogue with its report; versions and rollback. */
export default function OperateCataloguePage() {
  return (
    <div className="container">
      <h1>事项目录导入</h1>
      <OperateCatalogue />
    </div>
  );
}
