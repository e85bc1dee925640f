// Next.js ambient types (CSS modules, images) for `tsc` before any build has written next-env.d.ts.
/// <reference types="next" />
/// <reference types="next/image-types/global" />
