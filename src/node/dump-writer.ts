// `run --dump-activations DIR`: every logged epoch's layer activations in the dump layout
// (data/dump.ts), with the labels, inputs and metrics, so that `infoplane plane --dump DIR`
// measures exactly what the run measured. dump.json is written last (atomically): a folder
// without it is an unfinished dump.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ExperimentConfig } from '../config/config.js';
import type { Dataset } from '../data/dataset.js';
import { DUMP_ACTIVATIONS, DUMP_FORMAT, fillPattern, METRIC_COLUMNS, type DumpManifest } from '../data/dump.js';
import { encodeNpy } from '../data/npy-write.js';
import type { LoggedHook } from '../train/session.js';
import type { RunRecord } from '../record/schema.js';
import { layerName } from '../record/result.js';
import { writeFileAtomic } from './atomic.js';

/** The folder of network `repeat`: DIR itself for a single network, DIR/rNNNN for several. */
export function dumpDirOf(dir: string, repeat: number, repeats: number): string {
  return repeats === 1 ? dir : join(dir, `r${String(repeat).padStart(4, '0')}`);
}

export class DumpWriter {
  private readonly names: string[];
  private readonly written: number[] = [];
  private buffer = new Float32Array(0);

  constructor(readonly dir: string, readonly config: ExperimentConfig, readonly data: Dataset, readonly seed: number) {
    const L = config.layers.length + 1;
    this.names = Array.from({ length: L }, (_, l) => layerName(l, L));
    mkdirSync(join(dir, dirname(DUMP_ACTIVATIONS)), { recursive: true });
    writeFileSync(join(dir, 'labels.npy'), encodeNpy('<i4', [data.nRows], data.y));
    writeFileSync(join(dir, 'inputs.npy'), encodeNpy('<f4', [data.nRows, data.nInputs], data.X));
  }

  /** The session hook: layer l's f32 [width][stride] becomes [rows][width] in e{epoch}_{layer}.npy. */
  readonly onLogged: LoggedHook = (_k, epoch, layers) => {
    const n = layers.n;
    layers.act.forEach((ptr, l) => {
      const w = layers.width[l];
      if (this.buffer.length < n * w) this.buffer = new Float32Array(n * w);
      const rows = this.buffer.subarray(0, n * w);
      const src = layers.engine.f32(ptr, w * layers.stride);
      for (let u = 0; u < w; u++) for (let r = 0; r < n; r++) rows[r * w + u] = src[u * layers.stride + r];
      writeFileSync(join(this.dir, fillPattern(DUMP_ACTIVATIONS, epoch, this.names[l])), encodeNpy('<f4', [n, w], rows));
    });
    this.written.push(epoch);
  };

  /** metrics.csv and dump.json, once the network is done (a diverged one keeps the epochs it logged). */
  finish(record: RunRecord): void {
    const cols = Object.keys(METRIC_COLUMNS) as (keyof typeof METRIC_COLUMNS)[];
    const lines = [['epoch', ...cols].join(',')];
    this.written.forEach((epoch, k) => lines.push([epoch, ...cols.map((c) => String(record[METRIC_COLUMNS[c]][k]))].join(',')));
    writeFileAtomic(join(this.dir, 'metrics.csv'), lines.join('\n') + '\n');
    const c = this.config;
    const manifest: DumpManifest = {
      format: DUMP_FORMAT, layers: this.names, epochs: this.written, activations: DUMP_ACTIVATIONS,
      labels: 'labels.npy', inputs: 'inputs.npy', metrics: 'metrics.csv',
      source: `infoplane run: ${c.dataset}, ${[this.data.nInputs, ...c.layers, this.data.nClasses].join('-')} ${c.activation}, ` +
        `${c.optimizer} lr ${c.lr}, batch ${c.batch}, seed ${this.seed}`,
      activationFunctions: Object.fromEntries(this.names.map((name, l) => [name, l === this.names.length - 1 ? 'softmax' : c.activation])),
      seed: this.seed,
    };
    writeFileAtomic(join(this.dir, 'dump.json'), JSON.stringify(manifest, null, 1) + '\n');
  }
}
