// The wasm core's exports (docs/ABI.md).
export { alloc, arena_reset, arena_top } from './memory';
export { rng_seed, rng_next, rng_below, rng_uniform, rng_normal, rng_shuffle, init_truncated_normal } from './rng';
export { act_forward, act_backward } from './activation';
export { dense_forward, dense_backward } from './dense';
export { softmax_ce_forward, softmax_ce_backward } from './softmax';
export { sgd_step, momentum_step, adam_step } from './optim';
export { mi_create, mi_binned } from './entropy';
export { net_create, net_init, net_field, net_layer_field, net_train_epoch, net_grad_stats, net_eval, net_mi_binned, net_params_finite } from './net';
// Rival estimators: binning range, adaptive (EBAB) edges, radix sort, KDE bounds.
export { act_range, ebab_create, ebab_edges } from './entropy';
export { sort_unique_f32, sort_scratch_bytes } from './sort';
export { kde_create, kde_mi } from './kde';
