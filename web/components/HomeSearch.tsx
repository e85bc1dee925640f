'use client';

import { useHalls } from './HallContext.tsx';
import { SearchBox } from './SearchBox.tsx';

/** The home page's search box: suggestions and results in the hall chosen in the header. */
export function HomeSearch() {
  const { hall } = useHalls();
  return <SearchBox hallId={hall?.id} label={hall ? `在${hall.name}搜索办事事项` : '搜索办事事项'} />;
}
