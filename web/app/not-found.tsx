import Link from 'next/link';
import { routes } from '../lib/routes.ts';

export default function NotFound() {
  return (
    <div className="container">
      <h1>页面不存在</h1>
      <p>您访问的页面不存在或已调整。</p>
      <p>
        <Link className="button" href={routes.home}>
          返回首页
        </Link>
      </p>
    </div>
  );
}
