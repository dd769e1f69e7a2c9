export { encodePng, crc32 } from './png.js';
export { curvesPng, niceTicks } from './chart.js';
export type { Panel, Series } from './chart.js';
