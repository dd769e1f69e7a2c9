// model.summary(): one row per layer application with its output shape, parameter count and
// receptive field (size and jump, tracked from the inputs through every branch), and the totals.
import type { Shape } from '../core/tensor.js';
import type { ReceptiveField } from '../layers/field.js';
import type { SymbolicTensor } from '../layers/layer.js';
import type { Graph } from './graph.js';

export interface SummaryRow {
  name: string;
  className: string;
  /** Batch axis first, as null. */
  outputShape: (number | null)[];
  params: number;
  /** Input pixels one output position sees (size) and the input distance between neighbours (jump). */
  receptiveField: { size: number[]; jump: number[] } | null;
  /** The layers feeding this one. */
  inputs: string[];
}

export interface ModelSummary {
  name: string;
  rows: SummaryRow[];
  totalParams: number;
  trainableParams: number;
  nonTrainableParams: number;
}

export function summarize(name: string, graph: Graph): ModelSummary {
  const fields = new Map<SymbolicTensor, ReceptiveField | null>();
  const rows = graph.nodes.map((node): SummaryRow => {
    const inputShapes: Shape[] = node.inputs.map((s) => s.shape);
    const field = node.layer.receptiveField(node.inputs.map((s) => fields.get(s) ?? null), inputShapes, node.shape);
    fields.set(node, field);
    return {
      name: node.layer.name,
      className: node.layer.className,
      outputShape: [null, ...node.shape],
      params: node.layer.countParams(),
      receptiveField: field && { size: field.size, jump: field.jump },
      inputs: node.inputs.map((s) => s.layer.name),
    };
  });
  const weights = graph.layers.flatMap((l) => l.weights);
  const count = (trainable: boolean) => weights.filter((w) => w.trainable === trainable).reduce((n, w) => n + w.size, 0);
  const [trainableParams, nonTrainableParams] = [count(true), count(false)];
  return { name, rows, totalParams: trainableParams + nonTrainableParams, trainableParams, nonTrainableParams };
}

const thousands = (n: number): string => n.toLocaleString('en-US');

function pair(jump: number[]): string {
  return jump.every((j) => j === jump[0]) ? String(jump[0]) : jump.join('x');
}

/** The summary as a text table. */
export function formatSummary(s: ModelSummary): string[] {
  const header = ['Layer (type)', 'Output shape', 'Params', 'Receptive field (size / jump)', 'Connected to'];
  const cells = s.rows.map((r) => [
    `${r.name} (${r.className})`,
    `[${r.outputShape.map((d) => (d === null ? 'null' : d)).join(', ')}]`,
    thousands(r.params),
    r.receptiveField ? `${r.receptiveField.size.join('x')} / ${pair(r.receptiveField.jump)}` : '-',
    r.inputs.join(', '),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((v, i) => v.padEnd(widths[i]!)).join('  ').trimEnd();
  const rule = '─'.repeat(widths.reduce((a, b) => a + b + 2, -2));
  return [
    `Model: "${s.name}"`,
    line(header),
    rule,
    ...cells.map(line),
    rule,
    `Total params: ${thousands(s.totalParams)}`,
    `Trainable params: ${thousands(s.trainableParams)}`,
    `Non-trainable params: ${thousands(s.nonTrainableParams)}`,
  ];
}
