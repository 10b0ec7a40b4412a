/**
 * KIC settings as the controller sees them. KIC reads every setting from a command-line flag
 * or its `CONTROLLER_*` env var, and a flag wins (`internal/cmd/rootcmd`), so reading a
 * Deployment, or changing one, must look at the container's args first.
 */

/** A container as written in a manifest (the fields read here). */
interface ContainerLike {
  env?: { name: string; value?: string }[];
  args?: unknown;
}

/** The settings the plan reads or changes, by env var, with their flag. */
export const CONTROLLER_FLAGS: Readonly<Record<string, { readonly flag: string; readonly bool?: boolean }>> = {
  CONTROLLER_FEATURE_GATES: { flag: '--feature-gates' },
  CONTROLLER_ELECTION_ID: { flag: '--election-id' },
  CONTROLLER_KONG_ADMIN_SVC: { flag: '--kong-admin-svc' },
  CONTROLLER_PUBLISH_SERVICE: { flag: '--publish-service' },
  CONTROLLER_UPDATE_STATUS: { flag: '--update-status', bool: true },
  // Read by the route report (src/routes): which Ingresses and Gateways are this controller's.
  CONTROLLER_INGRESS_CLASS: { flag: '--ingress-class' },
  CONTROLLER_GATEWAY_API_CONTROLLER_NAME: { flag: '--gateway-api-controller-name' },
  CONTROLLER_KONG_ADMIN_FILTER_TAG: { flag: '--kong-admin-filter-tag' },
};

/** Where a flag sits in the container's args: index, value, and whether the value is the next arg. */
export function findFlag(container: ContainerLike, flag: string, bool: boolean): { index: number; value: string; split: boolean } | undefined {
  const args = Array.isArray(container.args) ? (container.args as unknown[]) : [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (typeof a !== 'string') continue;
    if (a.startsWith(`${flag}=`)) return { index: i, value: a.slice(flag.length + 1), split: false };
    if (a === flag) {
      const next = args[i + 1];
      // pflag: a bare boolean flag means true; any other flag takes the next argument.
      if (bool || typeof next !== 'string') return { index: i, value: 'true', split: false };
      return { index: i, value: next, split: true };
    }
  }
  return undefined;
}

/** A KIC setting as the controller sees it: the flag in args if there is one, else the env var. */
export function controllerSetting(container: ContainerLike, env: string): string | undefined {
  const f = CONTROLLER_FLAGS[env];
  return (f && findFlag(container, f.flag, !!f.bool)?.value) ?? container.env?.find((e) => e?.name === env)?.value;
}
