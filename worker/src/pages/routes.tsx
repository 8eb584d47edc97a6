import { type Context, Hono } from "hono";
import type { Child } from "hono/jsx";
import type { Address } from "viem";
import { namehash } from "viem/ens";
import { findNameWithRecords } from "../db/nameReads";
import { describeRoute } from "../http/routeDocs";
import { fromBase64 } from "../protocol/dm3/base64";
import { type SignedUserProfile, verifySignedUserProfile } from "../protocol/dm3/profile";
import { assertNormalizedName } from "../protocol/ens/assertNormalizedName";
import { nameRecordsView } from "../shared/nameRecordsView";
import { findServingDomain, type ServedDomain } from "../shared/servedDomains";
import { Layout } from "./Layout";
import type { NamePageData } from "./NamePageData";

type PageContext = Context;

const sourceUrl = (c: PageContext) => c.get("settings").pages().sourceUrl;

/** An HTML page with `status` (errors are pages too: a person reads them). */
function page(c: PageContext, title: string, body: Child, status: 200 | 400 | 404 = 200) {
  c.header("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; connect-src *; img-src 'self' data:; frame-ancestors 'none'");
  return c.html(
    <Layout title={title} sourceUrl={sourceUrl(c)}>
      {body}
    </Layout>,
    status,
  );
}

function problem(c: PageContext, status: 400 | 404, title: string, detail: string) {
  return page(
    c,
    title,
    <>
      <h1>{title}</h1>
      <p role="alert">{detail}</p>
      <p>
        <a href="/">Search for another name</a>
      </p>
    </>,
    status,
  );
}

/** Hex SHA-256 fingerprint of a base64 key, grouped for reading aloud. */
async function fingerprint(base64Key: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", fromBase64(base64Key)));
  const hex = [...digest.slice(0, 10)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
  return hex.match(/.{4}/g)?.join(" ") ?? hex;
}

function SearchForm(props: { value?: string }) {
  return (
    // biome-ignore lint/a11y/useSemanticElements: <search> is too new for some browsers still in use; the role says the same.
    <form method="get" action="/name" role="search">
      <label for="q">Look up a name</label>
      <input id="q" name="q" type="search" placeholder="alice.example.eth" value={props.value ?? ""} autocomplete="off" required />
      <button type="submit">Show name</button>
    </form>
  );
}

function RecordRows(props: { entries: [string, string][]; empty: string }) {
  if (props.entries.length === 0) {
    return (
      <tr>
        <td colspan={2} class="muted">
          {props.empty}
        </td>
      </tr>
    );
  }
  return (
    <>
      {props.entries.map(([key, value]) => (
        <tr>
          <th scope="row">
            <code>{key}</code>
          </th>
          <td class="mono">{value}</td>
        </tr>
      ))}
    </>
  );
}

async function ProfileSection(props: { profile: SignedUserProfile | null; owner: Address }) {
  if (!props.profile) return <p class="muted">No DM3 profile: this name cannot receive DM3 messages yet.</p>;
  const { profile, signature } = props.profile;
  const signedByOwner = await verifySignedUserProfile(props.profile, props.owner).catch(() => false);
  return (
    <>
      <p id="profile-signature" class={signedByOwner ? "ok" : "bad"}>
        {signedByOwner ? "✓ Signed by the owner" : "✗ Not signed by the owner: DM3 clients will ignore this profile"}
      </p>
      <table>
        <tbody>
          <tr>
            <th scope="row">Delivery services</th>
            <td class="mono">{profile.deliveryServices.join(", ") || "none"}</td>
          </tr>
          <tr>
            <th scope="row">Encryption key fingerprint</th>
            <td class="mono">{await fingerprint(profile.publicEncryptionKey)}</td>
          </tr>
          <tr>
            <th scope="row">Signing key fingerprint</th>
            <td class="mono">{await fingerprint(profile.publicSigningKey)}</td>
          </tr>
          <tr>
            <th scope="row">Signature</th>
            <td class="mono">{`${signature.slice(0, 18)}…`}</td>
          </tr>
        </tbody>
      </table>
    </>
  );
}

function EditForm() {
  return (
    <section aria-labelledby="edit-heading">
      <h2 id="edit-heading">Edit (owner only)</h2>
      <p class="muted">
        Changes are signed by the owner's wallet (EIP-712) and sent straight to the registry; nothing is stored in this browser except what you choose to keep.
      </p>
      <button type="button" id="connect">
        Connect wallet
      </button>
      <p id="wallet" role="status" aria-live="polite" />
      <form id="edit" aria-describedby="edit-status">
        <fieldset id="edit-fields" disabled>
          <legend class="muted">Records</legend>
          <label for="texts">Text records (one key=value per line)</label>
          <textarea id="texts" name="texts" rows={4} />
          <label for="addresses">Addresses (one coinType=address per line; 60 is ETH)</label>
          <textarea id="addresses" name="addresses" rows={2} />
          <label for="delivery-service">Delivery service for new DM3 keys</label>
          <input id="delivery-service" name="deliveryService" />
          <button type="button" id="new-keys">
            Create new DM3 keys
          </button>
          <label for="new-key-secrets">New DM3 private keys (kept only by you: save them before signing)</label>
          <textarea id="new-key-secrets" rows={3} readonly />
          <button type="submit" id="save">
            Sign and save
          </button>
        </fieldset>
      </form>
      <p id="edit-status" role="status" aria-live="polite" />
    </section>
  );
}

/** The pages people see: what this is, a name's records and DM3 profile, owner self-service, the API reference. */
export const pageRoutes = new Hono()
  .get(
    "/",
    describeRoute({ operationId: "homePage", summary: "What this service is (HTML)", tag: "pages", auth: "none", responseType: "text/html" }),
    async (c) => {
      const domains = await c.get("services").domains();
      return page(
        c,
        "dm3 registry",
        <>
          <h1>dm3 registry</h1>
          <p>
            An ENS offchain registry and DM3 delivery service: the names below resolve on Ethereum through each domain's resolver contract (EIP-3668 CCIP-Read),
            with their records and DM3 messaging profiles served — and signed — here. Services register names for their users; each owner can edit their own
            name with their wallet.
          </p>
          <SearchForm />
          <h2>Domains served here</h2>
          {domains.length === 0 ? (
            <p class="muted">None yet.</p>
          ) : (
            <ul>
              {domains.map((domain) => (
                <li>
                  <code>{domain.name}</code>{" "}
                  <span class="muted">
                    — resolver {domain.resolverAddress} on chain {domain.chainId}
                  </span>
                </li>
              ))}
            </ul>
          )}
          <h2>For developers</h2>
          <ul>
            <li>
              <a href="/docs">API reference</a> (<a href="/openapi.json">OpenAPI document</a>)
            </li>
            <li>
              <a href="/v1/changes">Change feed</a> for indexers
            </li>
            <li>
              <a href="/health">Health</a>
            </li>
          </ul>
        </>,
      );
    },
  )
  .get(
    "/name",
    describeRoute({ operationId: "searchPage", summary: "Search: redirects to the name's page (HTML)", tag: "pages", auth: "none", responseType: "text/html" }),
    async (c) => {
      const query = (c.req.query("q") ?? "").trim().toLowerCase();
      if (!query) return problem(c, 400, "Nothing to look up", "Type a name such as alice.example.eth.");
      const domains = await c.get("services").domains();
      // A bare label under the only domain served is that domain's name.
      const name = !query.includes(".") && domains.length === 1 ? `${query}.${domains[0]?.name}` : query;
      return c.redirect(`/name/${encodeURIComponent(name)}`, 303);
    },
  )
  .get(
    "/name/:name",
    describeRoute({
      operationId: "namePage",
      summary: "A name's records, DM3 profile and owner self-service (HTML)",
      tag: "pages",
      auth: "none",
      responseType: "text/html",
    }),
    async (c) => {
      const name = c.req.param("name");
      try {
        assertNormalizedName(name);
      } catch {
        return problem(c, 400, "Not a valid name", `"${name}" is not a normalized ENS name (ENSIP-15): use lowercase letters, digits and hyphens.`);
      }
      const services = c.get("services");
      const domain: ServedDomain | undefined = findServingDomain(await services.domains(), name);
      if (!domain) return problem(c, 404, "Not served here", `${name} is not under a domain this registry serves.`);
      const entry = await findNameWithRecords(services.namesOf(domain), namehash(name));
      if (!entry) return problem(c, 404, "Name not registered", `${name} is not registered (yet).`);
      const { owner, texts, dm3Profile: profile } = nameRecordsView(entry);
      const settings = services.settings.pages();
      const data: NamePageData = {
        name,
        owner,
        texts,
        addresses: entry.addresses,
        contenthash: entry.contenthash,
        dm3Profile: profile,
        ensRegistry: settings.ensRegistry,
        chainId: domain.chainId,
        rpcUrl: settings.publicRpcUrl,
        deliveryService: profile?.profile.deliveryServices[0] ?? settings.deliveryService,
        ipfsGateway: services.settings.ipfsGateway() ?? "",
      };
      return page(
        c,
        `${name} — dm3 registry`,
        <>
          <h1 class="name">{name}</h1>
          <p>
            Owner <code>{owner}</code>
          </p>
          <p id="chain-check" role="status" aria-live="polite" class="muted">
            Checking on chain…
          </p>
          <h2>Text records</h2>
          <table>
            <tbody id="texts-table">
              <RecordRows entries={Object.entries(texts)} empty="No text records." />
            </tbody>
          </table>
          <h2>Addresses</h2>
          <table>
            <tbody id="addresses-table">
              <RecordRows entries={Object.entries(entry.addresses)} empty="No addresses." />
            </tbody>
          </table>
          {entry.contenthash ? (
            <p>
              Contenthash <code>{entry.contenthash}</code>
            </p>
          ) : null}
          <h2>DM3 profile</h2>
          <div id="profile">
            <ProfileSection profile={profile} owner={owner} />
          </div>
          <EditForm />
          {/* Raw, not HTML-escaped: a script's text is not entity-decoded; "<" is escaped in the JSON instead. */}
          <script type="application/json" id="page-data" dangerouslySetInnerHTML={{ __html: JSON.stringify(data).replace(/</g, "\\u003c") }} />
          <script type="module" src="/assets/name-page.js" />
        </>,
      );
    },
  )
  .get(
    "/docs",
    describeRoute({ operationId: "apiReferencePage", summary: "The API reference (HTML)", tag: "pages", auth: "none", responseType: "text/html" }),
    (c) => {
      c.header("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'");
      return c.html(
        <html lang="en">
          <head>
            <meta charset="utf-8" />
            <meta name="viewport" content="width=device-width, initial-scale=1" />
            <title>API reference — dm3 registry</title>
            <link rel="stylesheet" href="/vendor/swagger-ui/swagger-ui.css" />
          </head>
          <body>
            <p>
              <a href="/">dm3 registry</a> · <a href="/openapi.json">OpenAPI document</a>
            </p>
            <main id="swagger-ui" />
            <script src="/vendor/swagger-ui/swagger-ui-bundle.js" />
            <script src="/assets/docs.js" />
          </body>
        </html>,
      );
    },
  );
