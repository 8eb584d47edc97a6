import { type Context, Hono } from "hono";
import { getAddress } from "viem";
import { createSiweMessage, generateSiweNonce } from "viem/siwe";
import { storeSiweChallenge } from "../../db/siweChallenges";
import { onDm3Error } from "../../http/errors";
import { limitBody } from "../../http/limitBody";
import { limitPerIp } from "../../http/rateLimit";
import { readJsonBody } from "../../http/readJsonBody";
import { describeRoute } from "../../http/routeDocs";
import { queryOf, validate } from "../../http/validate";
import type { EnsReader } from "../../protocol/dm3/resolveDm3";
import { OnboardingNeedsChainError } from "../errors";
import { NAME_LIMITS } from "../limits";
import { domainRegistration } from "../routeContext";
import { enableDomain } from "./enableDomain";
import { EnableDomainSchema, SiweMessageQuerySchema } from "./schemas";

/** How long a SIWE message may be signed and sent back. */
const SIWE_LIFETIME_SECONDS = 10 * 60;

function chainOf(c: Context): EnsReader & { client: { getChainId: () => Promise<number> } } {
  const ens = c.get("services").ens();
  if (!ens?.client.getChainId) throw new OnboardingNeedsChainError();
  return ens as EnsReader & { client: { getChainId: () => Promise<number> } };
}

/**
 * NameStone's self-service onboarding: `get-siwe-message` hands the owner of a domain an EIP-4361
 * message (kept here, one per address, for 10 minutes), `enable-domain` takes its signature and
 * answers a service key for the domain once the chain says the signer owns it and its resolver
 * trusts this gateway. Both are counted per client IP like every other authentication attempt.
 */
export const onboardingRoutes = new Hono()
  .get(
    "/get-siwe-message",
    describeRoute({
      operationId: "namestoneGetSiweMessage",
      summary: "NameStone: a SIWE message for the owner of a domain to sign (text/plain)",
      tag: "namestone",
      auth: "none",
      responseType: "text/plain",
    }),
    limitPerIp("AUTH_PER_IP_LIMITER", "SIWE messages"),
    queryOf(SiweMessageQuerySchema),
    async (c) => {
      const query = c.req.valid("query");
      const services = c.get("services");
      const chainId = await chainOf(c).client.getChainId();
      const origin = services.settings.publicUrl() ?? new URL(c.req.url).origin;
      const issuedAt = new Date(services.clock.nowMs());
      const expirationTime = new Date(issuedAt.getTime() + SIWE_LIFETIME_SECONDS * 1000);
      const message = createSiweMessage({
        address: getAddress(query.address.toLowerCase()),
        chainId,
        domain: query.domain ?? new URL(origin).host,
        uri: query.uri ?? `${origin}/namestone/v1/get-siwe-message`,
        version: "1",
        nonce: generateSiweNonce(),
        statement: "Sign this message to access protected endpoints.",
        issuedAt,
        expirationTime,
      });
      await storeSiweChallenge(
        services.db,
        { address: query.address, message, expiresAtSeconds: services.clock.nowSeconds() + SIWE_LIFETIME_SECONDS },
        services.clock.nowSeconds(),
      );
      return c.text(message);
    },
  )
  .post(
    "/enable-domain",
    describeRoute({
      operationId: "namestoneEnableDomain",
      summary: "NameStone: the on-chain owner of a domain, by its SIWE signature, gets a service key for it",
      tag: "namestone",
      auth: "none",
      body: EnableDomainSchema,
    }),
    limitBody(NAME_LIMITS.maxBodyBytes),
    limitPerIp("AUTH_PER_IP_LIMITER", "domain enabling attempts"),
    async (c) => {
      const input = validate(EnableDomainSchema, await readJsonBody(c), "body");
      const services = c.get("services");
      const nowSeconds = services.clock.nowSeconds();
      return c.json(
        await enableDomain(
          {
            db: services.db,
            registration: await domainRegistration(c),
            ens: chainOf(c),
            signer: services.settings.gateway().signer.address,
            nowSeconds,
          },
          input,
        ),
      );
    },
  )
  .onError(onDm3Error);
