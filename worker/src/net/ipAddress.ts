const IPV6_GROUPS = 8;

/**
 * The four octets of a dotted-quad IPv4 address, or undefined. (Other spellings — decimal, hex,
 * octal, short forms — are what `new URL()` turns into this form for a URL's host.)
 */
export function parseIpv4(text: string): number[] | undefined {
  if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(text)) return undefined;
  const octets = text.split(".").map(Number);
  return octets.every((octet) => octet <= 255) ? octets : undefined;
}

/**
 * The eight 16-bit groups of an IPv6 address (`::`, embedded IPv4, brackets and a zone id allowed),
 * or undefined.
 *
 * @example parseIpv6("::ffff:127.0.0.1") // [0, 0, 0, 0, 0, 0xffff, 0x7f00, 1]
 */
export function parseIpv6(text: string): number[] | undefined {
  const address = text.trim().replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  if (!address.includes(":")) return undefined;
  const halves = address.split("::");
  if (halves.length > 2) return undefined;
  const parseHalf = (half: string): number[] | undefined => {
    if (half === "") return [];
    const groups: number[] = [];
    for (const part of half.split(":")) {
      const octets = parseIpv4(part);
      if (octets) groups.push((octets[0]! << 8) | octets[1]!, (octets[2]! << 8) | octets[3]!);
      else if (/^[0-9a-f]{1,4}$/i.test(part)) groups.push(Number.parseInt(part, 16));
      else return undefined;
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

/** The IPv4 address inside IPv6 groups 6 and 7. */
export function embeddedIpv4(groups: number[]): number[] {
  return [groups[6]! >> 8, groups[6]! & 0xff, groups[7]! >> 8, groups[7]! & 0xff];
}
