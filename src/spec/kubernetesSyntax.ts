/**
 * Kubernetes' own syntax rules for the values we read from a source and write back out:
 * object names, namespaces, label keys and values, container names, image references, lease
 * names and feature gates. A value that passes cannot carry shell or YAML syntax, nor a path.
 *
 * Rules as Kubernetes writes them (k8s.io/apimachinery/pkg/util/validation/validation.go:
 * IsDNS1123Label, IsDNS1123Subdomain, IsDNS1035Label, IsQualifiedName, IsValidLabelValue),
 * and the image grammar of github.com/distribution/reference (regexp.go). Each check returns
 * what is wrong, in words a user can act on, or undefined when the value is fine.
 */

const LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
/** DNS-1123 label: namespaces, container names, most names. */
export const DNS_1123_LABEL = new RegExp(`^${LABEL}$`);
const DNS_1123_SUBDOMAIN = new RegExp(`^${LABEL}(\\.${LABEL})*$`);
/** DNS-1035 label: Service names (must start with a letter). */
export const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
/** The name part of a qualified name (label keys, annotation keys): IsQualifiedName. */
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** A value for messages: quoted, control characters escaped, long values cut. */
export function shown(value: unknown): string {
  if (typeof value !== 'string') return JSON.stringify(value) ?? String(value);
  const cut = value.length > 60 ? `${value.slice(0, 60)}...` : value;
  return JSON.stringify(cut).replace(/[\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** DNS-1123 label: namespaces, container names, most names (at most 63 characters). */
export function dns1123Label(value: string): string | undefined {
  if (value.length > 63) return 'must be at most 63 characters';
  if (!DNS_1123_LABEL.test(value)) return "must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit";
  return undefined;
}

/** DNS-1123 subdomain: Deployment, Lease and most object names (at most 253 characters). */
export function dns1123Subdomain(value: string): string | undefined {
  if (value.length > 253) return 'must be at most 253 characters';
  if (!DNS_1123_SUBDOMAIN.test(value)) return "must be a DNS-1123 subdomain: lower-case letters, digits, '-' and '.', starting and ending with a letter or digit";
  return undefined;
}

/** DNS-1035 label: Service names (must start with a letter). */
export function dns1035Label(value: string): string | undefined {
  if (value.length > 63) return 'must be at most 63 characters';
  if (!DNS_1035_LABEL.test(value)) return "must be a DNS-1035 label: lower-case letters, digits and '-', starting with a letter";
  return undefined;
}

/** A label key: an optional DNS-1123 subdomain prefix and `/`, then a name of at most 63 characters. */
export function labelKey(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const [prefix, name] = slash >= 0 ? [key.slice(0, slash), key.slice(slash + 1)] : [undefined, key];
  if (prefix !== undefined) {
    if (prefix.length === 0) return 'has an empty prefix before "/"';
    if (dns1123Subdomain(prefix)) return `has a prefix that ${dns1123Subdomain(prefix)}`;
  }
  if (name.length === 0 || name.length > 63) return 'must have a name of 1 to 63 characters';
  if (!QUALIFIED_NAME.test(name)) return "must be letters, digits, '-', '_' and '.', starting and ending with a letter or digit (an optional DNS prefix and '/' before)";
  return undefined;
}

/** A label value: empty, or up to 63 letters, digits, `-`, `_`, `.`, starting and ending alphanumeric. */
export function labelValue(value: string): string | undefined {
  if (value.length > 63) return 'must be at most 63 characters';
  if (value !== '' && !QUALIFIED_NAME.test(value)) return "must be empty or letters, digits, '-', '_' and '.', starting and ending with a letter or digit";
  return undefined;
}

// github.com/distribution/reference regexp.go: domain, path components, tag and digest.
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
const NAME = `(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9A-Fa-f]{32,}';
const REFERENCE = new RegExp(`^${NAME}(?::${TAG})?(?:@${DIGEST})?$`);

/** An image reference as container runtimes parse it (`kong:3.9`, `registry:5000/kong/kong-gateway:3.10@sha256:...`). */
export function imageReference(value: string): string | undefined {
  if (value.length > 1024) return 'must be at most 1024 characters';
  if (!REFERENCE.test(value)) return 'is not an image reference such as "kong:3.9" or "registry.example.com/kong/kong-gateway:3.10.0.2"';
  return undefined;
}

/** `CONTROLLER_FEATURE_GATES`: `Name=true,Other=false` (Kubernetes' component-base feature gate syntax). */
export function featureGateList(value: string): string | undefined {
  if (value.trim() === '') return undefined;
  // KIC's --feature-gates is a map of string to bool (Name=true,Other=false); a bare Name is read as on.
  const ok = value.split(',').every((item) => /^\s*[A-Za-z][A-Za-z0-9]*\s*(=\s*(true|false)\s*)?$/i.test(item));
  return ok ? undefined : 'must be a comma-separated list of Name=true|false, such as "ExpressionRoutes=true"';
}
