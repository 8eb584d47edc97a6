import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { beforeAll, describe, expect, test } from "vitest";
import { signUserProfile } from "../src/protocol/dm3/profile";
import { RESOLVER, TEST_PROFILE, adminPut, alice, call } from "./fixtures";

const profile = TEST_PROFILE;
const post = (body: unknown) => call("/profile/address", { method: "POST", body: JSON.stringify(body) });

beforeAll(async () => {
  expect((await adminPut("/v1/domains/addr.eth", { resolverAddress: RESOLVER, chainId: 31337, allowAddressNames: true })).status).toBe(200);
  expect((await adminPut("/v1/domains/shut.eth", { resolverAddress: RESOLVER, chainId: 31337 })).status).toBe(200);
});

describe("dm3 offchain-resolver routes", () => {
  test("POST /profile/address registers the address name with the signed profile", async () => {
    const signedUserProfile = await signUserProfile(alice, profile);
    const response = await post({ signedUserProfile, address: alice.address, subdomain: "addr.eth" });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("OK");
    const name = `${alice.address.toLowerCase()}.addr.eth`;
    expect(await (await call(`/v1/names/${name}`)).json()).toMatchObject({ owner: alice.address, dm3Profile: signedUserProfile });
  });

  test("POST /profile/address updates the profile of an existing address name", async () => {
    const updated = await signUserProfile(alice, { ...profile, deliveryServices: ["ds2.addr.eth"] });
    expect((await post({ signedUserProfile: updated, address: alice.address.toLowerCase(), subdomain: "addr.eth" })).status).toBe(200);
    expect(await (await call(`/profile/${alice.address}`)).json()).toEqual(updated);
  });

  test("GET /profile/name/{address} answers dm3's {name} shape", async () => {
    expect(await (await call(`/profile/name/${alice.address}`)).json()).toEqual({ name: `${alice.address.toLowerCase()}.addr.eth` });
  });

  test("refuses a profile signed by another address, with dm3's {error}", async () => {
    const other = privateKeyToAccount(generatePrivateKey());
    const response = await post({ signedUserProfile: await signUserProfile(alice, profile), address: other.address, subdomain: "addr.eth" });
    expect(response.status).toBe(422);
    const body = (await response.json()) as { error: string; code: string };
    expect(body.code).toBe("invalid_profile_signature");
    expect(body.error).toContain(other.address);
    expect((await call(`/profile/${other.address}`)).status).toBe(404);
  });

  test("refuses domains that do not allow address names, and unknown ones", async () => {
    const signedUserProfile = await signUserProfile(alice, profile);
    expect((await post({ signedUserProfile, address: alice.address, subdomain: "shut.eth" })).status).toBe(403);
    expect((await post({ signedUserProfile, address: alice.address, subdomain: "nope.eth" })).status).toBe(404);
  });

  test.each([
    ["no profile", { address: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", subdomain: "addr.eth" }],
    ["a malformed address", { signedUserProfile: { profile, signature: "0x00" }, address: "0x1", subdomain: "addr.eth" }],
  ])("refuses %s with 400 {error}", async (_, body) => {
    const response = await post(body);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error.length).toBeGreaterThan(0);
  });

  test("GET /profile/{address} answers 404 for an address without a profile and 400 for a non-address", async () => {
    expect((await call("/profile/0x000000000000000000000000000000000000dEaD")).status).toBe(404);
    expect((await call("/profile/not-an-address")).status).toBe(400);
  });
});
