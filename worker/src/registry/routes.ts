import { Hono } from "hono";
import { createDatabase } from "../db/client";
import { upsertDomain } from "../db/domains";
import { limitBody } from "../http/limitBody";
import { readJsonBody } from "../http/readJsonBody";
import { requireAdmin } from "../http/requireAdmin";
import { assertNormalizedName } from "../ens/assertNormalizedName";
import { NAME_LIMITS } from "./limits";
import { getName, putName } from "./names";
import { parseDomainInput } from "./parseDomainInput";
import { parseNameInput } from "./parseNameInput";
import { forgetServedDomains, listServedDomains } from "./servedDomains";

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Registry REST API (`/v1`): domains (admin), names (admin writes, public reads). */
export const registryRoutes = new Hono<{ Bindings: Env }>()
  .put("/domains/:name", requireAdmin(), limitBody(NAME_LIMITS.maxBodyBytes), async (c) => {
    const name = c.req.param("name");
    assertNormalizedName(name);
    const input = parseDomainInput(await readJsonBody(c));
    await upsertDomain(createDatabase(c.env.DB), { name, ...input, createdAtSeconds: nowSeconds() });
    forgetServedDomains(c.env.DB);
    return c.json({ name, ...input });
  })
  .put("/names/:name", requireAdmin(), limitBody(NAME_LIMITS.maxBodyBytes), async (c) => {
    const input = parseNameInput(await readJsonBody(c));
    const db = createDatabase(c.env.DB);
    const domains = await listServedDomains(c.env.DB, db);
    return c.json(await putName(db, domains, c.req.param("name"), input, nowSeconds()));
  })
  .get("/names/:name", async (c) => c.json(await getName(createDatabase(c.env.DB), c.req.param("name"))));
