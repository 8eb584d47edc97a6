import type { Hex, PrivateKeyAccount } from "viem";
import type { D1Client } from "../db/d1Clients";
import { findServingDomain, type ServedDomain } from "../shared/servedDomains";
import { decodeResolveCall, type RecordQuery } from "../protocol/ccip/decodeResolveCall";
import { answerMulticall } from "./answerMulticall";
import {
  absenceWitness,
  answerKey,
  cachedAnswer,
  currentGeneration,
  isKnownAbsent,
  rememberedAnswer,
  rememberOrigin,
  seenBefore,
  type AnswerOrigin,
  type SignedAnswer,
  storeAnswer,
} from "../shared/answerCache";
import { encodeResolveResponse } from "../protocol/ccip/encodeResolveResponse";
import { DomainNotServedError } from "./errors";
import { readRecord, unsetRecord } from "./readRecord";

/** What answering a lookup needs, resolved by the route. */
export type AnswerContext = {
  /** The D1 binding or session of a served domain's names. */
  namesOf: (domain: ServedDomain) => D1Client;
  /** Records the worker itself serves instead of D1 (e.g. the delivery service profile). */
  servedRecord?: (name: string, record: RecordQuery, domain: ServedDomain) => Hex | undefined;
  domains: Promise<readonly ServedDomain[]>;
  signer: PrivateKeyAccount;
  signatureTtlSeconds: number;
  nowSeconds: number;
  /** Where signed answers are reused from (the Cache API); absent: always sign afresh. */
  cache?: Cache;
  /** Runs work after the response (the worker's `waitUntil`). */
  defer?: (work: Promise<unknown>) => void;
};

/**
 * Answers one EIP-3668 lookup: decodes and checks the `resolve(bytes,bytes)` call, reads the record
 * and signs it for the resolver of the name's served domain (not the request's `sender`, which a
 * relaying contract such as ENS's UniversalResolver replaces with its own address).
 *
 * Answers are reused from the cache (when given) until shortly before they expire; a lookup is
 * cached from the second time this isolate sees it. With the cache, a name found not to exist is
 * remembered as absent for a few seconds (see `ABSENCE_MEMORY_MS`): its lookups then read nothing.
 *
 * @returns the hex `data` of the gateway's JSON answer and when its signature expires.
 * @throws {DomainNotServedError} when the name is under no served domain.
 */
export async function answerResolveCall(context: AnswerContext, callData: Hex): Promise<SignedAnswer> {
  const domains = await context.domains;
  if (context.cache) {
    // A repeated lookup answered from memory: checked as the full path would (the name's current
    // generation, its domain's resolver, this signer), without decoding and hashing the call again.
    const remembered = rememberedAnswer(
      callData,
      context.nowSeconds,
      (origin) => origin.signer === context.signer.address && findServingDomain(domains, origin.name)?.resolverAddress === origin.resolver,
    );
    if (remembered) return remembered;
  }
  const call = decodeResolveCall(callData);
  const { name } = call;
  const domain = findServingDomain(domains, name);
  if (!domain) throw new DomainNotServedError(name);

  const nowMs = context.nowSeconds * 1000;
  const absent = context.cache !== undefined && isKnownAbsent(call.node, nowMs);
  // The first sighting of a lookup in this isolate skips the cache entirely (see `seenBefore`), and
  // so does a name known to be absent (nothing about it is cached).
  const cache = context.cache && !absent && seenBefore(callData, nowMs) ? context.cache : undefined;
  const defer = context.defer ?? ((work: Promise<unknown>) => void work.catch((error: unknown) => console.error("cache write failed", error)));
  let origin: AnswerOrigin | undefined;
  if (cache) {
    const { generation, isNew } = await currentGeneration(cache, call.node, defer, nowMs);
    const key = answerKey(domain.resolverAddress, context.signer.address, generation, callData);
    origin = { name, node: call.node, resolver: domain.resolverAddress, signer: context.signer.address, generation, key };
    const cached = isNew ? undefined : await cachedAnswer(cache, key, context.nowSeconds);
    if (cached) {
      rememberOrigin(callData, origin, cached);
      return cached;
    }
  }

  // Answers about a name that does not exist are not cached: creating it then needs no forgetting
  // (a bulk import of new names writes no cache keys).
  let exists = false;
  const db = context.namesOf(domain);
  const noteAbsence = context.cache && !absent ? absenceWitness(call.node) : undefined;
  const read = async (record: RecordQuery): Promise<Hex> => {
    const served = context.servedRecord?.(name, record, domain);
    if (served !== undefined) {
      exists = true;
      return served;
    }
    if (absent) return unsetRecord(record);
    const found = await readRecord(db, record);
    exists ||= found.exists;
    return found.data;
  };
  const result = await ("record" in call ? read(call.record) : answerMulticall(call.multicall, read));
  const expiresSeconds = context.nowSeconds + context.signatureTtlSeconds;
  const data = await encodeResolveResponse(context.signer, {
    resolver: domain.resolverAddress,
    expiresSeconds: BigInt(expiresSeconds),
    request: callData,
    result,
  });
  const answer = { data, expiresSeconds };
  if (!exists) noteAbsence?.(nowMs);
  if (cache && origin && exists) {
    rememberOrigin(callData, origin, answer);
    defer(storeAnswer(cache, origin.key, answer, context.nowSeconds));
  }
  return answer;
}
