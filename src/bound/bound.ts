// The IB bound of a dataset under a label model: what `infoplane bound` writes and what
// `infoplane run --bound` stores. No Node imports.
import type { Dataset } from '../data/dataset.js';
import { ibCurve, IB_DEFAULTS, type IBOptions, type IBPoint } from './ib.js';
import { jointFromDataset, type LabelModel } from './labels.js';

export interface DatasetBound {
  /** Concave, non-decreasing in I(X;T), from (0, 0) to (H(X), I(X;Y)); bits. */
  points: IBPoint[];
  labelModel: LabelModel;
  /** H(Y), I(X;Y) and H(X) of the p(x,y) the bound is for, bits. */
  hY: number; iXY: number; hX: number;
  /** Distinct p(y|x) among the distinct rows: the size of the merged X the algorithm ran on. */
  distinctX: number;
  betaMax: number; betaMin: number; betaStep: number;
  /** Betas that stopped at the iteration cap (their points are still achievable, just not optimal). */
  unconverged: number;
}

export function datasetBound(data: Dataset, labelModel: LabelModel, opts: IBOptions = {}): DatasetBound {
  const o = { ...IB_DEFAULTS, ...opts };
  const c = ibCurve(jointFromDataset(data, labelModel), o);
  return {
    points: c.points, labelModel, hY: c.hY, iXY: c.iXY, hX: c.hX, distinctX: c.distinctX,
    betaMax: o.betaMax, betaMin: o.betaMin, betaStep: o.betaStep,
    unconverged: c.iterations.filter((n) => n >= o.maxIter).length,
  };
}
