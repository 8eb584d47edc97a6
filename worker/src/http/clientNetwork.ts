import { embeddedIpv4, parseIpv6 } from "../net/ipAddress";

/** Default IPv6 prefix one client is counted by: a /64 is what one subscriber or host usually gets. */
export const DEFAULT_IPV6_PREFIX_BITS = 64;

const BITS_PER_GROUP = 16;

/**
 * The network a client is rate-limited as: an IPv4 address as itself (also when written as an
 * IPv4-mapped IPv6 address), an IPv6 address by its first `ipv6PrefixBits` bits — so a client that
 * rotates through the addresses of its /64 is still one client.
 *
 * @example clientNetwork("2001:db8:1:2:aaaa::1", 64) // "2001:db8:1:2:0:0:0:0/64"
 */
export function clientNetwork(ip: string, ipv6PrefixBits: number = DEFAULT_IPV6_PREFIX_BITS): string {
  const groups = parseIpv6(ip);
  if (!groups) return ip.trim().toLowerCase();
  const mappedIpv4 = groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff;
  if (mappedIpv4) return embeddedIpv4(groups).join(".");
  const masked = groups.map((group, index) => {
    const bitsKept = Math.min(BITS_PER_GROUP, Math.max(0, ipv6PrefixBits - index * BITS_PER_GROUP));
    return bitsKept === 0 ? 0 : group & (0xffff << (BITS_PER_GROUP - bitsKept)) & 0xffff;
  });
  return `${masked.map((group) => group.toString(16)).join(":")}/${ipv6PrefixBits}`;
}
