import { keccak256, recoverAddress } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { describe, expect, test } from "vitest";
import { signatureHash } from "./signatureHash";

const resolver = "0x5FbDB2315678afecb367f032d93F642f64180aa3";

describe("signatureHash", () => {
  test("matches a known value of ENS's reference makeSignatureHash layout", () => {
    // Independent re-statement of the layout: 0x1900 ‖ address ‖ uint64 ‖ bytes32 ‖ bytes32.
    const request = "0x9061b923";
    const result = "0x1234";
    const packed =
      `0x1900${resolver.slice(2).toLowerCase()}${1_700_000_300n.toString(16).padStart(16, "0")}${keccak256(request).slice(2)}${keccak256(result).slice(2)}` as const;
    expect(signatureHash({ resolver, expiresSeconds: 1_700_000_300n, request, result })).toBe(keccak256(packed));
  });

  test("changes when any input changes", () => {
    const base = { resolver, expiresSeconds: 1n, request: "0x01", result: "0x02" } as const;
    const hash = signatureHash(base);
    expect(signatureHash({ ...base, resolver: "0x0000000000000000000000000000000000000001" })).not.toBe(hash);
    expect(signatureHash({ ...base, expiresSeconds: 2n })).not.toBe(hash);
    expect(signatureHash({ ...base, request: "0x03" })).not.toBe(hash);
    expect(signatureHash({ ...base, result: "0x03" })).not.toBe(hash);
  });

  test("a raw-hash signature recovers the signer (no personal_sign prefix)", async () => {
    const account = privateKeyToAccount("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
    const hash = signatureHash({ resolver, expiresSeconds: 5n, request: "0x", result: "0x" });
    const signature = await account.sign({ hash });
    expect(signature.length).toBe(2 + 65 * 2);
    expect(await recoverAddress({ hash, signature })).toBe(account.address);
    // The same digest signed with the EIP-191 personal_sign prefix does not verify as a raw hash:
    // the contract's ecrecover would see another signer.
    const prefixed = await account.signMessage({ message: { raw: hash } });
    expect(await recoverAddress({ hash, signature: prefixed })).not.toBe(account.address);
  });
});
