/**
 * Benchmarks stand in for many clients at once. The worker rate-limits per client IP, which it
 * reads from `CF-Connecting-IP` (set by Cloudflare in production; wrangler dev keeps a client's
 * own), so each simulated client sends its own address.
 */
export function simulatedClientHeaders(client: number): Record<string, string> {
  return { "CF-Connecting-IP": `10.${(client >> 16) & 255}.${(client >> 8) & 255}.${client & 255}` };
}
