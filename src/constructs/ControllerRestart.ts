/**
 * The declarative controller restart. KIC detects the router flavor once, at start
 * (DOMAIN.md §2), so the plan restarts it at the one moment it can only detect the target:
 * a pod-template annotation whose value names that flavor. Same input, same bytes; the
 * Deployment rolls exactly when the value changes (the declarative `kubectl rollout restart`).
 */
import { RESTART_ANNOTATION } from '../plan/state';
import { DeploymentSpec, setTemplateAnnotation } from './manifest';

export { RESTART_ANNOTATION };

/** Puts the restart annotation on a Deployment's pod template (nothing when `restartFor` is undefined). */
export function applyControllerRestart(spec: DeploymentSpec, restartFor: string | undefined): void {
  if (restartFor !== undefined) setTemplateAnnotation(spec, RESTART_ANNOTATION, restartFor);
}
