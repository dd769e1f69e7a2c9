// The io namespace: where model.save() writes and loadModel() reads, besides directory paths.
export { browserDownloads, browserFiles, indexedDB, memory } from './io.js';
export type { IOHandler, LoadSource, ModelArtifacts, SaveTarget } from './io.js';
