/**
 * The benchmark's floor: the least a Worker can do to answer our CCIP route — no framework, no
 * validation library, no cache, one prepared D1 statement over the registry's own schema and data,
 * and the same signing as the gateway (EIP-3668 answer, signature over the same digest). It checks
 * nothing a client could get wrong; it is a yardstick, never deployed.
 */
import { decodeFunctionData, encodeAbiParameters, type Hex, parseAbi } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { encodeResolveResponse } from "../../worker/src/protocol/ccip/encodeResolveResponse";

/** The part of D1 the floor uses (declared here: the worker's runtime types stay out of the Node project). */
type PreparedStatement = { bind(...values: unknown[]): { first<T>(column: string): Promise<T | null> } };
type FloorEnv = { DB: { prepare(sql: string): PreparedStatement }; SIGNER_PRIVATE_KEY: Hex; RESOLVER_ADDRESS: Hex };

const resolveAbi = parseAbi(["function resolve(bytes name, bytes data) view returns (bytes)"]);
const textAbi = parseAbi(["function text(bytes32 node, string key) view returns (string)"]);
const STRING_OUTPUT = [{ type: "string" }] as const;
const SIGNATURE_TTL_SECONDS = 300;

let signer: ReturnType<typeof privateKeyToAccount> | undefined;
let statement: PreparedStatement | undefined;

export default {
  async fetch(request: Request, env: FloorEnv): Promise<Response> {
    const { pathname } = new URL(request.url);
    if (pathname === "/health") return Response.json({ ok: true });
    const data = pathname.split("/")[3]?.replace(/\.json$/, "") as Hex;
    const [, inner] = decodeFunctionData({ abi: resolveAbi, data }).args;
    const [node, key] = decodeFunctionData({ abi: textAbi, data: inner }).args;
    statement ??= env.DB.prepare("SELECT value FROM text_records WHERE node = ?1 AND key = ?2");
    const value = (await statement.bind(node, key).first<string>("value")) ?? "";
    signer ??= privateKeyToAccount(env.SIGNER_PRIVATE_KEY);
    const answer = await encodeResolveResponse(signer, {
      resolver: env.RESOLVER_ADDRESS,
      expiresSeconds: BigInt(Math.floor(Date.now() / 1000) + SIGNATURE_TTL_SECONDS),
      request: data,
      result: encodeAbiParameters(STRING_OUTPUT, [value]),
    });
    return Response.json({ data: answer });
  },
};
