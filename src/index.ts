/**
 * kong-flavor-migrator as a library: load a spec, plan, verify, and add the migration to
 * your own cdk8s app with `RouterFlavorMigration`.
 */
export * from './model';
export * from './spec';
export * from './plan';
export * from './errors';
export { RouterFlavorMigration, RouterFlavorMigrationProps } from './constructs/RouterFlavorMigration';
export { PhaseChart, PhaseChartProps } from './constructs/PhaseChart';
export { GatewayDeployment, GatewayDeploymentProps, gatewayDeploymentManifest } from './constructs/GatewayDeployment';
export { ControllerDeployment, ControllerDeploymentProps, controllerDeploymentManifest } from './constructs/ControllerDeployment';
export { KongService, KongServiceProps } from './constructs/KongService';
export { FlavorGate, FlavorGateProps } from './constructs/FlavorGate';
export { ObjectRemoval, ObjectRemovalProps } from './constructs/ObjectRemoval';
export { HookJob, HookJobProps } from './constructs/HookJob';
export { synthesize, planOrThrow, buildApp } from './synth';
export { checkedPlan, verifiedPlan, verifyNaiveSpec, verifySpecPlan } from './verification';
export { verifyPlan, verifyNaive, verifyRollbacks, verifyStates, naivePhases, VerifyOptions } from './verify';
export { planFleet, synthesizeFleet, fleetFiles, FleetPlan, PhaseApplicationSet, PhaseApplicationSetProps, phaseApplicationSetManifest } from './fleet/index';
