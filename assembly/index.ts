// The wasm core's exports (docs/ABI.md).
export { alloc, arena_reset, arena_top } from './memory';
export { rng_seed, rng_next, rng_below, rng_uniform, rng_normal, rng_shuffle, init_truncated_normal } from './rng';
export { act_forward, act_backward } from './activation';
export { dense_forward, dense_backward } from './dense';
export { softmax_ce_forward, softmax_ce_backward } from './softmax';
export { sgd_step, momentum_step, adam_step } from './optim';
export { mi_create, mi_binned } from './entropy';
export { net_create, net_init, net_field, net_layer_field, net_train_epoch, net_grad_stats, net_eval, net_mi_binned } from './net';
