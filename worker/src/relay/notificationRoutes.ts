import { Hono } from "hono";
import { html } from "hono/html";
import * as z from "zod/mini";
import { onDm3Error } from "../http/errors";
import { limitBody } from "../http/limitBody";
import { clientKey, enforceRateLimit } from "../http/rateLimit";
import { describeRoute } from "../http/routeDocs";
import { InvalidInputError, jsonBody } from "../http/validate";
import { addressKey } from "../shared/confirmationCode";
import { confirmNotificationEmail, describeNotifications, removeNotifications, requestNotificationEmail, unsubscribe } from "./notifications";
import { ownerSession } from "./ownerSession";
import { relayName } from "./sessions";

const EmailSchema = z.strictObject({
  email: z.string().check(z.maxLength(254), z.email("must be an email address")),
});
const CodeSchema = z.strictObject({ code: z.string().check(z.regex(/^\d{6}$/, "must be the 6-digit code from the mail")) });

const nameInPath = (raw: string | undefined) => relayName(raw ?? "");

/**
 * New-message notifications by email (dm3's feature), for the owner of a name's relay session:
 * set an address (a code is mailed to it), confirm it, read, remove; and the one-click unsubscribe
 * link every notification carries (RFC 8058), which needs no session.
 */
export const notificationRoutes = new Hono()
  .put(
    "/delivery/notifications/:ensName",
    describeRoute({
      operationId: "relaySetNotificationEmail",
      summary: "Notify this address of new messages: mails a confirmation code (nothing else until confirmed)",
      tag: "relay",
      auth: "session",
      successStatus: 202,
    }),
    limitBody(4 * 1024),
    ownerSession(),
    jsonBody(EmailSchema),
    async (c) => {
      const { email } = c.req.valid("json");
      // Per client and per address (any case), beyond one code per name per minute.
      await enforceRateLimit(c, "CONFIRMATIONS_LIMITER", clientKey(c), "confirmation codes from this client");
      await enforceRateLimit(c, "CONFIRMATIONS_LIMITER", `email:${addressKey(email)}`, "confirmation codes to this address");
      return c.json(await requestNotificationEmail(c.get("services"), nameInPath(c.req.param("ensName")), c.get("sessionKey"), email), 202);
    },
  )
  .post(
    "/delivery/notifications/:ensName/confirm",
    describeRoute({ operationId: "relayConfirmNotificationEmail", summary: "Confirm the address with the mailed code", tag: "relay", auth: "session" }),
    limitBody(1024),
    ownerSession(),
    jsonBody(CodeSchema),
    async (c) => c.json(await confirmNotificationEmail(c.get("services"), nameInPath(c.req.param("ensName")), c.get("sessionKey"), c.req.valid("json").code)),
  )
  .get(
    "/delivery/notifications/:ensName",
    describeRoute({ operationId: "relayGetNotifications", summary: "The name's notification address and its state", tag: "relay", auth: "session" }),
    ownerSession(),
    async (c) => c.json(await describeNotifications(c.get("services"), nameInPath(c.req.param("ensName")), c.get("sessionKey"))),
  )
  .delete(
    "/delivery/notifications/:ensName",
    describeRoute({ operationId: "relayRemoveNotifications", summary: "Stop notifications and forget the address", tag: "relay", auth: "session" }),
    ownerSession(),
    async (c) => {
      const name = nameInPath(c.req.param("ensName"));
      return c.json({ name, removed: await removeNotifications(c.get("services"), name) });
    },
  )
  .get(
    "/notifications/unsubscribe",
    describeRoute({
      operationId: "relayUnsubscribePage",
      summary: "The unsubscribe link opened in a browser: one button that stops the notifications",
      tag: "relay",
      auth: "none",
      responseType: "text/html",
    }),
    (c) => {
      const action = `/notifications/unsubscribe?name=${encodeURIComponent(c.req.query("name") ?? "")}&token=${encodeURIComponent(c.req.query("token") ?? "")}`;
      c.header("Content-Security-Policy", "default-src 'none'; form-action 'self'; frame-ancestors 'none'");
      return c.html(
        html`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Stop DM3 notifications</title></head><body><h1>Stop DM3 notifications</h1><p>No more "new message" mails for <strong>${c.req.query("name") ?? ""}</strong>.</p><form method="post" action="${action}"><button type="submit">Stop notifications</button></form></body></html>`,
      );
    },
  )
  .post(
    "/notifications/unsubscribe",
    describeRoute({
      operationId: "relayUnsubscribe",
      summary: "One-click unsubscribe (RFC 8058): the link in every notification",
      tag: "relay",
      auth: "none",
    }),
    limitBody(1024),
    async (c) => {
      const name = nameInPath(c.req.query("name"));
      const token = c.req.query("token") ?? "";
      if (!(await unsubscribe(c.get("services"), name, token))) {
        throw new InvalidInputError("This unsubscribe link is not valid (already used, or the address was changed)");
      }
      return c.json({ name, unsubscribed: true });
    },
  )
  .onError(onDm3Error);
