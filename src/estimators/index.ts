// The estimator registry: every EstimatorDef once. The plane names come from ESTIMATOR_NAMES
// (config/config.ts); the check below fails to compile if the two lists disagree.
import type { EstimatorName, ExperimentConfig } from '../config/config.js';
import type { Engine } from '../engine/engine.js';
import type { Estimator, EstimatorContext, EstimatorDef, PlaneEstimator } from './estimator.js';
import { bin } from './bin.js';
import { adaptive } from './adaptive.js';
import { kde } from './kde.js';
import { binEdges } from './bin-edges.js';
import { exact } from './exact.js';

export type { Estimator, EstimatorContext, EstimatorDef, EstimatorFactory, LayerActivations, Plane, PlaneEstimator, PlanePoint } from './estimator.js';

export const ESTIMATOR_DEFS = [bin, adaptive, kde, binEdges, exact] as const;

// every name of ESTIMATOR_NAMES has an estimator, and no estimator fills an unlisted plane
type Filled = (typeof ESTIMATOR_DEFS)[number]['planes'][number];
const _everyNameFilled: [EstimatorName] extends [Filled] ? true : never = true;
void _everyNameFilled;

/** The estimator that fills `plane`, and the plane's index among its planes. */
export function estimatorOf(plane: string): { def: EstimatorDef; index: number } | undefined {
  for (const def of ESTIMATOR_DEFS) {
    const index = (def.planes as readonly string[]).indexOf(plane);
    if (index >= 0) return { def, index };
  }
  return undefined;
}

/** The estimators of a network: each needed one built once, however many of its planes are asked
 *  for; `fill[i]` says where each of its planes goes in `planes` (-1: not asked for). */
export function createEstimators(planes: readonly string[], config: ExperimentConfig, engine: Engine, ctx: EstimatorContext): { est: Estimator; fill: number[] }[] {
  const out: { def: EstimatorDef; est: Estimator; fill: number[] }[] = [];
  planes.forEach((name, p) => {
    const found = estimatorOf(name);
    if (!found) throw new Error(`unknown estimator "${name}"`);
    let e = out.find((x) => x.def === found.def);
    if (!e) {
      e = { def: found.def, est: found.def.create(config, engine, ctx), fill: found.def.planes.map(() => -1) };
      out.push(e);
    }
    e.fill[found.index] = p;
  });
  return out.map(({ est, fill }) => ({ est, fill }));
}

/** Each plane as an estimator of its own (computing what its estimator computes, keeping one plane). */
export const ESTIMATORS: Readonly<Record<string, (config: ExperimentConfig, engine: Engine, ctx: EstimatorContext) => PlaneEstimator>> = Object.freeze(Object.assign(Object.create(null), Object.fromEntries(
  ESTIMATOR_DEFS.flatMap((def) => def.planes.map((name, index) => [name, (config: ExperimentConfig, engine: Engine, ctx: EstimatorContext): PlaneEstimator => {
    const est = def.create(config, engine, ctx);
    return { name, settings: est.planes[index].settings, measure: (input) => est.measure(input)[index] };
  }])),
)));
