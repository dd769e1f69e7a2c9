// Renders the suite's JSON reports (bench/results/suite-<runtime>.json) as markdown tables and
// hand-written SVG bar charts: suite.md / suite.svg for one runtime, runtimes.md / runtimes.svg for
// every runtime's report side by side. Used by bench/run.mjs and scripts/readme-bench.mjs.
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { median } from './lib.mjs';

export const RUNTIME_ORDER = ['node', 'deno', 'bun', 'chromium', 'firefox'];

const SHORT = {
  convkit: 'convkit', 'convkit-model': 'convkit trainOnBatch', 'tfjs-wasm': 'tfjs-wasm', 'tfjs-cpu': 'tfjs-cpu',
  ort: 'onnxruntime-web', convnetjs: 'ConvNetJS', pytorch: 'PyTorch',
};
const COLORS = {
  convkit: '#d9480f', 'convkit-model': '#f08c00', 'tfjs-wasm': '#1971c2', 'tfjs-cpu': '#74c0fc',
  ort: '#5f3dc4', convnetjs: '#2b8a3e', pytorch: '#868e96',
};
const name = (lib) => SHORT[lib] ?? lib;

const fixed = (v, digits) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(digits));
const ok = (r) => r && r.ms !== undefined;
/** > 1: convkit is faster. */
const times = (s) => `${s >= 10 ? s.toFixed(0) : s.toFixed(2)}×`;
/** A peer's time over convkit's in one run's row. */
const runSpeedup = (row, lib) => (ok(row.results[lib]) && ok(row.results.convkit) ? row.results[lib].ms / row.results.convkit.ms : null);
/** Over several runs (`medianReport`), the median of the runs' own ratios. */
const speedup = (row, lib) => row.speedups?.[lib] ?? runSpeedup(row, lib);

function cell(section, r) {
  if (!ok(r)) return '–';
  const mark = r.samples === 1 ? '¹' : '';
  return section.metric === 'gflops' ? `${fixed(r.gflops, 2)}${mark}` : `${fixed(r.ms, 1)}${mark}`;
}

function mdTable(header, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map((_, i) => (i === 0 ? ':--' : '--:'))), ...rows.map(line)].join('\n');
}

/** One section's markdown table plus the notes on skipped cells. */
export function sectionMarkdown(section) {
  if (section.skipped) return `*${section.title}: skipped: ${section.skipped}*`;
  if (section.metric === 'custom') return customMarkdown(section);
  const libs = section.libraries;
  const peers = libs.filter((l) => l !== 'convkit');
  const unit = section.metric === 'gflops' ? 'GFLOP/s' : 'ms';
  const header = [
    section.metric === 'gflops' ? 'shape' : 'workload',
    ...libs.map((l) => `${name(l)} ${unit}`),
    ...(section.metric === 'gflops' ? ['convkit % peak'] : []),
    ...peers.map((l) => `vs ${name(l)}`),
  ];
  const rows = section.rows.map((row) => [
    row.name,
    ...libs.map((l) => cell(section, row.results[l])),
    ...(section.metric === 'gflops' ? [ok(row.results.convkit) ? row.results.convkit.percentOfPeak.toFixed(0) + '%' : '–'] : []),
    ...peers.map((l) => {
      const s = speedup(row, l);
      return s === null ? '–' : times(s);
    }),
  ]);
  const notes = [];
  for (const row of section.rows) {
    for (const l of libs) {
      const r = row.results[l];
      if (r?.skipped) notes.push(`${row.name}, ${name(l)}: ${r.skipped}`);
      if (r?.disagrees) notes.push(`${row.name}, ${name(l)}: ${r.disagrees}`);
    }
  }
  const parts = [mdTable(header, rows)];
  const legend = [
    '"vs X" is X\'s time over convkit\'s (> 1: convkit is faster).',
    ...(section.rows.some((row) => libs.some((l) => row.results[l]?.samples === 1)) ? ['¹ one sample.'] : []),
  ];
  parts.push(legend.join(' '));
  if (section.memory) {
    const mb = (b) => (b / 2 ** 20).toFixed(1);
    parts.push(`convkit training step: peak wasm memory ${mb(section.memory.peakWasmBytes)} MiB (the step grew it by ${mb(section.memory.growthBytes)} MiB; weights, Adam state and the batch hold ${mb(section.memory.tensorBytes)} MiB).`);
  }
  const all = [...(section.notes ?? []), ...notes];
  if (all.length) parts.push(all.map((n) => `- ${n}`).join('\n'));
  return parts.join('\n\n');
}

/** Integers as they are, large values without decimals, small ones in scientific notation, the rest to 3 digits. */
function formatNumber(v) {
  if (Number.isInteger(v) || Math.abs(v) >= 100) return v.toFixed(0);
  if (v !== 0 && Math.abs(v) < 1e-3) return v.toExponential(1);
  return v.toPrecision(3);
}

/** Rows of another bench script (bench/fft.mjs, bench/circular.mjs): their fields, objects flattened one level. */
function customMarkdown(section) {
  if (!section.rows.length) return '*no rows*';
  const primitive = (v) => ['string', 'number', 'boolean'].includes(typeof v);
  const flat = section.rows.map((r) => {
    const out = {};
    for (const [k, v] of Object.entries(r)) {
      if (primitive(v)) out[k] = v;
      else if (v && typeof v === 'object' && !Array.isArray(v)) {
        for (const [k2, v2] of Object.entries(v)) if (primitive(v2)) out[`${k}.${k2}`] = v2;
      }
    }
    return out;
  });
  const keys = [...new Set(flat.flatMap((r) => Object.keys(r)))];
  const format = (v) => (typeof v === 'number' ? formatNumber(v) : v === undefined ? '' : String(v));
  const parts = [mdTable(keys, flat.map((r) => keys.map((k) => format(r[k]))))];
  if (section.summary) parts.push(Object.entries(section.summary).map(([k, v]) => `- ${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}`).join('\n'));
  return parts.join('\n\n');
}

/**
 * One report from several runs of the same suite (`--repeat`): every number is its median over the
 * runs (times, rates and the peak alike; rows match by position), everything else the first run's.
 * A row's ratios to convkit are the medians of each run's own ratios (`speedups`): within a run the
 * libraries' samples interleave, so a run that is slow for all of them leaves its ratios alone.
 */
export function medianReport(reports) {
  const merge = (values) => {
    const [first] = values;
    if (typeof first === 'number') return median(values.filter((v) => typeof v === 'number'));
    if (Array.isArray(first)) return first.map((_, i) => merge(values.map((v) => v?.[i])));
    if (first && typeof first === 'object') return Object.fromEntries(Object.keys(first).map((k) => [k, merge(values.map((v) => v?.[k]))]));
    return first;
  };
  const merged = merge(reports);
  merged.sections.forEach((section, s) =>
    section.rows.forEach((row, r) => {
      if (!row.results?.convkit) return; // the FFT and circular rows compare columns of their own
      const runs = reports.map((report) => report.sections[s]?.rows[r]).filter(Boolean);
      row.speedups = Object.fromEntries(Object.keys(row.results).filter((lib) => lib !== 'convkit').flatMap((lib) => {
        const ratios = runs.map((run) => runSpeedup(run, lib)).filter((v) => v !== null);
        return ratios.length ? [[lib, median(ratios)]] : [];
      }));
    }),
  );
  return { ...merged, runs: reports.length };
}

export function describeRun(report) {
  const bits = [
    report.runtimeVersion,
    report.cpu,
    `SIMD128 peak ${report.peak.gflops.toFixed(1)} GFLOP/s (peak_probe)`,
    (report.quick ? '--quick' : 'full run') + (report.runs > 1 ? `, median of ${report.runs} runs` : ''),
    report.date.slice(0, 16).replace('T', ' ') + ' UTC',
  ].filter(Boolean);
  return bits.join('; ');
}

export function methodText(report) {
  const m = report.method;
  const runs = report.runs > 1 ? `; each figure is then the median over ${report.runs} runs of the whole suite (a ratio: the median of the runs' own ratios)` : '';
  const warmup = m.warmupMs ? `${m.warmupCalls} warm-up calls and >= ${m.warmupMs} ms of them` : `${m.warmupCalls} warm-up calls`;
  return `Medians of ${m.samples} interleaved samples of >= ${m.minSampleMs} ms each after ${warmup}${runs}; ` +
    `tfjs-cpu and ConvNetJS timed apart (${report.slowPeers.samples} sample(s), ${report.slowPeers.maxCallMs} ms budget per call); ` +
    `outputs agree with convkit's to ${report.agreementRtol} of max |y| before timing; one thread everywhere.${peakText(report)}`;
}

/** How % of peak was measured, with the range the per-row probe read over the rows. */
function peakText(report) {
  const rates = report.sections.flatMap((s) => s.rows.map((r) => r.peakGflops)).filter((v) => typeof v === 'number');
  if (!rates.length) return '';
  const range = `${Math.min(...rates).toFixed(1)}-${Math.max(...rates).toFixed(1)}`;
  return ` % of peak: against peak_probe timed among the same row's samples (${range} GFLOP/s over the rows).`;
}

export function suiteMarkdown(report) {
  const parts = [`# Benchmark suite: ${report.runtime}`, '', describeRun(report), '', methodText(report), ''];
  for (const section of report.sections) parts.push(`## ${section.title}`, '', sectionMarkdown(section), '');
  parts.push('Generated by `npm run bench` (bench/run.mjs) from bench/results/suite-' + report.runtime + '.json; chart: suite.svg.', '');
  return parts.join('\n');
}

/** Runtimes side by side: one table per section, rows x (runtime, library). */
export function runtimesMarkdown(reports, skipped = []) {
  const parts = ['# Benchmark suite across runtimes', ''];
  for (const r of reports) parts.push(`- **${r.runtime}**: ${describeRun(r)}`);
  for (const s of skipped) parts.push(`- **${s.runtime}**: ${s.reason}`);
  parts.push('', 'GFLOP/s for the conv sections (higher is better), ms for the small-CNN rows (lower is better); "–": skipped in that runtime (see suite-<runtime>.json or that runtime\'s notes).', '');
  const ids = [...new Set(reports.flatMap((r) => r.sections.map((s) => s.id)))];
  for (const id of ids) {
    const sections = reports.map((r) => r.sections.find((s) => s.id === id));
    const first = sections.find((s) => s && !s.skipped && s.metric !== 'custom');
    if (!first) continue;
    const libs = [...new Set(sections.flatMap((s) => s?.libraries ?? []))];
    const rowNames = [...new Set(sections.flatMap((s) => s?.rows.map((row) => row.name) ?? []))];
    parts.push(`## ${first.title}`, '');
    for (const lib of libs) {
      const header = [`${name(lib)}`, ...reports.map((r) => r.runtime)];
      const rows = rowNames.map((rowName) => [rowName, ...sections.map((s) => {
        const row = s?.rows.find((x) => x.name === rowName);
        return row ? cell(first, row.results[lib]) : '–';
      })]);
      if (rows.every((r) => r.slice(1).every((c) => c === '–'))) continue;
      parts.push(mdTable(header, rows), '');
    }
    const speedRows = rowNames.map((rowName) => [rowName, ...sections.map((s) => {
      const row = s?.rows.find((x) => x.name === rowName);
      if (!row) return '–';
      const cells = libs.filter((l) => l !== 'convkit' && speedup(row, l) !== null).map((l) => `${times(speedup(row, l))} ${name(l)}`);
      return cells.join(', ') || '–';
    })]);
    parts.push(mdTable(['convkit speed-up over', ...reports.map((r) => r.runtime)], speedRows), '');
  }
  parts.push('Generated by `npm run bench -- --runtimes ...` (bench/run.mjs) from bench/results/suite-<runtime>.json; chart: runtimes.svg.', '');
  return parts.join('\n');
}

// ---- SVG ----

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The value a bar shows: GFLOP/s, or images per second for the ms rows (so longer is faster everywhere). */
function barValue(section, r) {
  if (!ok(r)) return null;
  return section.metric === 'gflops' ? { value: r.gflops, text: fixed(r.gflops, 2) } : { value: r.imagesPerSecond ?? 64000 / r.ms, text: `${fixed(r.ms, 1)} ms` };
}

/**
 * Horizontal bars on a log scale, one panel per section. panels: [{ title, unit, groups: [{ label,
 * bars: [{ lib, value, text }] }] }].
 */
export function barChart(title, subtitle, panels) {
  const W = 980;
  const labelW = 330;
  const plotW = W - labelW - 90;
  const barH = 11;
  const gap = 8;
  let y = 56;
  const out = [];
  const libsUsed = new Set();
  for (const panel of panels) {
    const values = panel.groups.flatMap((g) => g.bars.map((b) => b.value)).filter((v) => v > 0);
    if (!values.length) continue;
    const lo = 10 ** Math.floor(Math.log10(Math.min(...values)));
    const hi = 10 ** Math.ceil(Math.log10(Math.max(...values)));
    const x = (v) => labelW + (plotW * (Math.log10(v) - Math.log10(lo))) / (Math.log10(hi) - Math.log10(lo) || 1);
    out.push(`<text x="12" y="${y + 14}" class="h">${esc(panel.title)}</text>`);
    y += 26;
    const top = y;
    for (const group of panel.groups) {
      out.push(`<text x="${labelW - 8}" y="${y + barH - 1}" class="l" text-anchor="end">${esc(group.label)}</text>`);
      for (const bar of group.bars) {
        libsUsed.add(bar.lib);
        const w = Math.max(1, x(bar.value) - labelW);
        out.push(`<rect x="${labelW}" y="${y}" width="${w.toFixed(1)}" height="${barH}" fill="${COLORS[bar.lib] ?? '#495057'}"><title>${esc(`${group.label}: ${name(bar.lib)} ${bar.text}`)}</title></rect>`);
        out.push(`<text x="${(labelW + w + 4).toFixed(1)}" y="${y + barH - 2}" class="v">${esc(bar.text)}</text>`);
        y += barH + 1;
      }
      if (!group.bars.length) {
        out.push(`<text x="${labelW + 4}" y="${y + barH - 2}" class="v">skipped</text>`);
        y += barH + 1;
      }
      y += gap;
    }
    for (let t = lo; t <= hi * 1.0001; t *= 10) {
      out.push(`<line x1="${x(t).toFixed(1)}" x2="${x(t).toFixed(1)}" y1="${top - 4}" y2="${y - gap + 2}" class="grid"/>`);
      out.push(`<text x="${x(t).toFixed(1)}" y="${y + 8}" class="v" text-anchor="middle">${t >= 1 ? t : t.toPrecision(1)}</text>`);
    }
    out.push(`<text x="${labelW + plotW}" y="${y + 22}" class="v" text-anchor="end">${esc(panel.unit)} (log scale)</text>`);
    y += 40;
  }
  const legend = [...libsUsed].map((lib, i) => `<rect x="${12 + i * 150}" y="36" width="10" height="10" fill="${COLORS[lib] ?? '#495057'}"/><text x="${26 + i * 150}" y="45" class="l">${esc(name(lib))}</text>`);
  const H = y + 10;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, sans-serif">
<style>.h{font-size:14px;font-weight:600}.l{font-size:11px}.v{font-size:10px;fill:#495057}.grid{stroke:#dee2e6;stroke-width:1}.t{font-size:16px;font-weight:700}.s{font-size:11px;fill:#495057}</style>
<rect width="100%" height="100%" fill="#fff"/>
<text x="12" y="20" class="t">${esc(title)}</text><text x="12" y="32" class="s">${esc(subtitle)}</text>
${legend.join('\n')}
${out.join('\n')}
</svg>
`;
}

const unitOf = (section) => (section.metric === 'gflops' ? 'GFLOP/s' : 'images per second (label: ms per batch or step)');

export function suiteSvg(report) {
  const panels = report.sections.filter((s) => !s.skipped && s.metric !== 'custom').map((s) => ({
    title: s.title, unit: unitOf(s),
    groups: s.rows.map((row) => ({ label: row.name, bars: s.libraries.map((lib) => ({ lib, ...barValue(s, row.results[lib]) })).filter((b) => b.value) })),
  }));
  return barChart(`convkit benchmark suite: ${report.runtime}`, describeRun(report), panels);
}

export function runtimesSvg(reports) {
  const ids = [...new Set(reports.flatMap((r) => r.sections.map((s) => s.id)))];
  const panels = [];
  for (const id of ids) {
    const sections = reports.map((r) => r.sections.find((s) => s.id === id));
    const first = sections.find((s) => s && !s.skipped && s.metric !== 'custom');
    if (!first) continue;
    const rowNames = [...new Set(sections.flatMap((s) => s?.rows.map((row) => row.name) ?? []))];
    const groups = [];
    for (const rowName of rowNames) {
      reports.forEach((r, i) => {
        const s = sections[i];
        const row = s?.rows.find((x) => x.name === rowName);
        if (!row) return;
        groups.push({ label: `${rowName} · ${r.runtime}`, bars: s.libraries.map((lib) => ({ lib, ...barValue(s, row.results[lib]) })).filter((b) => b.value) });
      });
    }
    panels.push({ title: first.title, unit: unitOf(first), groups });
  }
  return barChart('convkit benchmark suite across runtimes', reports.map((r) => `${r.runtime}${r.quick ? ' (quick)' : ''}`).join(', '), panels);
}

/** Every suite-<runtime>.json in dir, in RUNTIME_ORDER. */
export async function readReports(dir) {
  const reports = [];
  for (const runtime of RUNTIME_ORDER) {
    const file = join(dir, `suite-${runtime}.json`);
    if (existsSync(file)) reports.push(JSON.parse(await readFile(file, 'utf8')));
  }
  return reports;
}

/**
 * suite.md/svg from this run's Node report (the README's runtime), else its first report; so a run
 * of the other runtimes alone leaves them alone. runtimes.md/svg from every report in dir.
 */
export async function writeReports(runReports, dir, { skipped = [] } = {}) {
  const files = [];
  const write = async (file, text) => {
    await writeFile(join(dir, file), text);
    files.push(join(dir, file));
  };
  const main = runReports.find((r) => r.runtime === 'node') ?? runReports[0];
  if (main.runtime === 'node' || !existsSync(join(dir, 'suite-node.json'))) {
    await write('suite.md', suiteMarkdown(main));
    await write('suite.svg', suiteSvg(main));
  }
  const all = await readReports(dir);
  if (all.length > 1) {
    await write('runtimes.md', runtimesMarkdown(all, skipped));
    await write('runtimes.svg', runtimesSvg(all));
  }
  const summary = main.sections.map((s) => `## ${s.title}\n\n${sectionMarkdown(s)}`).join('\n\n');
  return { files, summary: `${main.runtime}: ${describeRun(main)}\n\n${summary}` };
}
