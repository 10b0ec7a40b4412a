export * from './flavor';
export * from './version';
export * from './rules';
export * from './featureGates';
