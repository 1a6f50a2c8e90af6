// The wasm core's exports (docs/ABI.md). `npm run build:wasm` also writes their TypeScript
// declarations (build/infoplane.d.ts), which the host imports: the interface is written here once.
import { Net, Layer } from './net';
export { alloc, arena_reset, arena_top } from './memory';
export { rng_seed, rng_next, rng_below, rng_uniform, rng_normal, rng_shuffle, init_truncated_normal } from './rng';
export { act_forward, act_backward } from './activation';
export { dense_forward, dense_backward, dense_forward_q, dense_input_grad_q } from './dense';
export { softmax_ce_forward, softmax_ce_backward } from './softmax';
export { sgd_step, momentum_step, adam_step } from './optim';
export { mi_create, mi_bytes, mi_binned, mi_binned_team, mi_binned_explicit, act_range, ebab_create, ebab_bytes, ebab_edges } from './entropy';
export { net_create, net_bytes, net_init, net_quantize, net_quant_range, net_train_epoch, net_train_epoch_team, net_grad_stats, net_eval, net_eval_team, net_mi_binned, net_params_finite } from './net';
export { thread_init } from './team';
// Threads pay for a network with a layer at least TEAM_MIN_UNITS wide (split by units) or
// TEAM_MIN_PARAMS parameters after its first layer (their optimizer step split by ranges); hosts
// read these.
export { PAR_UNITS as TEAM_MIN_UNITS, PAR_PARAMS as TEAM_MIN_PARAMS } from './net';
export { sort_unique_f32, sort_scratch_bytes } from './sort';
export { kde_create, kde_bytes, kde_mi, kde_mi_team } from './kde';
// Quantized activations (exact information planes): grid rounding, straight-through backward.
export { quantize_forward, quantize_rows, quantize_backward } from './quantize';

// The network header's layout for hosts: byte offsets of the fields a host reads or writes (the
// host's views follow these; see Net and Layer in net.ts). Layer l's block is at
// net + NET_LAYER0 + l * LAYER_SIZE.
export const NET_LAYERS = offsetof<Net>('layers');
export const NET_BATCH = offsetof<Net>('batch');
export const NET_ROWS = offsetof<Net>('rows');
export const NET_ROWS_PAD = offsetof<Net>('rowsPad');
export const NET_CLASSES = offsetof<Net>('classes');
export const NET_INPUTS = offsetof<Net>('inputs');
export const NET_PARAMS = offsetof<Net>('params');
export const NET_PARAM = offsetof<Net>('param');
export const NET_GRAD = offsetof<Net>('grad');
export const NET_X = offsetof<Net>('x');
export const NET_Y = offsetof<Net>('y');
export const NET_IDX = offsetof<Net>('idx');
export const NET_NLL = offsetof<Net>('nll');
export const NET_XR_ROWS = offsetof<Net>('xrRows');
export const NET_QUANT = offsetof<Net>('quant');
export { NET_LAYER0, LAYER_SIZE } from './net';
export const LAYER_IN = offsetof<Layer>('fanIn');
export const LAYER_OUT = offsetof<Layer>('width');
export const LAYER_ACT = offsetof<Layer>('act');
export const LAYER_W = offsetof<Layer>('w');
export const LAYER_B = offsetof<Layer>('b');
export const LAYER_ACT_TRAIN = offsetof<Layer>('actTrain');
export const LAYER_ACT_EVAL = offsetof<Layer>('actEval');
