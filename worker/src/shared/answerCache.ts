import { type Address, type Hex, keccak256 } from "viem";
import { createIsolateCache } from "./isolateCache";

/**
 * Signed answers reused until shortly before they expire, from two layers: this isolate's memory
 * and the data center's Cache API. Every answer key carries the name's cache *generation*; a
 * write to the name drops the generation and the next lookup starts a new one, so it is answered
 * fresh. Freshness after a write: at once in the writing isolate, within
 * {@link GENERATION_MEMORY_MS} in the data center's other isolates, and — the Cache API being
 * per data center — within the answers' remaining cache life elsewhere (≤ signature TTL − 60 s).
 */

const CACHE_ORIGIN = "https://ccip-answer-cache.invalid";
/** Served answers always have at least this much signature life left. */
export const MIN_REMAINING_SECONDS = 60;
/** How long an isolate trusts its memory of a name's generation. */
export const GENERATION_MEMORY_MS = 2_000;
/** Generations outlive any answer (signature TTLs are capped at 7 days). */
const GENERATION_MAX_AGE_SECONDS = 8 * 24 * 60 * 60;
const MEMORY_ENTRIES = 10_000;

/**
 * How long an isolate trusts that a name does not exist, so that repeated lookups of made-up names
 * do not cost a D1 read each. A name created through another isolate answers within this time;
 * through this one, at once (every write voids the memory).
 */
export const ABSENCE_MEMORY_MS = 5_000;

/** How long an isolate remembers that it saw a lookup, to cache it if it comes again. */
export const REPEAT_WINDOW_MS = 5 * 60 * 1000;

/**
 * Makes the next lookups of names fresh after a write: `nodes` are the names that had answers
 * (existed before); every call, even with none, voids this isolate's memory of absent names (the
 * write may have created one).
 */
export type AnswerInvalidation = { forget(nodes: readonly Hex[]): Promise<void> };

/** A cached or fresh signed answer. */
export type SignedAnswer = { data: Hex; expiresSeconds: number };

const generations = createIsolateCache<string>(MEMORY_ENTRIES);
const answers = createIsolateCache<SignedAnswer>(MEMORY_ENTRIES);
const seenLookups = createIsolateCache<true>(MEMORY_ENTRIES);
const origins = createIsolateCache<AnswerOrigin>(MEMORY_ENTRIES);
const absences = createIsolateCache<number>(MEMORY_ENTRIES);
/** Counts name writes in this isolate: an absence noted under an older count is void. */
let writeCount = 0;

/** Whether this isolate knows, since its last name write, that the name `node` does not exist. */
export function isKnownAbsent(node: Hex, nowMs: number): boolean {
  return absences.recall(node, nowMs) === writeCount;
}

/**
 * Where to note that `node` turned out not to exist: a read that saw no name calls the returned
 * function, which keeps the absence only if no write happened in this isolate since the read began.
 */
export function absenceWitness(node: Hex): (nowMs: number) => void {
  const writesBefore = writeCount;
  return (nowMs) => {
    if (writeCount === writesBefore) absences.remember(node, writesBefore, nowMs + ABSENCE_MEMORY_MS);
  };
}

/** What a remembered answer was signed for: enough to re-check it without decoding its call again. */
export type AnswerOrigin = { name: string; node: Hex; resolver: Address; signer: Address; generation: string; key: string };

/**
 * Whether this isolate saw the same lookup within {@link REPEAT_WINDOW_MS} (and notes this one).
 * A lookup is cached only from its second time: the Cache API's reads and writes on a miss cost
 * more than the D1 read and signature they save unless the answer is used again, and most
 * one-off lookups never are. Keyed by the call data as given (no hashing on this path).
 */
export function seenBefore(callData: string, nowMs: number): boolean {
  if (seenLookups.recall(callData, nowMs)) return true;
  seenLookups.remember(callData, true, nowMs + REPEAT_WINDOW_MS);
  return false;
}

const generationKey = (node: Hex) => `${CACHE_ORIGIN}/generation/${node}`;

/**
 * The name's current generation, and whether it was just started (so nothing can be cached under
 * it yet). A new generation is stored through `defer`, off the request's critical path.
 */
export async function currentGeneration(
  cache: Cache,
  node: Hex,
  defer: (work: Promise<unknown>) => void,
  nowMs: number,
): Promise<{ generation: string; isNew: boolean }> {
  const remembered = generations.recall(node, nowMs);
  if (remembered) return { generation: remembered, isNew: false };
  const cached = await cache.match(generationKey(node));
  if (cached) {
    const generation = await cached.text();
    generations.remember(node, generation, nowMs + GENERATION_MEMORY_MS);
    return { generation, isNew: false };
  }
  const generation = crypto.randomUUID();
  defer(cache.put(generationKey(node), new Response(generation, { headers: { "Cache-Control": `max-age=${GENERATION_MAX_AGE_SECONDS}` } })));
  generations.remember(node, generation, nowMs + GENERATION_MEMORY_MS);
  return { generation, isNew: true };
}

/**
 * The answer this isolate holds in memory for exactly `callData` — a hit with no decoding and no
 * hashing — if it was signed under the name's generation this isolate still holds as current and
 * `stillValid` accepts its origin (same resolver and signer as a fresh answer would use). Anything
 * else is for the full path to decide.
 */
export function rememberedAnswer(callData: string, nowSeconds: number, stillValid: (origin: AnswerOrigin) => boolean): SignedAnswer | undefined {
  const nowMs = nowSeconds * 1000;
  const origin = origins.recall(callData, nowMs);
  if (!origin || generations.recall(origin.node, nowMs) !== origin.generation || !stillValid(origin)) return undefined;
  return answers.recall(origin.key, nowMs);
}

/** Notes what `callData`'s cached answer was signed for (see {@link rememberedAnswer}). */
export function rememberOrigin(callData: string, origin: AnswerOrigin, answer: SignedAnswer): void {
  origins.remember(callData, origin, (answer.expiresSeconds - MIN_REMAINING_SECONDS) * 1000);
}

/** Makes the next lookups of `nodes` fresh and voids the memory of absent names (call after every name write). */
export async function forgetAnswers(cache: Cache, nodes: readonly Hex[]): Promise<void> {
  writeCount++;
  await Promise.all(
    nodes.map((node) => {
      generations.forget(node);
      return cache.delete(generationKey(node));
    }),
  );
}

/**
 * The cache key of the answer to `callData`, signed by `signer` for `resolver`, in `generation`.
 * The signer is part of it so that a rotated key is used at once (see the key-rotation runbook).
 */
export function answerKey(resolver: Address, signer: Address, generation: string, callData: Hex): string {
  return `${CACHE_ORIGIN}/answer/${resolver.toLowerCase()}/${signer.toLowerCase()}/${generation}/${keccak256(callData)}`;
}

/** A cached answer that still has at least {@link MIN_REMAINING_SECONDS} to live, or undefined. */
export async function cachedAnswer(cache: Cache, key: string, nowSeconds: number): Promise<SignedAnswer | undefined> {
  const nowMs = nowSeconds * 1000;
  const remembered = answers.recall(key, nowMs);
  if (remembered) return remembered;
  const cached = await cache.match(key);
  if (!cached) return undefined;
  const answer = (await cached.json()) as SignedAnswer;
  if (answer.expiresSeconds - nowSeconds < MIN_REMAINING_SECONDS) return undefined;
  answers.remember(key, answer, (answer.expiresSeconds - MIN_REMAINING_SECONDS) * 1000);
  return answer;
}

/** Keeps `answer` (memory at once, Cache API as returned promise) until {@link MIN_REMAINING_SECONDS} before it expires. */
export async function storeAnswer(cache: Cache, key: string, answer: SignedAnswer, nowSeconds: number): Promise<void> {
  const maxAge = answer.expiresSeconds - nowSeconds - MIN_REMAINING_SECONDS;
  if (maxAge <= 0) return;
  answers.remember(key, answer, (answer.expiresSeconds - MIN_REMAINING_SECONDS) * 1000);
  await cache.put(key, new Response(JSON.stringify(answer), { headers: { "Cache-Control": `max-age=${maxAge}` } }));
}
