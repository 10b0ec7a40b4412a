import { KubeObject } from '../spec/types';

/** Argo CD's sync-wave annotation: lower waves sync first and must be Healthy first. */
export const SYNC_WAVE = 'argocd.argoproj.io/sync-wave';

/** The object with its sync-wave annotation set (unchanged when `wave` is undefined). */
export function withSyncWave<T extends KubeObject>(obj: T, wave: number | undefined): T {
  if (wave === undefined) return obj;
  obj.metadata.annotations = { ...(obj.metadata.annotations ?? {}), [SYNC_WAVE]: String(wave) };
  return obj;
}
