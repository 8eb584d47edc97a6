/**
 * The address of an address-derived name (`0x<40 lowercase hex>.<domain>`, dm3's `addr` names), or
 * undefined for any other name.
 *
 * @example addressOfAddressName("0x70997970c51812dc3a010c7d01b50e0d17dc79c8.demo.eth") // "0x7099…79c8"
 */
export function addressOfAddressName(name: string): string | undefined {
  const label = name.split(".")[0] ?? "";
  return /^0x[0-9a-f]{40}$/.test(label) ? label : undefined;
}
