import { embeddedIpv4, ipv4OfGroups, parseIpv4, parseIpv6 } from "./ipAddress";

/** Where a webhook may point. Loopback only on the local stack (`WEBHOOK_ALLOW_LOOPBACK`). */
export type WebhookTargetPolicy = { allowLoopback: boolean };

type Range = readonly [prefix: readonly number[], bits: number, what: string];

// Private, shared, link-local (cloud metadata: 169.254.169.254), reserved and multicast space.
const BLOCKED_IPV4: readonly Range[] = [
  [[0, 0, 0, 0], 8, "'this' network"],
  [[10, 0, 0, 0], 8, "private"],
  [[100, 64, 0, 0], 10, "carrier-grade NAT (and cloud metadata)"],
  [[169, 254, 0, 0], 16, "link-local (cloud metadata)"],
  [[172, 16, 0, 0], 12, "private"],
  [[192, 0, 0, 0], 24, "IETF protocol assignments"],
  [[192, 168, 0, 0], 16, "private"],
  [[198, 18, 0, 0], 15, "benchmarking"],
  [[224, 0, 0, 0], 4, "multicast"],
  [[240, 0, 0, 0], 4, "reserved"],
];
const LOOPBACK_IPV4: Range = [[127, 0, 0, 0], 8, "loopback"];

// In 16-bit groups. IPv6 forms that carry an IPv4 address are checked as that address.
const BLOCKED_IPV6: readonly Range[] = [
  [[0xfc00], 7, "unique local (private)"],
  [[0xfe80], 10, "link-local"],
  [[0xfec0], 10, "site-local"],
  [[0xff00], 8, "multicast"],
];
const IPV4_CARRYING_IPV6: readonly Range[] = [
  [[0, 0, 0, 0, 0, 0xffff], 96, "IPv4-mapped"],
  [[0, 0, 0, 0, 0, 0], 96, "IPv4-compatible"],
  [[0x64, 0xff9b, 0, 0, 0, 0], 96, "NAT64"],
];

// Names that reach the host itself or a cloud's metadata service, and single-label intranet names.
const BLOCKED_HOST_SUFFIXES = [".localhost", ".local", ".internal", ".home.arpa", ".localdomain"];
const BLOCKED_HOSTS = new Set(["metadata.google.internal", "metadata.goog", "instance-data", "instance-data.ec2.internal"]);

function inRange(parts: readonly number[], [prefix, bits]: Range, bitsPerPart: number): boolean {
  for (let index = 0; index * bitsPerPart < bits; index++) {
    const kept = Math.min(bitsPerPart, bits - index * bitsPerPart);
    const mask = ((1 << kept) - 1) << (bitsPerPart - kept);
    if (((parts[index] ?? 0) & mask) !== ((prefix[index] ?? 0) & mask)) return false;
  }
  return true;
}

function ipv4Problem(octets: number[], policy: WebhookTargetPolicy): string | undefined {
  if (inRange(octets, LOOPBACK_IPV4, 8)) return policy.allowLoopback ? undefined : "a loopback address";
  const blocked = BLOCKED_IPV4.find((range) => inRange(octets, range, 8));
  return blocked && `a ${blocked[2]} address`;
}

function ipv6Problem(groups: number[], policy: WebhookTargetPolicy): string | undefined {
  if (groups.every((group) => group === 0)) return "the unspecified address";
  if (groups.slice(0, 7).every((group) => group === 0) && groups[7] === 1) return policy.allowLoopback ? undefined : "a loopback address";
  if (IPV4_CARRYING_IPV6.some((range) => inRange(groups, range, 16))) return ipv4Problem(embeddedIpv4(groups), policy);
  // 6to4 (2002::/16) carries an IPv4 address in groups 1 and 2.
  if (groups[0] === 0x2002) return ipv4Problem(ipv4OfGroups(groups[1] ?? 0, groups[2] ?? 0), policy);
  const blocked = BLOCKED_IPV6.find((range) => inRange(groups, range, 16));
  return blocked && `a ${blocked[2]} address`;
}

/** Why `host` (a URL's normalized hostname) is not a webhook target, or undefined. */
function hostProblem(host: string, policy: WebhookTargetPolicy): string | undefined {
  const ipv4 = parseIpv4(host);
  if (ipv4) return ipv4Problem(ipv4, policy);
  const ipv6 = host.startsWith("[") ? parseIpv6(host) : undefined;
  if (ipv6) return ipv6Problem(ipv6, policy);
  if (host === "localhost" || host.endsWith(".localhost")) return policy.allowLoopback ? undefined : "a loopback name";
  if (BLOCKED_HOSTS.has(host) || BLOCKED_HOST_SUFFIXES.some((suffix) => host.endsWith(suffix))) return "an internal or cloud-metadata name";
  if (!host.includes(".")) return "a single-label (intranet) name";
  return undefined;
}

/**
 * Why a gateway-mode webhook must not point at `url`, or undefined when it may: https to a public
 * host (http only to loopback, and loopback only when the policy allows it). IP hosts are judged
 * after URL parsing has normalized them, so decimal, hex, octal and IPv4-mapped IPv6 spellings of
 * an address are caught like the dotted quad. (A public name that resolves to a private address is
 * not: Workers cannot resolve names, and Cloudflare's own fetch does not reach private networks.)
 *
 * @example webhookTargetProblem("http://0x7f000001/", { allowLoopback: false }) // "a loopback address"
 */
export function webhookTargetProblem(url: string, policy: WebhookTargetPolicy): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "not an absolute URL";
  }
  if (parsed.username || parsed.password) return "a URL with credentials (put a token in the path or query instead)";
  const host = parsed.hostname.toLowerCase().replace(/\.$/, "");
  const problem = hostProblem(host, policy);
  if (problem) return problem;
  if (parsed.protocol === "https:") return undefined;
  if (parsed.protocol !== "http:") return `the ${parsed.protocol} scheme`;
  // Plain http only where the host is loopback (the local stack): judged as if loopback were refused.
  const loopbackOnly = hostProblem(host, { allowLoopback: false })?.includes("loopback") ?? false;
  return loopbackOnly ? undefined : "plain http (https is required outside the local stack)";
}
