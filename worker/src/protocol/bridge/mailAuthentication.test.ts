import { describe, expect, test } from "vitest";
import { checkMailAuthentication } from "./mailAuthentication";

const PLATFORM = "mx.cloudflare.net";

describe("checkMailAuthentication", () => {
  test.each([
    [`${PLATFORM}; dmarc=pass (p=reject dis=none) header.from=example.com`, "dmarc"],
    [`${PLATFORM}; dkim=pass header.d=example.com header.s=k1; dmarc=none`, "dkim"],
    [`MX.Cloudflare.NET 1; dkim=pass (2048-bit key) header.d=example.com`, "dkim"],
    // Relaxed alignment: a parent domain's DKIM signature proves a subdomain's From.
    [`${PLATFORM}; dkim=pass header.d=example.com`, "dkim", "mail.example.com"],
  ])("%s proves the From domain by %s", (header, method, domain = "example.com") => {
    expect(checkMailAuthentication([header], domain, PLATFORM)).toEqual({ authenticated: true, method });
  });

  test.each([
    [[], /no authentication results/],
    [[`evil.example; dmarc=pass header.from=example.com`], /not from mx\.cloudflare\.net/],
    // A header a sender wrote sits below the platform's: only the topmost counts.
    [[`${PLATFORM}; dmarc=fail header.from=example.com`, `${PLATFORM}; dmarc=pass header.from=example.com`], /not proven/],
    [[`${PLATFORM}; spf=pass smtp.mailfrom=example.com`], /not proven/],
    [[`${PLATFORM}; dmarc=pass header.from=other.example`], /not proven/],
    [[`${PLATFORM}; dkim=pass header.d=other.example`], /not proven/],
    // A signing domain under the From domain does not prove it (alignment goes one way).
    [[`${PLATFORM}; dkim=pass header.d=sub.example.com`], /not proven/],
    [[`${PLATFORM}; dkim=fail header.d=example.com; dmarc=temperror header.from=example.com`], /not proven/],
    [[`${PLATFORM} (dmarc=pass header.from=example.com)`], /not proven/],
  ])("%j is not proof", (headers, reason) => {
    const verdict = checkMailAuthentication(headers, "example.com", PLATFORM);
    expect(verdict.authenticated).toBe(false);
    expect(verdict.authenticated === false && verdict.reason).toMatch(reason);
  });
});
