/** Default IPv6 prefix one client is counted by: a /64 is what one subscriber or host usually gets. */
export const DEFAULT_IPV6_PREFIX_BITS = 64;

const IPV6_GROUPS = 8;
const BITS_PER_GROUP = 16;

/**
 * The network a client is rate-limited as: an IPv4 address as itself (also when written as an
 * IPv4-mapped IPv6 address), an IPv6 address by its first `ipv6PrefixBits` bits — so a client that
 * rotates through the addresses of its /64 is still one client.
 *
 * @example clientNetwork("2001:db8:1:2:aaaa::1", 64) // "2001:db8:1:2::/64"
 */
export function clientNetwork(ip: string, ipv6PrefixBits: number = DEFAULT_IPV6_PREFIX_BITS): string {
  const groups = parseIpv6(ip);
  if (!groups) return ip.trim().toLowerCase();
  const mappedIpv4 = groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff;
  if (mappedIpv4) return [groups[6]! >> 8, groups[6]! & 0xff, groups[7]! >> 8, groups[7]! & 0xff].join(".");
  const masked = groups.map((group, index) => {
    const bitsKept = Math.min(BITS_PER_GROUP, Math.max(0, ipv6PrefixBits - index * BITS_PER_GROUP));
    return bitsKept === 0 ? 0 : group & (0xffff << (BITS_PER_GROUP - bitsKept)) & 0xffff;
  });
  return `${masked.map((group) => group.toString(16)).join(":")}/${ipv6PrefixBits}`;
}

/** The eight 16-bit groups of an IPv6 address (`::`, embedded IPv4 and a zone id allowed), or undefined. */
function parseIpv6(text: string): number[] | undefined {
  const address = text.trim().replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  if (!address.includes(":")) return undefined;
  const halves = address.split("::");
  if (halves.length > 2) return undefined;
  const parseHalf = (half: string): number[] | undefined => {
    if (half === "") return [];
    const groups: number[] = [];
    for (const part of half.split(":")) {
      if (/^\d{1,3}(\.\d{1,3}){3}$/.test(part)) {
        const octets = part.split(".").map(Number);
        if (octets.some((octet) => octet > 255)) return undefined;
        groups.push((octets[0]! << 8) | octets[1]!, (octets[2]! << 8) | octets[3]!);
      } else if (/^[0-9a-f]{1,4}$/i.test(part)) {
        groups.push(Number.parseInt(part, 16));
      } else {
        return undefined;
      }
    }
    return groups;
  };
  const head = parseHalf(halves[0]!);
  const tail = halves.length === 2 ? parseHalf(halves[1]!) : [];
  if (!head || !tail) return undefined;
  if (halves.length === 1) return head.length === IPV6_GROUPS ? head : undefined;
  const missing = IPV6_GROUPS - head.length - tail.length;
  if (missing < 1) return undefined;
  return [...head, ...new Array<number>(missing).fill(0), ...tail];
}
