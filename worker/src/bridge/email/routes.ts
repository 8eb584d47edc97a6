import { type Context, Hono } from "hono";
import { html } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import * as z from "zod/mini";
import { countBridgeUsers, countUsersToReseal, listBridgeUsers } from "../../db/bridgeUsers";
import { setBridgeSwitch } from "../../db/bridgeSwitches";
import { AppError } from "../../http/AppError";
import { limitBody } from "../../http/limitBody";
import { clientKey, enforceRateLimit } from "../../http/rateLimit";
import { describeRoute } from "../../http/routeDocs";
import { jsonBody, queryOf } from "../../http/validate";
import { addressKey } from "../../shared/confirmationCode";
import { adminOnly } from "../../shared/authorize";
import type { BridgeStatusView, BridgeUsersPage } from "../apiTypes";
import { bridgeIsOn, EMAIL_BRIDGE } from "./bridgeSwitch";
import type { EmailBridgeServices } from "./EmailBridgeServices";
import { confirmOptIn, deleteVirtualUser, describeVirtualUser, requestOptIn } from "./virtualUsers";

/** No email bridge runs here (`BRIDGE_EMAIL_DOMAIN` empty). */
class EmailBridgeOffError extends AppError {
  override readonly name = "EmailBridgeOffError";
  readonly code = "bridge_not_configured";
  readonly status = 404;
  constructor() {
    super("This worker runs no email bridge (BRIDGE_EMAIL_DOMAIN is empty)");
  }
}

function bridgeOf(c: Context): EmailBridgeServices {
  const services = c.get("services").emailBridgeServices();
  if (!services) throw new EmailBridgeOffError();
  return services;
}

const OptInSchema = z.strictObject({
  email: z.string().check(z.maxLength(254)),
  alias: z.optional(z.string().check(z.maxLength(32))),
});
const ConfirmSchema = z.strictObject({
  name: z.string().check(z.maxLength(255)),
  code: z.string().check(z.regex(/^\d{6}$/, "must be the 6-digit code from the mail")),
});
const TokenQuery = z.object({ token: z.string().check(z.maxLength(128)) });
const SwitchSchema = z.strictObject({ enabled: z.boolean() });
const UsersQuery = z.object({
  after: z.optional(z.string().check(z.maxLength(255))),
  limit: z.optional(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(1000))),
});

/** Per client and per address (any case), beyond one code per address per minute and five a day. */
async function limitOptIns(c: Context, email: string): Promise<void> {
  await enforceRateLimit(c, "CONFIRMATIONS_LIMITER", clientKey(c), "confirmation codes from this client");
  await enforceRateLimit(c, "CONFIRMATIONS_LIMITER", `email:${addressKey(email.trim())}`, "confirmation codes to this address");
}

/**
 * The email bridge's routes: the opt-in API (code, confirm), a virtual user's own management
 * (state, delete, RFC 8058 one-click unsubscribe) by the link its mails carry, the operator's
 * switch and counts, and the page a person opts in on (`/bridge/email`, no script needed).
 */
export const emailBridgeRoutes = new Hono()
  .post(
    "/bridge/email/confirmations",
    describeRoute({
      operationId: "bridgeRequestOptIn",
      summary: "Mail a confirmation code to an address (nothing else is sent to it until it confirms)",
      tag: "bridge",
      auth: "none",
      successStatus: 202,
    }),
    limitBody(2 * 1024),
    jsonBody(OptInSchema),
    async (c) => {
      const input = c.req.valid("json");
      await limitOptIns(c, input.email);
      return c.json(await requestOptIn(bridgeOf(c), input), 202);
    },
  )
  .post(
    "/bridge/email/users",
    describeRoute({
      operationId: "bridgeConfirmOptIn",
      summary: "Create the virtual user with the mailed code",
      tag: "bridge",
      auth: "none",
      successStatus: 201,
    }),
    limitBody(1024),
    jsonBody(ConfirmSchema),
    async (c) => c.json(await confirmOptIn(bridgeOf(c), c.req.valid("json")), 201),
  )
  .get(
    "/bridge/email/users/:name",
    describeRoute({ operationId: "bridgeGetVirtualUser", summary: "A virtual user's state (the token from its mails)", tag: "bridge", auth: "none" }),
    queryOf(TokenQuery),
    async (c) => c.json(await describeVirtualUser(bridgeOf(c), c.req.param("name"), c.req.valid("query").token)),
  )
  .delete(
    "/bridge/email/users/:name",
    describeRoute({
      operationId: "bridgeDeleteVirtualUser",
      summary: "Delete the virtual user: keys, profile, pending mail (the token from its mails)",
      tag: "bridge",
      auth: "none",
    }),
    queryOf(TokenQuery),
    async (c) => {
      const name = c.req.param("name");
      await deleteVirtualUser(bridgeOf(c), name, c.req.valid("query").token);
      return c.json({ name, deleted: true });
    },
  )
  .post(
    "/bridge/email/users/:name/unsubscribe",
    describeRoute({
      operationId: "bridgeUnsubscribe",
      summary: "One-click unsubscribe (RFC 8058): stops all mail at once by deleting the virtual user",
      tag: "bridge",
      auth: "none",
    }),
    limitBody(1024),
    queryOf(TokenQuery),
    async (c) => {
      const name = c.req.param("name");
      await deleteVirtualUser(bridgeOf(c), name, c.req.valid("query").token);
      return c.json({ name, deleted: true });
    },
  )
  .get(
    "/v1/bridges/email",
    describeRoute({ operationId: "bridgeStatus", summary: "The email bridge: switch, domains and counts (admin)", tag: "bridge", auth: "admin" }),
    adminOnly(),
    async (c) => {
      const bridge = bridgeOf(c);
      return c.json<BridgeStatusView>({
        bridge: EMAIL_BRIDGE,
        enabled: await bridgeIsOn(bridge),
        domain: bridge.settings.domain,
        mailDomain: bridge.settings.mailDomain,
        users: await countBridgeUsers(bridge.db),
        secretRotationPending: bridge.settings.previousSecret !== undefined,
        usersToReseal: await countUsersToReseal(bridge.db, bridge.vault.currentPrefix),
      });
    },
  )
  .put(
    "/v1/bridges/email",
    describeRoute({ operationId: "bridgeSwitch", summary: "Switch the email bridge on or off (admin)", tag: "bridge", auth: "admin" }),
    adminOnly(),
    limitBody(256),
    jsonBody(SwitchSchema),
    async (c) => {
      const bridge = bridgeOf(c);
      const { enabled } = c.req.valid("json");
      await setBridgeSwitch(bridge.db, EMAIL_BRIDGE, enabled, c.get("caller").actor, bridge.clock.nowMs());
      return c.json({ bridge: EMAIL_BRIDGE, enabled });
    },
  )
  .get(
    "/v1/bridges/email/users",
    describeRoute({
      operationId: "bridgeListUsers",
      summary: "Virtual users by name (names are hashes: never an address) (admin)",
      tag: "bridge",
      auth: "admin",
    }),
    adminOnly(),
    queryOf(UsersQuery),
    async (c) => {
      const { after = "", limit = 100 } = c.req.valid("query");
      const items = await listBridgeUsers(bridgeOf(c).db, after, limit);
      return c.json<BridgeUsersPage>({ items, next: items.length === limit ? (items.at(-1)?.name ?? null) : null });
    },
  )
  .get(
    "/bridge/email",
    describeRoute({ operationId: "bridgePage", summary: "The page an email user opts in on", tag: "bridge", auth: "none", responseType: "text/html" }),
    (c) => page(c, "Reach DM3 from your mailbox", optInForm(bridgeOf(c))),
  )
  .post(
    "/bridge/email",
    describeRoute({ operationId: "bridgePageOptIn", summary: "The opt-in form: mails the code", tag: "bridge", auth: "none", responseType: "text/html" }),
    limitBody(2 * 1024),
    async (c) => {
      const form = await c.req.parseBody();
      const email = String(form.email ?? "");
      const alias = String(form.alias ?? "").trim();
      await limitOptIns(c, email);
      const pending = await requestOptIn(bridgeOf(c), { email, ...(alias && { alias }) });
      const body =
        pending.codeExpiresAtMs === null
          ? html`<p>This address has a DM3 identity already: a link to see or delete it went to the address.</p>`
          : html`<p>A code went to the address you gave. Open the link in it within 10 minutes, or enter the code here.</p>${codeForm(pending.name, "")}`;
      return page(c, "Check your mail", body);
    },
  )
  .get(
    "/bridge/email/confirm",
    describeRoute({
      operationId: "bridgeConfirmPage",
      summary: "The link in the code mail: one button that creates the virtual user",
      tag: "bridge",
      auth: "none",
      responseType: "text/html",
    }),
    (c) => page(c, "Confirm your address", codeForm(c.req.query("name") ?? "", c.req.query("code") ?? "")),
  )
  .post(
    "/bridge/email/confirm",
    describeRoute({
      operationId: "bridgeConfirmForm",
      summary: "The confirm form: creates the virtual user",
      tag: "bridge",
      auth: "none",
      responseType: "text/html",
    }),
    limitBody(1024),
    async (c) => {
      const form = await c.req.parseBody();
      const user = await confirmOptIn(bridgeOf(c), { name: String(form.name ?? ""), code: String(form.code ?? "") });
      return page(
        c,
        "You are on DM3",
        html`<p>Your DM3 name is <strong>${user.alias ?? user.name}</strong>${user.alias ? html` (also <code>${user.name}</code>)` : ""}. DM3 users can write to it now; their messages arrive as mail, and your replies go back to them on DM3.</p><p>Every mail carries a link to delete this identity.</p>`,
      );
    },
  )
  .get(
    "/bridge/email/manage",
    describeRoute({
      operationId: "bridgeManagePage",
      summary: "A virtual user's state and delete button (the link in its mails)",
      tag: "bridge",
      auth: "none",
      responseType: "text/html",
    }),
    async (c) => {
      const name = c.req.query("name") ?? "";
      const token = c.req.query("token") ?? "";
      const user = await describeVirtualUser(bridgeOf(c), name, token);
      const state =
        user.status === "active"
          ? html`<p>Mail is delivered to your address.</p>`
          : html`<p><strong>Delivery stopped:</strong> mail to your address failed for good (${user.statusReason ?? "undeliverable"}). Delete this identity and confirm your address again to restart.</p>`;
      return page(
        c,
        "Your DM3 identity",
        html`<p>Name: <strong>${user.alias ?? user.name}</strong></p>${state}<form method="post" action="/bridge/email/manage?name=${encodeURIComponent(name)}&token=${encodeURIComponent(token)}"><button type="submit">Delete my DM3 identity</button></form><p>Deleting removes the keys the bridge holds, your profile (it can never be published again), pending mail and notifications.</p>`,
      );
    },
  )
  .post(
    "/bridge/email/manage",
    describeRoute({
      operationId: "bridgeManageDelete",
      summary: "The delete button: deletes the virtual user",
      tag: "bridge",
      auth: "none",
      responseType: "text/html",
    }),
    limitBody(1024),
    async (c) => {
      await deleteVirtualUser(bridgeOf(c), c.req.query("name") ?? "", c.req.query("token") ?? "");
      return page(c, "Deleted", html`<p>Your DM3 identity on this bridge is gone: nothing more will be mailed to you.</p>`);
    },
  );

const TRUST_MODEL = html`<h2>What the bridge sees</h2><p>The bridge is <strong>custodial</strong>: it holds your DM3 keys, so it reads the DM3 messages it turns into mail for you, and it signs what you send as you. It never sees what is encrypted for your mail client (OpenPGP, S/MIME attachments travel unchanged). Your address is stored sealed; your DM3 name is a hash of it, so pages, logs and the change feed never show it.</p>`;

function optInForm(bridge: EmailBridgeServices) {
  return html`<p>Confirm your address and get a DM3 name under <strong>${bridge.settings.domain}</strong>: DM3 users write to it, their messages arrive here as mail, and your replies reach them on DM3. Write to any DM3 user at <code>&lt;their ENS name&gt;@${bridge.settings.mailDomain}</code>.</p>
<form method="post" action="/bridge/email"><label>Your email address <input type="email" name="email" required maxlength="254"></label><label>A readable name (optional) <input name="alias" pattern="[a-z0-9-]{3,32}" maxlength="32"></label><button type="submit">Mail me a code</button></form><p>On DM3 through this bridge already? Enter your address: you get the link to see or delete your identity.</p>${TRUST_MODEL}`;
}

function codeForm(name: string, code: string) {
  return html`<form method="post" action="/bridge/email/confirm"><input type="hidden" name="name" value="${name}"><label>Code <input name="code" value="${code}" inputmode="numeric" pattern="[0-9]{6}" required></label><button type="submit">Confirm</button></form>`;
}

function page(c: Context, title: string, body: HtmlEscapedString | Promise<HtmlEscapedString>) {
  c.header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'");
  return c.html(
    html`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title} · DM3 email bridge</title><style>*{box-sizing:border-box}body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}code,strong{overflow-wrap:anywhere}label{display:block;margin:.5rem 0}input{display:block;width:100%;padding:.4rem}button{margin-top:.75rem;padding:.5rem 1rem}</style></head><body><h1>${title}</h1>${body}</body></html>`,
  );
}
