import { type Address, type Hex, keccak256 } from "viem";

/**
 * Signed answers reused from the Cache API until shortly before they expire. Every answer key
 * carries the name's cache *generation*; a write to the name deletes the generation, and the
 * next lookup starts a new one, so it is answered fresh. (The Cache API is per data center: a
 * write reaches other data centers' cached answers only when those expire — at most the
 * signature TTL.)
 */

const CACHE_ORIGIN = "https://ccip-answer-cache.invalid";
/** Served answers always have at least this much signature life left. */
export const MIN_REMAINING_SECONDS = 60;
/** Generations outlive any answer (signature TTLs are capped at 7 days). */
const GENERATION_MAX_AGE_SECONDS = 8 * 24 * 60 * 60;

/** A cached or fresh signed answer. */
export type SignedAnswer = { data: Hex; expiresSeconds: number };

const generationKey = (node: Hex) => `${CACHE_ORIGIN}/generation/${node}`;

/** The name's current generation, starting a new one when there is none. */
export async function currentGeneration(cache: Cache, node: Hex): Promise<string> {
  const cached = await cache.match(generationKey(node));
  if (cached) return cached.text();
  const generation = crypto.randomUUID();
  await cache.put(generationKey(node), new Response(generation, { headers: { "Cache-Control": `max-age=${GENERATION_MAX_AGE_SECONDS}` } }));
  return generation;
}

/** Makes the next lookup of `node` fresh (call after every write to the name). */
export async function forgetAnswers(cache: Cache, node: Hex): Promise<void> {
  await cache.delete(generationKey(node));
}

/** The cache key of the answer to `callData`, signed for `resolver`, in `generation`. */
export function answerKey(resolver: Address, generation: string, callData: Hex): string {
  return `${CACHE_ORIGIN}/answer/${resolver.toLowerCase()}/${generation}/${keccak256(callData)}`;
}

/** A cached answer that still has at least {@link MIN_REMAINING_SECONDS} to live, or undefined. */
export async function cachedAnswer(cache: Cache, key: string, nowSeconds: number): Promise<SignedAnswer | undefined> {
  const cached = await cache.match(key);
  if (!cached) return undefined;
  const answer = (await cached.json()) as SignedAnswer;
  return answer.expiresSeconds - nowSeconds >= MIN_REMAINING_SECONDS ? answer : undefined;
}

/** Keeps `answer` until {@link MIN_REMAINING_SECONDS} before it expires. */
export async function storeAnswer(cache: Cache, key: string, answer: SignedAnswer, nowSeconds: number): Promise<void> {
  const maxAge = answer.expiresSeconds - nowSeconds - MIN_REMAINING_SECONDS;
  if (maxAge <= 0) return;
  await cache.put(key, new Response(JSON.stringify(answer), { headers: { "Cache-Control": `max-age=${maxAge}` } }));
}
