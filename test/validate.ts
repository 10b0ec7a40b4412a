/**
 * Validates emitted objects against real schemas: Kubernetes (`kubernetes-models`, generated
 * from the upstream OpenAPI, 1.27 line: a subset of 1.28, so what passes here is valid on
 * 1.28) and Argo CD (`@kubernetes-models/argo-cd`).
 */
import { Application } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { Role, RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { Namespace, Service, ServiceAccount } from 'kubernetes-models/v1';

type Model = new (data: never) => { validate(): void };

const MODELS: Record<string, Model> = {
  'apps/v1/Deployment': Deployment as unknown as Model,
  'batch/v1/Job': Job as unknown as Model,
  'rbac.authorization.k8s.io/v1/Role': Role as unknown as Model,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding as unknown as Model,
  'v1/Service': Service as unknown as Model,
  'v1/ServiceAccount': ServiceAccount as unknown as Model,
  'v1/Namespace': Namespace as unknown as Model,
  'argoproj.io/v1alpha1/Application': Application as unknown as Model,
};

/** Throws with the object's kind/name when it does not validate (or its kind is unknown here). */
export function validateObject(obj: { apiVersion: string; kind: string; metadata?: { name?: string } }): void {
  const key = `${obj.apiVersion}/${obj.kind}`;
  const Model = MODELS[key];
  if (!Model) throw new Error(`no schema for ${key} (${obj.metadata?.name})`);
  try {
    new Model(obj as never).validate();
  } catch (e) {
    throw new Error(`${obj.kind} ${obj.metadata?.name}: ${(e as Error).message}`);
  }
}
