export * from './errors';
export * from './intOrPercent';
export * from './defaults';
export * from './schema';
export * from './types';
export * from './resolve';
export * from './load';
export * from './files';
