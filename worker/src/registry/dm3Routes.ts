import { type Context, Hono } from "hono";
import { describeRoute } from "../http/routeDocs";
import { namehash } from "viem/ens";
import { findNameRow, loadRecords } from "../db/nameReads";
import { findProvenNameAcross } from "../db/acrossDatabases";
import { verifySignedUserProfile } from "../protocol/dm3/profile";
import { onDm3Error } from "../http/errors";
import { limitBody } from "../http/limitBody";
import { limitPerIp } from "../http/rateLimit";
import { jsonBody, validate } from "../http/validate";
import { ForbiddenError, InvalidProfileSignatureError, NameNotFoundError } from "./errors";
import { servedDomainNamed } from "../shared/servedDomains";
import { NAME_LIMITS } from "./limits";
import { patchName, putName } from "./nameWrites";
import { nameWriteContext } from "./routeContext";
import { toNameView } from "./storedName";
import { AddressSchema, Dm3AddressProfileSchema } from "./schemas";

/**
 * dm3's offchain-resolver routes, so dm3's messenger can sign users up here unchanged:
 * `POST /profile/address`, `GET /profile/{address}`, `GET /profile/name/{address}`. Errors also
 * carry dm3's `{ error }` field.
 */
export const dm3ProfileRoutes = new Hono()
  .post(
    "/address",
    describeRoute({
      operationId: "dm3SignUp",
      summary: "dm3's sign-up: publish the address name's DM3 profile (signed by the address)",
      tag: "dm3",
      auth: "none",
      responseType: "text/plain",
    }),
    limitBody(NAME_LIMITS.maxBodyBytes),
    limitPerIp("WRITES_PER_IP_LIMITER", "signed writes"),
    jsonBody(Dm3AddressProfileSchema),
    async (c) => {
      const { signedUserProfile, address, subdomain } = c.req.valid("json");
      const services = c.get("services");
      const domain = servedDomainNamed(await services.domains(), subdomain);
      if (!domain.allowAddressNames) throw new ForbiddenError(`${subdomain} does not allow address names`);
      // The profile signature is the authorization: it proves control of `address`.
      if (!(await verifySignedUserProfile(signedUserProfile, address))) throw new InvalidProfileSignatureError(address);
      const name = `${address.toLowerCase()}.${subdomain}`;
      const context = { ...nameWriteContext(c, domain, `address:${address}`), signer: address };
      if (await findNameRow(context.db, namehash(name))) await patchName(context, domain, name, { dm3Profile: signedUserProfile });
      else await putName(context, domain, name, { owner: address, texts: {}, addresses: {}, contenthash: null, dm3Profile: signedUserProfile });
      return c.text("OK");
    },
  )
  // Both reverse routes speak for the address: they consider only names whose ownership the
  // address itself proved, chosen by findProvenName's rule (what a service merely claims never counts).
  .get(
    "/name/:address",
    describeRoute({ operationId: "dm3NameOfAddress", summary: "dm3: the name an address proved it owns (see README for the rule)", tag: "dm3", auth: "none" }),
    async (c) => {
      const chosen = await provenName(c, { withProfile: false });
      return c.json({ name: chosen.row.name });
    },
  )
  .get(
    "/:address",
    describeRoute({ operationId: "dm3ProfileOfAddress", summary: "dm3: the DM3 profile of an address's proven name", tag: "dm3", auth: "none" }),
    async (c) => {
      const chosen = await provenName(c, { withProfile: true });
      const [entry] = await loadRecords(chosen.db, [chosen.row]);
      const profile = entry && toNameView(entry).dm3Profile;
      if (!profile) throw new NameNotFoundError(c.req.param("address"));
      return c.json(profile);
    },
  )
  .onError(onDm3Error);

async function provenName(c: Context, options: { withProfile: boolean }) {
  const owner = validate(AddressSchema, c.req.param("address"), "address");
  const chosen = await findProvenNameAcross(c.get("services").allNameDatabases(), owner, options);
  if (!chosen) throw new NameNotFoundError(owner);
  return chosen;
}
