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
  const address = text
    .trim()
    .replace(/^\[|\]$/g, "")
    .replace(/%.*$/, "");
  if (!address.includes(":")) return undefined;
  const halves = address.split("::");
  if (halves.length > 2) return undefined;
  const parseHalf = (half: string): number[] | undefined => {
    if (half === "") return [];
    const groups: number[] = [];
    for (const part of half.split(":")) {
      const octets = parseIpv4(part);
      if (octets) {
        const [a = 0, b = 0, c = 0, d = 0] = octets;
        groups.push((a << 8) | b, (c << 8) | d);
      } else if (/^[0-9a-f]{1,4}$/i.test(part)) groups.push(Number.parseInt(part, 16));
      else return undefined;
    }
    return groups;
  };
  const [first = "", second] = halves;
  const head = parseHalf(first);
  const tail = second === undefined ? [] : parseHalf(second);
  if (!head || !tail) return undefined;
  if (halves.length === 1) return head.length === IPV6_GROUPS ? head : undefined;
  const missing = IPV6_GROUPS - head.length - tail.length;
  if (missing < 1) return undefined;
  return [...head, ...new Array<number>(missing).fill(0), ...tail];
}

/** The IPv4 address inside IPv6 groups 6 and 7. */
export function embeddedIpv4(groups: number[]): number[] {
  return ipv4OfGroups(groups[6] ?? 0, groups[7] ?? 0);
}

/** The IPv4 address two 16-bit groups spell. */
export function ipv4OfGroups(high: number, low: number): number[] {
  return [high >> 8, high & 0xff, low >> 8, low & 0xff];
}
