// The layers namespace: layers.conv2d({...}), layers.dense({...}) ... (Keras's names and options).
import { Activation, Dense, Dropout, Flatten } from './core.js';
import type { ActivationOptions, DenseOptions, DropoutOptions } from './core.js';
import { Conv2D } from './conv.js';
import type { Conv2dLayerOptions } from './conv.js';
import type { LayerOptions } from './layer.js';
import { Concatenate } from './merge.js';
import type { ConcatenateOptions } from './merge.js';
import { BatchNormalization } from './normalization.js';
import type { BatchNormalizationOptions } from './normalization.js';
import { AvgPool2D, GlobalAvgPool2D, GlobalMaxPool2D, MaxPool2D } from './pool.js';
import type { Pool2dLayerOptions } from './pool.js';

export { Layer, SymbolicTensor } from './layer.js';
export type { CallContext, LayerConfig, LayerOptions } from './layer.js';
export type { ReceptiveField } from './field.js';
export type { InitializerName } from './initializers.js';
export type { ActivationName } from './activations.js';
export { Activation, BatchNormalization, Concatenate, Conv2D, Dense, Dropout, Flatten, AvgPool2D, GlobalAvgPool2D, GlobalMaxPool2D, MaxPool2D };
export type {
  ActivationOptions, BatchNormalizationOptions, ConcatenateOptions, Conv2dLayerOptions, DenseOptions, DropoutOptions, Pool2dLayerOptions,
};

export const conv2d = (options: Conv2dLayerOptions): Conv2D => new Conv2D(options);
export const maxPool2d = (options: Pool2dLayerOptions = {}): MaxPool2D => new MaxPool2D(options);
export const avgPool2d = (options: Pool2dLayerOptions = {}): AvgPool2D => new AvgPool2D(options);
export const globalAvgPool2d = (options: LayerOptions = {}): GlobalAvgPool2D => new GlobalAvgPool2D(options);
export const globalMaxPool2d = (options: LayerOptions = {}): GlobalMaxPool2D => new GlobalMaxPool2D(options);
export const flatten = (options: LayerOptions = {}): Flatten => new Flatten(options);
export const dense = (options: DenseOptions): Dense => new Dense(options);
export const activation = (options: ActivationOptions): Activation => new Activation(options);
export const dropout = (options: DropoutOptions): Dropout => new Dropout(options);
export const batchNormalization = (options: BatchNormalizationOptions = {}): BatchNormalization => new BatchNormalization(options);
export const concatenate = (options: ConcatenateOptions = {}): Concatenate => new Concatenate(options);
