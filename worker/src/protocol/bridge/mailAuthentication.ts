/** Whether a mail's sender domain is proven, by the receiving platform's own verdicts. */
export type MailAuthentication = { authenticated: true; method: "dmarc" | "dkim" } | { authenticated: false; reason: string };

type Verdict = { method: string; result: string; properties: Map<string, string> };

/**
 * Judges inbound mail by the `Authentication-Results` header (RFC 8601) its receiving platform
 * added: only the topmost one counts, and only when its authserv-id is `authservId` (a sender can
 * write any header further down). The From domain is proven by DMARC `pass` for that domain, or by
 * a DKIM `pass` whose signing domain is aligned with it (the same or a parent domain). SPF alone
 * proves only the envelope sender, which a From header need not match, so it never suffices.
 *
 * @param authenticationResults the header's values in the order they appear, topmost first
 * @param fromDomain the From header's domain (lowercase ASCII)
 */
export function checkMailAuthentication(authenticationResults: readonly string[], fromDomain: string, authservId: string): MailAuthentication {
  const [topmost] = authenticationResults;
  if (topmost === undefined) return { authenticated: false, reason: "it carries no authentication results" };
  const [server = "", ...statements] = withoutComments(topmost)
    .split(";")
    .map((part) => part.trim());
  if (server.split(/\s+/)[0]?.toLowerCase() !== authservId) {
    return { authenticated: false, reason: `its authentication results are not from ${authservId}` };
  }
  const verdicts = statements.flatMap((statement) => parseVerdict(statement) ?? []);
  const domain = fromDomain.toLowerCase();
  if (verdicts.some((verdict) => verdict.method === "dmarc" && verdict.result === "pass" && verdict.properties.get("header.from") === domain)) {
    return { authenticated: true, method: "dmarc" };
  }
  const aligned = (signer: string | undefined) => signer !== undefined && (domain === signer || domain.endsWith(`.${signer}`));
  if (verdicts.some((verdict) => verdict.method === "dkim" && verdict.result === "pass" && aligned(verdict.properties.get("header.d")))) {
    return { authenticated: true, method: "dkim" };
  }
  return { authenticated: false, reason: `${domain} is not proven: no DMARC pass and no aligned DKIM pass` };
}

/** `dkim=pass header.d=example.com header.s=k1` → method, result and properties (lowercase). */
function parseVerdict(statement: string): Verdict | undefined {
  const [head, ...rest] = statement.split(/\s+/);
  const match = /^([a-z0-9-]+)=([a-z]+)$/i.exec(head ?? "");
  if (!match?.[1] || !match[2]) return undefined;
  const properties = new Map<string, string>();
  for (const token of rest) {
    const at = token.indexOf("=");
    if (at > 0)
      properties.set(
        token.slice(0, at).toLowerCase(),
        token
          .slice(at + 1)
          .replace(/^"|"$/g, "")
          .toLowerCase(),
      );
  }
  return { method: match[1].toLowerCase(), result: match[2].toLowerCase(), properties };
}

/** RFC 8601 values may carry (nested) comments in parentheses: dropped. */
function withoutComments(value: string): string {
  let depth = 0;
  let out = "";
  for (const char of value) {
    if (char === "(") depth++;
    else if (char === ")") depth = Math.max(0, depth - 1);
    else if (depth === 0) out += char;
  }
  return out;
}
