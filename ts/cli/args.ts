// `convkit train` flags: parsed and checked into TrainOptions, or a ValueError naming the flag.
import { ValueError } from '../index.js';

export const MODELS = ['cnn', 'lenet'] as const;
export type ModelName = (typeof MODELS)[number];

export interface TrainOptions {
  model: ModelName;
  epochs: number;
  /** A Fashion-MNIST directory; null: the subset bundled in the package. */
  data: string | null;
  out: string;
  batchSize: number;
  seed: number;
  /** Use only the first `limit` samples of each split. */
  limit: number | null;
  learningRate: number;
}

export const DEFAULTS: TrainOptions = {
  model: 'cnn', epochs: 3, data: null, out: 'convkit-out', batchSize: 64, seed: 1, limit: null, learningRate: 1e-3,
};

export const USAGE = `usage: convkit train [options]

Trains a CNN on Fashion-MNIST, prints progress and test accuracy, writes the loss and accuracy
curves (curves.png), the first layer's filters (filters.png), the activation maps of the first
test image at every layer (activations.png) and the model (model/) to the output directory.

  --model NAME          cnn (default: conv3x3x32-pool-conv3x3x64-pool-dense128-dense10) or lenet
  --epochs N            default ${DEFAULTS.epochs}
  --data DIR            Fashion-MNIST IDX files (e.g. /usr/share/datasets/fashion-mnist);
                        default: the 6,000 + 1,000 sample subset bundled in the package
  --out DIR             default ./${DEFAULTS.out}
  --batch-size B        default ${DEFAULTS.batchSize}
  --seed S              default ${DEFAULTS.seed}; same seed, same weights
  --learning-rate LR    Adam's, default ${DEFAULTS.learningRate}
  --limit N             only the first N samples of each split (quick runs)
  -h, --help            this text`;

const FLAGS: Record<string, (value: string, flag: string) => Partial<TrainOptions>> = {
  '--model': (v, f) => ({ model: oneOf(f, v, MODELS) }),
  '--epochs': (v, f) => ({ epochs: positiveInteger(f, v) }),
  '--data': (v) => ({ data: v }),
  '--out': (v) => ({ out: v }),
  '--batch-size': (v, f) => ({ batchSize: positiveInteger(f, v) }),
  '--seed': (v, f) => ({ seed: integer(f, v) }),
  '--learning-rate': (v, f) => ({ learningRate: positiveNumber(f, v) }),
  '--limit': (v, f) => ({ limit: positiveInteger(f, v) }),
};

function invalid(flag: string, expected: string, received: string): ValueError {
  return new ValueError('convkit train', `option '${flag}' expected ${expected}, received ${received}`);
}

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) throw invalid(flag, allowed.join(' or '), `'${value}'`);
  return value as T;
}

function integer(flag: string, value: string): number {
  if (!/^-?\d+$/.test(value)) throw invalid(flag, 'an integer', `'${value}'`);
  return Number(value);
}

function positiveInteger(flag: string, value: string): number {
  const n = integer(flag, value);
  if (n < 1) throw invalid(flag, 'a positive integer', `'${value}'`);
  return n;
}

function positiveNumber(flag: string, value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw invalid(flag, 'a positive number', `'${value}'`);
  return n;
}

/** Flags after `train`, as `--flag value` or `--flag=value`; null when help was asked for. */
export function parseTrainArgs(args: readonly string[]): TrainOptions | null {
  let options = { ...DEFAULTS };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '-h' || arg === '--help') return null;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const parse = FLAGS[flag];
    if (!parse) throw invalid(flag, `one of ${Object.keys(FLAGS).join(' ')}`, `'${arg}'`);
    const value = inline ?? args[++i];
    if (value === undefined) throw invalid(flag, 'a value', 'nothing');
    options = { ...options, ...parse(value, flag) };
  }
  return options;
}
