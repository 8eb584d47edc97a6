import { sha256, stringToBytes } from "viem";
import { describe, expect, test } from "vitest";
import { ProfileRecordError, readProfileRecord } from "./profileRecord";
import { stringify } from "./stringify";

const PROFILE = { profile: { deliveryServices: ["ds.example.eth"], publicEncryptionKey: "e", publicSigningKey: "s" }, signature: "0x01" };
/** dm3-lib-profile's rule: dm3Hash = sha256(stringify(profile)), 0x-prefixed lowercase. */
const HASH = sha256(stringToBytes(stringify(PROFILE)));

/** A fetcher that serves `documents` by URL and records what it was asked for. */
function fetcherOf(documents: Record<string, unknown>, ipfsGateway?: string) {
  const asked: string[] = [];
  return {
    asked,
    fetcher: {
      ipfsGateway,
      async fetchJson(url: string) {
        asked.push(url);
        if (!(url in documents)) throw new ProfileRecordError(`${url} answered HTTP 404`);
        return documents[url];
      },
    },
  };
}

describe("readProfileRecord: every profile form dm3's registry specification allows", () => {
  test("data: as before, without fetching", async () => {
    const { asked, fetcher } = fetcherOf({});
    expect(await readProfileRecord(`data:application/json,${stringify(PROFILE)}`, fetcher)).toEqual(PROFILE);
    expect(await readProfileRecord("data:application/json,{not json", fetcher)).toBeUndefined();
    expect(asked).toEqual([]);
  });

  test("an https URL with dm3Hash: fetched, and the hash checked (any case)", async () => {
    const url = `https://profiles.example/alice?dm3Hash=${HASH}`;
    const upper = `https://profiles.example/alice?dm3Hash=${HASH.toUpperCase()}`;
    const { asked, fetcher } = fetcherOf({ [url]: PROFILE, [upper]: PROFILE });
    expect(await readProfileRecord(url, fetcher)).toEqual(PROFILE);
    expect(await readProfileRecord(upper, fetcher)).toEqual(PROFILE);
    expect(asked).toEqual([url, upper]);
  });

  test("a hash that does not match, a URL without exactly one dm3Hash, an unreachable one: refused, saying why", async () => {
    const tampered = { ...PROFILE, signature: "0x02" };
    const url = `https://profiles.example/alice?dm3Hash=${HASH}`;
    await expect(readProfileRecord(url, fetcherOf({ [url]: tampered }).fetcher)).rejects.toThrow(/does not match its dm3Hash/);
    await expect(readProfileRecord("https://profiles.example/alice", fetcherOf({}).fetcher)).rejects.toThrow(/without exactly one dm3Hash/);
    await expect(readProfileRecord(`${url}&dm3Hash=${HASH}`, fetcherOf({}).fetcher)).rejects.toThrow(/without exactly one dm3Hash/);
    await expect(readProfileRecord(url, fetcherOf({}).fetcher)).rejects.toBeInstanceOf(ProfileRecordError);
  });

  test("ipfs:// through the configured gateway, refused without one", async () => {
    const { asked, fetcher } = fetcherOf({ "https://gateway.example/ipfs/bafyprofile": PROFILE }, "https://gateway.example/ipfs/");
    expect(await readProfileRecord("ipfs://bafyprofile", fetcher)).toEqual(PROFILE);
    expect(asked).toEqual(["https://gateway.example/ipfs/bafyprofile"]);
    await expect(readProfileRecord("ipfs://bafyprofile", fetcherOf({}).fetcher)).rejects.toThrow(/no IPFS gateway configured/);
  });

  test("empty and unknown values hold no profile", async () => {
    const { fetcher } = fetcherOf({});
    for (const value of ["", "hello", "ftp://example.com/p", "javascript:alert(1)"]) expect(await readProfileRecord(value, fetcher)).toBeUndefined();
  });
});
