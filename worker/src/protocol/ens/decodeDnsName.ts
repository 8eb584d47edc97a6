import { InvalidDnsNameError } from "./errors";

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * Decodes a DNS wire-format name (length-prefixed labels ending in a zero byte) into its dotted
 * form, with bounds checks on every label. The root name decodes to `""`.
 *
 * @example decodeDnsName(hexToBytes("0x05616c6963650464656d6f0365746800")) // "alice.demo.eth"
 * @see https://docs.ens.domains/ensip/10#specification (RFC 1035 section 3.1)
 * @throws {InvalidDnsNameError} truncated, unterminated, trailing bytes, empty or non-UTF-8 label.
 */
export function decodeDnsName(packet: Uint8Array): string {
  const labels: string[] = [];
  let offset = 0;
  for (;;) {
    if (offset >= packet.length) throw new InvalidDnsNameError("DNS-encoded name has no terminating zero byte");
    const length = packet[offset] as number;
    offset += 1;
    if (length === 0) break;
    if (offset + length > packet.length) {
      throw new InvalidDnsNameError(`DNS-encoded name: label at byte ${offset - 1} runs past the end`);
    }
    labels.push(decodeLabel(packet.subarray(offset, offset + length)));
    offset += length;
  }
  if (offset !== packet.length) throw new InvalidDnsNameError("DNS-encoded name has bytes after its terminating zero");
  return labels.join(".");
}

function decodeLabel(bytes: Uint8Array): string {
  let label: string;
  try {
    label = utf8.decode(bytes);
  } catch (cause) {
    throw new InvalidDnsNameError("DNS-encoded name has a label that is not valid UTF-8", { cause });
  }
  if (label.includes(".")) throw new InvalidDnsNameError("DNS-encoded name has a label containing a dot");
  return label;
}
