// Layer classes by name, for loading saved models: new Class(config) rebuilds a layer.
import { ValueError, expectation } from '../core/errors.js';
import { Activation, Dense, Dropout, Flatten } from './core.js';
import { Conv2D } from './conv.js';
import {
  AvgPool1D, AvgPool3D, Conv1D, Conv2DTranspose, Conv3D, DepthwiseConv2D, GlobalAvgPool1D, GlobalAvgPool3D, GlobalMaxPool1D, GlobalMaxPool3D, MaxPool1D, MaxPool3D,
  LocallyConnected1D, LocallyConnected2D, SeparableConv2D,
} from './conv-family.js';
import { FFTConv2D } from './fft-conv.js';
import { InputLayer } from './input.js';
import type { Layer, LayerConfig } from './layer.js';
import { Concatenate } from './merge.js';
import { BatchNormalization } from './normalization.js';
import { AvgPool2D, GlobalAvgPool2D, GlobalMaxPool2D, MaxPool2D } from './pool.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const CLASSES: Record<string, new (config: any) => Layer> = {
  Activation, AvgPool2D, BatchNormalization, Concatenate, Conv2D, Dense, Dropout, Flatten, GlobalAvgPool2D, GlobalMaxPool2D, InputLayer, MaxPool2D,
  AvgPool1D, AvgPool3D, Conv1D, Conv2DTranspose, Conv3D, DepthwiseConv2D, GlobalAvgPool1D, GlobalAvgPool3D, GlobalMaxPool1D, GlobalMaxPool3D, MaxPool1D, MaxPool3D,
  LocallyConnected1D, LocallyConnected2D, SeparableConv2D, FFTConv2D,
};

export function layerFromConfig(op: string, className: unknown, config: LayerConfig): Layer {
  const Class = typeof className === 'string' && Object.hasOwn(CLASSES, className) ? CLASSES[className] : undefined;
  if (!Class) throw new ValueError(op, expectation('className', `one of ${Object.keys(CLASSES).join(', ')}`, JSON.stringify(className)));
  return new Class(config);
}
