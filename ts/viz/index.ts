export { encodePng, crc32 } from './png.js';
export { curvesPng, niceTicks } from './chart.js';
export type { Panel, Series } from './chart.js';
export { filtersRaster, activationsRaster, filtersPng, activationsPng, featureMaps } from './maps.js';
export type { FeatureMap } from './maps.js';
export type { Raster } from './raster.js';
