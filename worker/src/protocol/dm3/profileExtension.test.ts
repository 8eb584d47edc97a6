import { describe, expect, test } from "vitest";
import { DM3_MESSAGE_TYPES, profileExtensionOf } from "./profileExtension";

const TOKEN = "0x5FbDB2315678afecb367f032d93F642f64180aa3" as const;

describe("profileExtensionOf (dm3-spec 1097153, mtp-deliveryservice-api.md)", () => {
  test("no rules: the default scheme and every message type", () => {
    expect(profileExtensionOf(undefined)).toEqual({
      encryptionAlgorithm: ["x25519-chacha20-poly1305"],
      supportedMessageTypes: [...DM3_MESSAGE_TYPES],
      notSupportedMessageTypes: [],
    });
  });

  test("spam rules in the specification's field names, numbers as strings", () => {
    expect(profileExtensionOf({ minNonce: 1, minBalance: "1000000000000000000" })).toMatchObject({ minNonce: "1", minBalance: "1000000000000000000" });
    const tokenOnly = profileExtensionOf({ minTokenBalance: { address: TOKEN, amount: "50" } });
    expect(tokenOnly).toMatchObject({ minBalance: "50", minBalanceTokenAddress: TOKEN });
    expect(tokenOnly.minTokenBalance).toBeUndefined();
    // Both an ETH and a token balance: ETH in the specification's field, the token in ours.
    const both = profileExtensionOf({ minBalance: "7", minTokenBalance: { address: TOKEN, amount: "50" } });
    expect(both).toMatchObject({ minBalance: "7", minTokenBalance: { address: TOKEN, amount: "50" } });
    expect(both.minBalanceTokenAddress).toBeUndefined();
  });

  test("NEW is always supported; the rest is listed as dm3's implementation expects too", () => {
    expect(profileExtensionOf(undefined, ["REPLY"])).toMatchObject({
      supportedMessageTypes: ["NEW", "REPLY"],
      notSupportedMessageTypes: ["DELETE_REQUEST", "EDIT", "REACTION", "READ_OPENED", "READ_RECEIVED", "RESEND_REQUEST"],
    });
  });
});
