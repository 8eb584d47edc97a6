import type { DomainRegistration } from "./registerDomain";
import type { Context } from "hono";
import type { ServedDomain } from "../shared/servedDomains";
import type { NameWriteContext } from "./nameWrites";
import { domainOfName } from "./storedName";
import type { DomainSettingsWrite } from "./webhookSettings";

// What the registry's route files share: where a request's domain comes from, and the write
// contexts its use cases take. Only route files touch `Context`.

/** The served domain of the name in the path's `:name` (400 when not normalized, 404 when under none). */
export async function domainOfNameInPath(c: Context): Promise<ServedDomain> {
  return domainOfName(await c.get("services").domains(), c.req.param("name") ?? "");
}

/** A write to `domain`'s names by the authenticated caller (or by `actor`, for writes a signature authorizes). */
export function nameWriteContext(c: Context, domain: ServedDomain, actor: string = c.get("caller").actor): NameWriteContext {
  const services = c.get("services");
  const nowMs = services.clock.nowMs();
  return {
    db: services.namesOf(domain),
    answers: services.answers,
    lifecycle: services.nameLifecycle,
    actor,
    nowSeconds: Math.floor(nowMs / 1000),
    nowMs,
  };
}

/** A write to the directory (domains, keys, webhooks) by the authenticated caller. */
export function directoryWriteContext(c: Context): DomainSettingsWrite {
  const services = c.get("services");
  return { db: services.db, actor: c.get("caller").actor, nowSeconds: services.clock.nowSeconds(), domainsChanged: services.domainsChanged };
}

/** What registering a domain reads and writes, for this request. */
export async function domainRegistration(c: Context): Promise<DomainRegistration> {
  const services = c.get("services");
  return {
    directory: services.db,
    namesOf: services.namesOf,
    nameDatabases: services.settings.nameDatabases(),
    domains: await services.domains(),
    nowSeconds: services.clock.nowSeconds(),
    domainsChanged: services.domainsChanged,
  };
}
