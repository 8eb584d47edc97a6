import { version } from "../../package.json";
import type { OpenApiInfo } from "./http/openApiDocument";

/** The header of the generated OpenAPI document. */
export const API_INFO: OpenApiInfo = {
  title: "dm3 registry",
  version,
  description:
    "ENS offchain registry for DM3 profiles (REST), the EIP-3668 CCIP-Read gateway, and a DM3 delivery service (relay). Errors are JSON {message, code}; dm3's routes add {error}.",
  tags: [
    { name: "domains", description: "Served parent names, their resolvers and gateway-mode webhooks (admin)" },
    { name: "keys", description: "Service API keys, each scoped to one domain (admin)" },
    { name: "names", description: "Names, records and DM3 profiles: public reads, service writes, owner-signed writes" },
    {
      name: "namestone",
      description:
        "NameStone's API (set-name, set-names, claim-name, get-names, search-names, delete-name, set-domain, get-domain, and SIWE onboarding: get-siwe-message, enable-domain) on this registry, for NameStone's SDK with `baseUrl` pointed here",
    },
    { name: "dm3", description: "dm3's offchain-resolver routes, so dm3's messenger can sign users up here unchanged" },
    { name: "relay", description: "The dm3 delivery-service API: submit, authenticate, pick up, acknowledge" },
    { name: "gateway", description: "EIP-3668 CCIP-Read lookups, health and this document" },
    { name: "pages", description: "HTML pages for people: what this is, a name's page with owner self-service, this reference" },
    { name: "bridge", description: "The email bridge: opt-in by code, a virtual user's own management by the link its mails carry, the operator's switch" },
  ],
};
