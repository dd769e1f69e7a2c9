// The layers namespace: layers.conv2d({...}), layers.dense({...}) ... (Keras's names and options).
import { Activation, Dense, Dropout, Flatten } from './core.js';
import type { ActivationOptions, DenseOptions, DropoutOptions } from './core.js';
import { Conv2D } from './conv.js';
import type { Conv2dLayerOptions } from './conv.js';
import {
  AvgPool1D, AvgPool3D, Conv1D, Conv2DTranspose, Conv3D, DepthwiseConv2D, GlobalAvgPool1D, GlobalAvgPool3D, GlobalMaxPool1D, GlobalMaxPool3D, MaxPool1D, MaxPool3D,
  LocallyConnected1D, LocallyConnected2D, SeparableConv2D,
} from './conv-family.js';
import type {
  Conv1dLayerOptions, Conv2dTransposeLayerOptions, Conv3dLayerOptions, DepthwiseConv2dLayerOptions, LocallyConnectedLayerOptions, PoolNdLayerOptions, SeparableConv2dLayerOptions,
} from './conv-family.js';
import type { LayerOptions } from './layer.js';
import { FFTConv2D } from './fft-conv.js';
import type { FftConv2dLayerOptions } from './fft-conv.js';
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

export {
  AvgPool1D, AvgPool3D, Conv1D, Conv2DTranspose, Conv3D, DepthwiseConv2D, GlobalAvgPool1D, GlobalAvgPool3D, GlobalMaxPool1D, GlobalMaxPool3D, MaxPool1D, MaxPool3D,
  LocallyConnected1D, LocallyConnected2D, SeparableConv2D,
};
export type {
  Conv1dLayerOptions, Conv2dTransposeLayerOptions, Conv3dLayerOptions, DepthwiseConv2dLayerOptions, LocallyConnectedLayerOptions, PoolNdLayerOptions, SeparableConv2dLayerOptions,
};

export const conv1d = (options: Conv1dLayerOptions): Conv1D => new Conv1D(options);
export const conv2dTranspose = (options: Conv2dTransposeLayerOptions): Conv2DTranspose => new Conv2DTranspose(options);
export const conv3d = (options: Conv3dLayerOptions): Conv3D => new Conv3D(options);
export const depthwiseConv2d = (options: DepthwiseConv2dLayerOptions): DepthwiseConv2D => new DepthwiseConv2D(options);
export const separableConv2d = (options: SeparableConv2dLayerOptions): SeparableConv2D => new SeparableConv2D(options);
export const locallyConnected1d = (options: LocallyConnectedLayerOptions): LocallyConnected1D => new LocallyConnected1D(options);
export const locallyConnected2d = (options: LocallyConnectedLayerOptions): LocallyConnected2D => new LocallyConnected2D(options);
export const maxPool1d = (options: PoolNdLayerOptions = {}): MaxPool1D => new MaxPool1D(options);
export const avgPool1d = (options: PoolNdLayerOptions = {}): AvgPool1D => new AvgPool1D(options);
export const maxPool3d = (options: PoolNdLayerOptions = {}): MaxPool3D => new MaxPool3D(options);
export const avgPool3d = (options: PoolNdLayerOptions = {}): AvgPool3D => new AvgPool3D(options);
export const globalAvgPool1d = (options: LayerOptions = {}): GlobalAvgPool1D => new GlobalAvgPool1D(options);
export const globalMaxPool1d = (options: LayerOptions = {}): GlobalMaxPool1D => new GlobalMaxPool1D(options);
export const globalAvgPool3d = (options: LayerOptions = {}): GlobalAvgPool3D => new GlobalAvgPool3D(options);
export const globalMaxPool3d = (options: LayerOptions = {}): GlobalMaxPool3D => new GlobalMaxPool3D(options);
export const conv2d = (options: Conv2dLayerOptions): Conv2D => new Conv2D(options);
export { FFTConv2D };
export type { FftConv2dLayerOptions };
export const fftConv2d = (options: FftConv2dLayerOptions): FFTConv2D => new FFTConv2D(options);
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
