/**
 * Versions of Kong Gateway and of the Kong Ingress Controller (KIC).
 *
 * Kong Gateway OSS uses 3-part versions (`3.9.1`); Kong Gateway Enterprise uses 4 parts
 * (`3.10.0.2`). Image tags may be shortened (`kong:3.9` means the newest 3.9.x, which we
 * read as 3.9.0: the oldest patch of that line, so version rules stay conservative).
 */
export interface Version {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  /** The fourth part of Kong Enterprise versions (`3.10.0.2` -> 2); 0 otherwise. */
  readonly build: number;
  /** The text the version was read from, for messages. */
  readonly raw: string;
}

const VERSION_RE = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:\.(\d+))?(?:-([A-Za-z0-9._-]+))?$/;

/**
 * Image tag suffixes that name a base image, a build date or a pre-release, not another
 * version: `3.9.1-ubuntu`, `3.4.1-redhat` (the kong chart strips `-redhat` before comparing,
 * `kong.effectiveVersion` in charts/kong/templates/_helpers.tpl), `3.10.0.2-20250101-ubuntu`,
 * `3.15.0.0-rc.5-distroless`. Each `-`-separated part must be one of these.
 */
const SUFFIX_PART = /^(?:(?:ubuntu|alpine|debian|rhel|redhat|ubi|distroless|amazonlinux|al|centos|bookworm|bullseye|buster|jammy|noble|focal|slim|fips)(?:[.]?\d+(?:\.\d+)*)?|\d{8}(?:\d{4,6})?|(?:rc|beta|alpha|pre)(?:[.]?\d+)?)$/;

/**
 * Parses `3`, `3.9`, `3.9.1`, `3.10.0.2` (an optional `v` prefix and the suffixes above are
 * allowed; a pre-release reads as its release). Returns undefined for anything else (`latest`,
 * `nightly`, `3.9-custom`).
 */
export function parseVersion(text: string): Version | undefined {
  const m = VERSION_RE.exec(text.trim());
  if (!m) return undefined;
  if (m[5] !== undefined && !m[5].split('-').every((part) => SUFFIX_PART.test(part))) return undefined;
  const num = (s: string | undefined) => (s === undefined ? 0 : Number(s));
  return { major: num(m[1]), minor: num(m[2]), patch: num(m[3]), build: num(m[4]), raw: text.trim() };
}

/** The tag of an image reference (`kong/kong-gateway:3.10.0.2@sha256:...` -> `3.10.0.2`), or undefined. */
export function imageTag(image: string): string | undefined {
  const withoutDigest = image.split('@')[0];
  const lastSlash = withoutDigest.lastIndexOf('/');
  const lastColon = withoutDigest.lastIndexOf(':');
  if (lastColon <= lastSlash) return undefined;
  return withoutDigest.slice(lastColon + 1);
}

/**
 * Image names (the last path segment, any registry or mirror before it) whose tags are Kong's
 * or KIC's own versions: Kong's images on Docker Hub (`kong`, `kong/kong`, `kong/kong-gateway`)
 * and the older Bintray/Enterprise names; KIC's `kong/kubernetes-ingress-controller` and the
 * Bintray-era `kong-ingress-controller`. Any other image is someone's own build: its tag is
 * their release number, not the Kong it is built on.
 */
export const KONG_IMAGE_NAMES = {
  gateway: ['kong', 'kong-gateway', 'kong-enterprise-edition', 'kong-enterprise-k8s'],
  controller: ['kubernetes-ingress-controller', 'kong-ingress-controller'],
} as const;

/** The name of an image without registry, path, tag or digest (`reg.example.com/kong/kong-gateway:3.9` -> `kong-gateway`). */
export function imageName(image: string): string {
  const path = image.split('@')[0];
  const last = path.slice(path.lastIndexOf('/') + 1);
  return last.includes(':') ? last.slice(0, last.indexOf(':')) : last;
}

/** The version an image tag names, or undefined when the tag is absent or not a version. */
export function versionFromImage(image: string): Version | undefined {
  const tag = imageTag(image);
  return tag === undefined ? undefined : parseVersion(tag);
}

/** Negative when a < b, 0 when equal, positive when a > b. */
export function compareVersions(a: Version, b: Version): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch || a.build - b.build;
}

/** True when `v` is at least `min` (`min` written as `3.7` or `3.4.1`). */
export function atLeast(v: Version, min: string): boolean {
  const m = parseVersion(min);
  if (!m) throw new Error(`internal: bad version literal ${min}`);
  return compareVersions(v, m) >= 0;
}

/** `3.9.1`, or `3.10.0.2` for Enterprise builds. */
export function formatVersion(v: Version): string {
  const base = `${v.major}.${v.minor}.${v.patch}`;
  return v.build ? `${base}.${v.build}` : base;
}

/** `3.9`: the release line, for reasons and messages. */
export function formatMinor(v: Version): string {
  return `${v.major}.${v.minor}`;
}
