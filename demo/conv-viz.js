// The convolution visualizer: input, each layer's output and the kernel as grids of numbers, the
// window of one output cell stepping across its input as in a lecture figure, and that cell's
// receptive field traced back through a stack of 1-4 identical layers. Shapes and padding come
// from ops.conv2dGeometry and the values from ops.conv2d, so the picture is the library's own.
import { ops, tensor, tidy } from '../dist/convkit.js';

const CELL = 28;
const GAP = 40;
const TOP = 22;
const COLORS = { grid: '#999', padding: '#eee', field: '#ffd8a8', cell: '#74c0fc', window: '#1c7ed6', text: '#222', faint: '#aaa' };
const $ = (id) => document.getElementById(id);

function readSettings() {
  const int = (id, max) => Math.min(max, Math.max(1, Math.round(Number($(id).value)) || 1));
  const padding = $('cv-padding').value;
  return {
    size: int('cv-size', 16), kernel: int('cv-kernel', 7), stride: int('cv-stride', 4), dilation: int('cv-dilation', 4), layers: int('cv-layers', 4),
    padding: /^\d+$/.test(padding) ? [[+padding, +padding], [+padding, +padding]] : padding,
  };
}

const convOptions = (s) => ({ strides: s.stride, padding: s.padding, dilations: s.dilation });

/** One geometry per layer; each layer's input is the previous layer's output. Throws a ShapeError when it runs out of input. */
function stack(s) {
  const geometries = [];
  let size = s.size;
  for (let l = 0; l < s.layers; l++) {
    const g = ops.conv2dGeometry('conv visualizer', [1, size, size, 1], [s.kernel, s.kernel, 1, 1], convOptions(s));
    geometries.push(g);
    size = g.outH;
  }
  return geometries;
}

const inputValues = (n) => Float32Array.from({ length: n * n }, (_, i) => (Math.floor(i / n) * 3 + (i % n) * 2) % 5);
const kernelValues = (k) => Float32Array.from({ length: k * k }, (_, i) => ((Math.floor(i / k) + 2 * (i % k)) % 3) - 1);

/** The input and every layer's output, computed by convkit. */
function levelValues(s) {
  return tidy(() => {
    const kernel = tensor(kernelValues(s.kernel), [s.kernel, s.kernel, 1, 1]);
    let x = tensor(inputValues(s.size), [1, s.size, s.size, 1]);
    const levels = [x.dataSync()];
    for (let l = 0; l < s.layers; l++) levels.push((x = ops.conv2d(x, kernel, convOptions(s))).dataSync());
    return levels;
  });
}

/** The input cells output cell (y, x) reads; coordinates outside the input are padding. */
function window(g, y, x) {
  const cells = [];
  for (let ky = 0; ky < g.kernelH; ky++) {
    for (let kx = 0; kx < g.kernelW; kx++) cells.push([y * g.strideH - g.padTop + ky * g.dilationH, x * g.strideW - g.padLeft + kx * g.dilationW]);
  }
  return cells;
}

/** For each level, the cells ("y,x") that the chosen cell of the last level depends on. */
function receptiveFields(geometries, y, x) {
  const fields = [new Set([`${y},${x}`])];
  for (let l = geometries.length - 1; l >= 0; l--) {
    const g = geometries[l];
    const below = new Set();
    for (const key of fields[0]) {
      const [cy, cx] = key.split(',').map(Number);
      if (cy < 0 || cx < 0 || cy >= g.outH || cx >= g.outW) continue; // padding depends on nothing
      for (const [iy, ix] of window(g, cy, cx)) below.add(`${iy},${ix}`);
    }
    fields.unshift(below);
  }
  return fields;
}

function drawCell(ctx, x, y, fill, text, color = COLORS.text) {
  ctx.fillStyle = fill;
  ctx.fillRect(x, y, CELL, CELL);
  ctx.strokeStyle = COLORS.grid;
  ctx.lineWidth = 1;
  ctx.strokeRect(x + 0.5, y + 0.5, CELL, CELL);
  ctx.fillStyle = color;
  ctx.font = `${Math.min(12, Math.floor((CELL * 1.7) / Math.max(2, text.length)))}px monospace`;
  ctx.fillText(text, x + CELL / 2, y + CELL / 2 + 1);
}

const label = (v) => String(Math.round(v * 100) / 100);
const term = (v) => (v < 0 ? `(${label(v)})` : label(v));

/** One level's grid at (x0, TOP): its padding cells around it, shading and the outlined window. */
function drawLevel(ctx, x0, { title, size, values, pad, field, fieldColor, outline }) {
  ctx.fillStyle = COLORS.text;
  ctx.font = '13px sans-serif';
  ctx.textAlign = 'left';
  ctx.fillText(title, x0, 14);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  const at = (y, x) => [x0 + (x + pad.left) * CELL, TOP + (y + pad.top) * CELL];
  for (let y = -pad.top; y < size + pad.bottom; y++) {
    for (let x = -pad.left; x < size + pad.right; x++) {
      const inside = y >= 0 && x >= 0 && y < size && x < size;
      const fill = field.has(`${y},${x}`) ? fieldColor : inside ? '#fff' : COLORS.padding;
      drawCell(ctx, ...at(y, x), fill, inside ? label(values[y * size + x]) : '0', inside ? COLORS.text : COLORS.faint);
    }
  }
  ctx.strokeStyle = COLORS.window;
  ctx.lineWidth = 3;
  for (const [y, x] of outline) ctx.strokeRect(...at(y, x), CELL, CELL);
  ctx.textBaseline = 'alphabetic';
}

const noPadding = { top: 0, bottom: 0, left: 0, right: 0 };
const paddingOf = (g) => ({ top: g.padTop, bottom: g.padBottom, left: g.padLeft, right: g.padRight });
/** A grid's width, or its title's when that is wider. */
const levelWidth = (ctx, level) => Math.max((level.pad.left + level.size + level.pad.right) * CELL, ctx.measureText(level.title).width + 8);

function render(state) {
  const { s, geometries, values, step } = state;
  const canvas = $('conv');
  const ctx = canvas.getContext('2d');
  const last = geometries[geometries.length - 1];
  const [oy, ox] = [Math.floor(step / last.outW), step % last.outW];
  const fields = receptiveFields(geometries, oy, ox);
  const levels = [s.size, ...geometries.map((g) => g.outH)].map((size, l) => ({
    size, values: values[l], field: fields[l],
    pad: l < geometries.length ? paddingOf(geometries[l]) : noPadding,
    title: l === 0 ? `input ${size}x${size}` : `layer ${l} output ${size}x${size}`,
    fieldColor: l === geometries.length ? COLORS.cell : COLORS.field,
    outline: l === geometries.length - 1 ? window(last, oy, ox) : [],
  }));
  ctx.font = '13px sans-serif';
  const widths = levels.map((level) => levelWidth(ctx, level));
  const heights = levels.map((v) => (v.pad.top + v.size + v.pad.bottom) * CELL);
  canvas.width = widths.reduce((a, b) => a + b + GAP, 0) + s.kernel * CELL + 2;
  canvas.height = TOP + Math.max(s.kernel * CELL, ...heights) + 2;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  let x0 = 0;
  levels.forEach((level, l) => {
    drawLevel(ctx, x0, level);
    x0 += widths[l] + GAP;
  });
  const kernel = kernelValues(s.kernel);
  drawLevel(ctx, x0, { title: `kernel ${s.kernel}x${s.kernel}`, size: s.kernel, values: kernel, pad: noPadding, field: new Set(), fieldColor: '', outline: [] });

  const span = (axis) => {
    const coords = [...fields[0]].map((key) => Number(key.split(',')[axis]));
    return Math.max(...coords) - Math.min(...coords) + 1;
  };
  const terms = window(last, oy, ox).map(([y, x], i) => {
    const below = values[geometries.length - 1];
    const n = levels[geometries.length - 1].size;
    return `${y >= 0 && x >= 0 && y < n && x < n ? term(below[y * n + x]) : 0}·${term(kernel[i])}`;
  });
  const sum = terms.length <= 9 ? ` = ${terms.join(' + ')}` : '';
  // Away from the borders the field grows by (k - 1)·dilation input steps of the layer below per layer.
  const [full] = geometries.reduce(([rf, jump], g) => [rf + (g.kernelH - 1) * g.dilationH * jump, jump * g.strideH], [1, 1]);
  const [h, w] = [span(0), span(1)];
  $('cv-info').textContent = `layer ${geometries.length} output (${oy}, ${ox})${sum} = ${label(values[geometries.length][step])}; ` +
    `receptive field on the input: ${h}x${w}${h === full && w === full ? '' : ` (${full}x${full} away from the borders)`}`;
}

export function startConvVisualizer() {
  let state = null;
  let timer = null;
  const slider = $('cv-step');
  const show = (step) => {
    if (!state) return;
    const count = Number(slider.max) + 1;
    state.step = ((step % count) + count) % count;
    slider.value = String(state.step);
    render(state);
  };
  const rebuild = () => {
    const s = readSettings();
    try {
      const geometries = stack(s);
      const last = geometries[geometries.length - 1];
      state = { s, geometries, values: levelValues(s), step: 0 };
      slider.max = String(last.outH * last.outW - 1);
      show(0);
    } catch (error) {
      state = null;
      const canvas = $('conv');
      canvas.getContext('2d').clearRect(0, 0, canvas.width, canvas.height);
      $('cv-info').textContent = error.message;
    }
  };
  for (const id of ['cv-size', 'cv-kernel', 'cv-stride', 'cv-padding', 'cv-dilation', 'cv-layers']) $(id).addEventListener('input', rebuild);
  slider.addEventListener('input', () => show(Number(slider.value)));
  $('cv-prev').addEventListener('click', () => show((state?.step ?? 0) - 1));
  $('cv-next').addEventListener('click', () => show((state?.step ?? 0) + 1));
  $('cv-play').addEventListener('click', () => {
    if (timer) [timer, $('cv-play').textContent] = [clearInterval(timer), 'play'];
    else [timer, $('cv-play').textContent] = [setInterval(() => show((state?.step ?? 0) + 1), 700), 'pause'];
  });
  rebuild();
}
