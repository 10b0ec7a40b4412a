export * from './types';
export * from './state';
export * from './facts';
export * from './phase';
export * from './planner';
export { greenElectionId, greenNames } from './blueGreen';
