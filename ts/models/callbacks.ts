// Training callbacks (Keras's hooks, each optional and possibly async), the events fit()
// dispatches on model.events, and early stopping.
import { ValueError, expectation } from '../core/errors.js';
import { Variable } from '../core/variable.js';
import type { Logs, Model } from './model.js';

export interface Callback {
  /** Called once before training with the model being trained. */
  setModel?(model: Model): void;
  onTrainBegin?(): void | Promise<void>;
  onTrainEnd?(): void | Promise<void>;
  onEpochBegin?(epoch: number): void | Promise<void>;
  /** logs: loss and metrics averaged over the epoch, and val_* when validating. */
  onEpochEnd?(epoch: number, logs: Logs): void | Promise<void>;
  /** logs: the batch's loss and metrics, and its size. */
  onBatchEnd?(batch: number, logs: Logs): void | Promise<void>;
}

/** fit()'s events on model.events: 'batchEnd' and 'epochEnd', with the same logs as the callbacks. */
export class TrainingEvent extends Event {
  constructor(
    type: 'batchEnd' | 'epochEnd',
    readonly detail: { epoch: number; batch?: number; logs: Logs },
  ) {
    super(type);
  }
}

export interface EarlyStoppingOptions {
  /** The epoch log to watch; default 'val_loss'. */
  monitor?: string;
  /** Epochs without improvement to wait before stopping; default 0. */
  patience?: number;
  /** The least change that counts as an improvement; default 0. */
  minDelta?: number;
  /** 'auto' maximises accuracies and minimises the rest; default 'auto'. */
  mode?: 'auto' | 'min' | 'max';
  /** At the end of training, put back the weights of the best epoch; default false. */
  restoreBestWeights?: boolean;
}

/** Stops fit() when the monitored log has not improved for `patience` epochs. */
export class EarlyStopping implements Callback {
  readonly monitor: string;
  readonly patience: number;
  readonly minDelta: number;
  readonly restoreBestWeights: boolean;
  /** The epoch training stopped at, if it did. */
  stoppedEpoch: number | undefined;
  private readonly sign: 1 | -1;
  private model: Model | undefined;
  private best = Infinity;
  private wait = 0;
  private bestWeights: Variable[] | undefined;

  constructor(options: EarlyStoppingOptions = {}) {
    const op = 'callbacks.earlyStopping';
    this.monitor = options.monitor ?? 'val_loss';
    this.patience = options.patience ?? 0;
    this.minDelta = Math.abs(options.minDelta ?? 0);
    this.restoreBestWeights = options.restoreBestWeights ?? false;
    if (!Number.isInteger(this.patience) || this.patience < 0) {
      throw new ValueError(op, expectation('patience', 'a non-negative integer', JSON.stringify(options.patience)));
    }
    const mode = options.mode ?? 'auto';
    if (mode !== 'auto' && mode !== 'min' && mode !== 'max') throw new ValueError(op, expectation('mode', "'auto', 'min' or 'max'", JSON.stringify(mode)));
    this.sign = mode === 'max' || (mode === 'auto' && this.monitor.includes('acc')) ? -1 : 1;
  }

  setModel(model: Model): void {
    this.model = model;
  }

  onTrainBegin(): void {
    this.best = Infinity;
    this.wait = 0;
    this.stoppedEpoch = undefined;
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    const value = logs[this.monitor];
    if (value === undefined) {
      throw new ValueError('callbacks.earlyStopping', expectation('monitor', `one of the epoch logs (${Object.keys(logs).join(', ')})`, `'${this.monitor}'`));
    }
    // Minimise sign·value: an improvement is a fall of more than minDelta.
    if (this.sign * value < this.best - this.minDelta) {
      this.best = this.sign * value;
      this.wait = 0;
      if (this.restoreBestWeights) this.snapshot();
    } else if (++this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      this.model!.stopTraining = true;
    }
  }

  onTrainEnd(): void {
    if (!this.bestWeights) return;
    this.model!.weights.forEach((w, i) => w.assign(this.bestWeights![i]!));
    for (const w of this.bestWeights) w.dispose();
    this.bestWeights = undefined;
  }

  private snapshot(): void {
    const weights = this.model!.weights;
    if (this.bestWeights) weights.forEach((w, i) => this.bestWeights![i]!.assign(w));
    else this.bestWeights = weights.map((w) => new Variable(w, false, `${w.name}/best`));
  }
}

export function earlyStopping(options: EarlyStoppingOptions = {}): EarlyStopping {
  return new EarlyStopping(options);
}
