// miOfMatrix: one activation matrix in, its plane point out. No Node imports; the public entry
// (src/index.ts) re-exports it with the rest of the library.
import { DEFAULTS, type Binning, type ExperimentConfig } from './config/config.js';
import { Engine } from './engine/engine.js';
import { ESTIMATORS } from './estimators/index.js';

export interface MiOfMatrixResult { ixt: number; ity: number; n: number; patterns: number; estimator: string; settings: string }

/** I(X;T) and I(T;Y) of one activation matrix (row-major rows x cols) with labels. */
export function miOfMatrix(engine: Engine, data: ArrayLike<number>, rows: number, cols: number, labels: Int32Array,
  options: { estimator?: string; binning?: Binning }
    & Partial<Pick<ExperimentConfig, 'binRangeMode' | 'adaptiveBins' | 'noiseVariance' | 'kdeSamples'>> = {}): MiOfMatrixResult {
  if (labels.length !== rows) throw new RangeError(`${labels.length} labels for ${rows} rows`);
  const name = options.estimator ?? 'bin';
  const make = ESTIMATORS[name];
  if (!make) throw new RangeError(`unknown estimator "${name}"`);
  let K = 0;
  for (let i = 0; i < rows; i++) K = Math.max(K, labels[i] + 1);
  engine.reset();
  const stride = (rows + 3) & ~3;
  const act = engine.alloc(4 * cols * stride), y = engine.alloc(4 * stride);
  const config: ExperimentConfig = { ...DEFAULTS, binning: options.binning ?? DEFAULTS.binning };
  for (const key of ['binRangeMode', 'adaptiveBins', 'noiseVariance', 'kdeSamples'] as const) {
    if (options[key] !== undefined) Object.assign(config, { [key]: options[key] });
  }
  const est = make(config, engine, { maxRows: rows, maxWidth: cols, nClasses: K });
  const a = engine.f32(act, cols * stride);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) a[c * stride + r] = data[r * cols + c];
  engine.i32(y, rows).set(labels);
  const [p] = est.measure({ engine, act: [act], width: [cols], activation: ['unknown'], n: rows, stride, labels: y, nClasses: K });
  return { ixt: p.ixt, ity: p.ity, n: rows, patterns: p.patterns ?? NaN, estimator: name, settings: est.settings };
}
