/**
 * Plain-TypeScript reference implementations of every wasm kernel in docs/ABI.md, used by the
 * tests to check build/infoplane.wasm. No Node imports; float64 unless the contract rounds to f32.
 * See each module's header for its API.
 */
export * from './activations.js';
export * from './dense.js';
export * from './softmax.js';
export * from './optim.js';
export * from './rng.js';
export * from './mi.js';
export * from './mlp.js';
export * from './train.js';
export * from './adaptive.js';
export * from './kde.js';
export * from './quantize.js';
export * from './self-consistency.js';
