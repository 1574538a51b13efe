// Next's own type references (CSS modules, images), which next-env.d.ts also holds: that file is written by
// `next dev`/`next build` and ignored by git, so a fresh clone's `tsc --noEmit` (npm test) needs them from here.
/// <reference types="next" />
/// <reference types="next/image-types/global" />
