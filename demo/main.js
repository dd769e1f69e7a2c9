// The demo page: starts the training worker and draws what it posts (curves, confusion matrix,
// filters, activation maps, predictions of the drawing), and runs the convolution visualizer.
// Filters and activation maps are laid out by convkit's viz, the same rasters `convkit train` writes as PNG.
import { data, init, viz } from '../dist/convkit.js';
import { startConvVisualizer } from './conv-viz.js';

const CLASSES = data.FASHION_MNIST_CLASSES;
const SIDE = 28;
const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const option = (name, fallback) => (params.has(name) ? Number(params.get(name)) : fallback);
const options = {
  epochs: option('epochs', 3), batches: option('batches', Infinity), batchSize: option('batchSize', 64),
  learningRate: option('lr', 1e-3), evalEvery: option('evalEvery', 25),
};

const curves = { loss: [], accuracy: [], test: [] };
let testImage = null; // the chosen test image's pixels, from the worker

function setStatus(state, text) {
  $('status').dataset.state = state;
  $('status').textContent = text;
}

// ---- drawing --------------------------------------------------------------------------------

function putRaster(canvas, r) {
  [canvas.width, canvas.height] = [r.width, r.height];
  canvas.getContext('2d').putImageData(new ImageData(new Uint8ClampedArray(r.rgba.buffer, r.rgba.byteOffset, r.rgba.length), r.width, r.height), 0, 0);
}

/** Exponential moving average, so a curve of noisy batch values reads as a trend. */
const smooth = (points, a = 0.9) => {
  let m = null;
  return points.map(([x, y]) => [x, (m = m === null ? y : a * m + (1 - a) * y)]);
};

/** One panel of step-vs-value lines at (x, y, w, h); each series: { name, color, points: [[step, v]] }. */
function plot(ctx, box, title, series, yRange) {
  const all = series.flatMap((s) => s.points);
  const maxStep = Math.max(1, ...all.map((p) => p[0]));
  const [lo, hi] = yRange ?? [0, Math.max(0.1, ...all.map((p) => p[1]))];
  const px = (step) => box.x + 40 + (step / maxStep) * (box.w - 50);
  const py = (v) => box.y + box.h - 20 - ((v - lo) / (hi - lo)) * (box.h - 40);
  ctx.strokeStyle = '#ccc';
  ctx.fillStyle = '#222';
  ctx.font = '12px sans-serif';
  ctx.fillText(title, box.x + 40, box.y + 12);
  for (let k = 0; k <= 4; k++) {
    const v = lo + ((hi - lo) * k) / 4;
    ctx.beginPath();
    ctx.moveTo(px(0), py(v));
    ctx.lineTo(px(maxStep), py(v));
    ctx.stroke();
    ctx.fillText(v.toFixed(2), box.x, py(v) + 4);
  }
  ctx.fillText(`batch ${maxStep}`, px(maxStep) - 60, box.y + box.h - 4);
  series.forEach((s, k) => {
    ctx.strokeStyle = ctx.fillStyle = s.color;
    ctx.lineWidth = 2;
    ctx.beginPath();
    s.points.forEach(([step, v], i) => (i ? ctx.lineTo(px(step), py(v)) : ctx.moveTo(px(step), py(v))));
    ctx.stroke();
    for (const [step, v] of s.points.length < 30 ? s.points : []) ctx.fillRect(px(step) - 2, py(v) - 2, 5, 5);
    ctx.fillText(s.name, box.x + box.w - 110 + k * 50, box.y + 12);
    ctx.lineWidth = 1;
  });
}

function drawCurves() {
  const canvas = $('curves');
  const ctx = canvas.getContext('2d');
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  const half = { y: 0, w: canvas.width / 2 - 10, h: canvas.height };
  plot(ctx, { ...half, x: 0 }, 'loss', [{ name: 'train', color: '#1f77b4', points: smooth(curves.loss) }]);
  plot(ctx, { ...half, x: canvas.width / 2 + 10 }, 'accuracy', [
    { name: 'train', color: '#1f77b4', points: smooth(curves.accuracy) },
    { name: 'test', color: '#ff7f0e', points: curves.test },
  ], [0, 1]);
}

function drawConfusion(confusion) {
  const canvas = $('confusion');
  const ctx = canvas.getContext('2d');
  const [left, top, cell] = [90, 30, 26];
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  ctx.font = '11px sans-serif';
  ctx.fillStyle = '#222';
  ctx.fillText('true class ↓   predicted →', left, 14);
  confusion.forEach((row, i) => {
    const total = row.reduce((a, b) => a + b, 0) || 1;
    ctx.fillStyle = '#222';
    ctx.textAlign = 'right';
    ctx.fillText(CLASSES[i], left - 6, top + i * cell + 17);
    ctx.textAlign = 'center';
    row.forEach((count, j) => {
      const shade = Math.round(255 * (1 - count / total));
      ctx.fillStyle = i === j ? `rgb(${shade}, ${Math.round(200 + shade / 5)}, ${shade})` : `rgb(255, ${shade}, ${shade})`;
      ctx.fillRect(left + j * cell, top + i * cell, cell - 1, cell - 1);
      ctx.fillStyle = count / total > 0.6 ? '#fff' : '#222';
      if (count) ctx.fillText(String(count), left + j * cell + cell / 2, top + i * cell + 17);
    });
    ctx.fillStyle = '#222';
    ctx.fillText(String(i), left + i * cell + cell / 2, top + 10 * cell + 14);
  });
  ctx.textAlign = 'left';
}

function drawProbabilities(probs) {
  const canvas = $('probs');
  const ctx = canvas.getContext('2d');
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  ctx.font = '12px sans-serif';
  const best = probs.indexOf(Math.max(...probs));
  probs.forEach((p, i) => {
    const y = 8 + i * 27;
    ctx.fillStyle = '#222';
    ctx.textAlign = 'right';
    ctx.fillText(CLASSES[i], 86, y + 14);
    ctx.textAlign = 'left';
    ctx.fillStyle = i === best ? '#ff7f0e' : '#1f77b4';
    ctx.fillRect(92, y, Math.max(1, p * 220), 20);
    ctx.fillStyle = '#222';
    ctx.fillText(`${(100 * p).toFixed(1)}%`, 96 + p * 220, y + 14);
  });
}

// ---- the drawing pad ------------------------------------------------------------------------

/** The pad scaled down to 28x28, as pixel values in [0, 1]. */
function padPixels() {
  const small = document.createElement('canvas');
  [small.width, small.height] = [SIDE, SIDE];
  const ctx = small.getContext('2d');
  ctx.drawImage($('draw'), 0, 0, SIDE, SIDE);
  const rgba = ctx.getImageData(0, 0, SIDE, SIDE).data;
  return Float32Array.from({ length: SIDE * SIDE }, (_, i) => rgba[i * 4] / 255);
}

function startDrawingPad(worker) {
  const pad = $('draw');
  const ctx = pad.getContext('2d');
  const clear = () => {
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, pad.width, pad.height);
  };
  clear();
  let last = null;
  const at = (e) => {
    const box = pad.getBoundingClientRect();
    return [((e.clientX - box.left) * pad.width) / box.width, ((e.clientY - box.top) * pad.height) / box.height];
  };
  const predict = () => worker.postMessage({ type: 'predict', pixels: padPixels() });
  pad.addEventListener('pointerdown', (e) => {
    pad.setPointerCapture(e.pointerId);
    last = at(e);
  });
  pad.addEventListener('pointermove', (e) => {
    if (!last) return;
    const next = at(e);
    Object.assign(ctx, { strokeStyle: '#fff', lineWidth: 24, lineCap: 'round' });
    ctx.beginPath();
    ctx.moveTo(...last);
    ctx.lineTo(...next);
    ctx.stroke();
    last = next;
  });
  pad.addEventListener('pointerup', () => {
    last = null;
    predict();
  });
  $('clear').addEventListener('click', clear);
  $('copy').addEventListener('click', () => {
    if (!testImage) return;
    const small = document.createElement('canvas');
    [small.width, small.height] = [SIDE, SIDE];
    const rgba = new Uint8ClampedArray(SIDE * SIDE * 4).map((_, i) => (i % 4 === 3 ? 255 : 255 * testImage[Math.floor(i / 4)]));
    small.getContext('2d').putImageData(new ImageData(rgba, SIDE, SIDE), 0, 0);
    ctx.drawImage(small, 0, 0, pad.width, pad.height);
    predict();
  });
}

// ---- the worker -----------------------------------------------------------------------------

function startTraining() {
  const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  const handlers = {
    ready: (m) => {
      $('image-index').max = String(m.testCount - 1);
      setStatus('training', `Training on ${m.trainCount} images (${m.params.toLocaleString()} parameters), testing on ${m.testCount}…`);
    },
    batch: (m) => {
      curves.loss.push([m.step, m.loss]);
      curves.accuracy.push([m.step, m.accuracy]);
      drawCurves();
      if ($('status').dataset.state === 'training') $('status').textContent = `Training: batch ${m.step}, loss ${m.loss.toFixed(3)}`;
    },
    eval: (m) => {
      curves.test.push([m.step, m.accuracy]);
      drawCurves();
      drawConfusion(m.confusion);
      $('status').dataset.testAccuracy = String(m.accuracy);
    },
    maps: (m) => {
      testImage = m.maps[0].values;
      putRaster($('filters'), viz.filtersRaster(m.filters));
      putRaster($('activations'), viz.activationsRaster(m.maps));
      $('image-label').textContent = `#${m.index}: ${CLASSES[m.label]}`;
    },
    probs: (m) => drawProbabilities(m.probs),
    done: (m) => {
      const accuracy = curves.test[curves.test.length - 1][1];
      setStatus('done', `Done: ${m.step} batches, test accuracy ${(100 * accuracy).toFixed(1)}% on ${m.testCount} images.`);
      $('status').dataset.testAccuracy = String(accuracy);
    },
    error: (m) => setStatus('error', m.message),
  };
  worker.onmessage = ({ data: m }) => handlers[m.type](m);
  worker.onerror = (e) => setStatus('error', e.message ?? 'the worker failed to start');
  worker.postMessage({ type: 'train', options });
  $('image-index').addEventListener('input', (e) => worker.postMessage({ type: 'inspect', index: Number(e.target.value) }));
  return worker;
}

const worker = startTraining();
startDrawingPad(worker);
await init();
startConvVisualizer();
