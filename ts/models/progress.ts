// fit()'s progress where there is a process.stdout (Node, Deno, Bun): on a terminal a bar redrawn
// in place with the running loss, accuracy and samples/s; when piped, one line per epoch.
// Browsers get the same numbers from model.events and the callbacks.
import type { Callback } from './callbacks.js';

export interface ProgressStream {
  isTTY?: boolean;
  write(text: string): unknown;
}

const BAR = 24;
const REDRAW_MS = 100;

function defaultStream(): ProgressStream | undefined {
  return (globalThis as { process?: { stdout?: ProgressStream } }).process?.stdout;
}

/** "Epoch 2/5 [=====>    ] 320/1000 - 0.4s - 812 samples/s - loss: 0.4312 - accuracy: 0.8750" */
export function progressLine(epoch: number, epochs: number, seen: number, samples: number, seconds: number, logs: Record<string, number>, bar: boolean): string {
  const filled = Math.min(BAR, Math.round((BAR * seen) / Math.max(samples, 1)));
  const meter = filled === BAR ? '='.repeat(BAR) : `${'='.repeat(filled)}>${' '.repeat(BAR - filled - 1)}`;
  const rate = seconds > 0 ? Math.round(seen / seconds) : 0;
  const numbers = Object.entries(logs).map(([k, v]) => ` - ${k}: ${v.toFixed(4)}`).join('');
  return `Epoch ${epoch + 1}/${epochs}${bar ? ` [${meter}]` : ''} ${seen}/${samples} - ${seconds.toFixed(1)}s - ${rate} samples/s${numbers}`;
}

export function progressCallback(options: { epochs: number; samples: number }, stream = defaultStream()): Callback {
  const tty = stream?.isTTY === true;
  let epoch = 0;
  let start = 0;
  let lastDraw = 0;
  let seen = 0;
  let sums: Record<string, number> = {};
  const elapsed = () => (performance.now() - start) / 1000;
  const running = (): Record<string, number> => Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, v / Math.max(seen, 1)]));
  return {
    onEpochBegin(e) {
      [epoch, start, lastDraw, seen, sums] = [e, performance.now(), 0, 0, {}];
    },
    onBatchEnd(_batch, { size = 0, ...logs }) {
      seen += size;
      for (const [k, v] of Object.entries(logs)) sums[k] = (sums[k] ?? 0) + v * size;
      if (tty && performance.now() - lastDraw >= REDRAW_MS) {
        lastDraw = performance.now();
        stream!.write(`\r${progressLine(epoch, options.epochs, seen, options.samples, elapsed(), running(), true)}\x1b[K`);
      }
    },
    onEpochEnd(e, logs) {
      stream?.write(`${tty ? '\r' : ''}${progressLine(e, options.epochs, seen, options.samples, elapsed(), logs, tty)}${tty ? '\x1b[K' : ''}\n`);
    },
  };
}
