import type { Hex, PrivateKeyAccount } from "viem";
import type { Database } from "../db/client";
import { findServingDomain, type ServedDomain } from "../registry/servedDomains";
import { decodeResolveCall, type RecordQuery } from "./decodeResolveCall";
import { answerMulticall } from "./answerMulticall";
import { encodeResolveResponse } from "./encodeResolveResponse";
import { DomainNotServedError } from "./errors";
import { readRecord } from "./readRecord";

/** What answering a lookup needs, resolved by the route. */
export type AnswerContext = {
  db: Database;
  /** Records the worker itself serves instead of D1 (e.g. the delivery service profile). */
  servedRecord?: (name: string, record: RecordQuery) => Hex | undefined;
  domains: Promise<readonly ServedDomain[]>;
  signer: PrivateKeyAccount;
  signatureTtlSeconds: number;
  nowSeconds: number;
};

/**
 * Answers one EIP-3668 lookup: decodes and checks the `resolve(bytes,bytes)` call, reads the record
 * and signs it for the resolver of the name's served domain (not the request's `sender`, which a
 * relaying contract such as ENS's UniversalResolver replaces with its own address).
 *
 * @returns the hex `data` of the gateway's JSON answer.
 * @throws {DomainNotServedError} when the name is under no served domain.
 */
export async function answerResolveCall(context: AnswerContext, callData: Hex): Promise<Hex> {
  const call = decodeResolveCall(callData);
  const { name } = call;
  const read = (record: RecordQuery) => context.servedRecord?.(name, record) ?? readRecord(context.db, record);
  const answer = "record" in call ? read(call.record) : answerMulticall(call.multicall, read);
  const [domains, result] = await Promise.all([context.domains, answer]);
  const domain = findServingDomain(domains, name);
  if (!domain) throw new DomainNotServedError(name);
  return encodeResolveResponse(context.signer, {
    resolver: domain.resolverAddress,
    expiresSeconds: BigInt(context.nowSeconds + context.signatureTtlSeconds),
    request: callData,
    result,
  });
}
