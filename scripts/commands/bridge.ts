import { defineCommand } from "citty";
import { UsageError } from "../lib/cliErrors";
import { COMMON_ARGS, DRY_RUN_ARG, output, registryClient, writeOrDryRun } from "../lib/registryClient";

const status = defineCommand({
  meta: { name: "status", description: "The email bridge: on or off, its domains, virtual users and queued mail (admin)" },
  args: { ...COMMON_ARGS },
  async run({ args }) {
    const view = await registryClient(args).bridgeStatus();
    output(Boolean(args.json), view, () =>
      [
        `email bridge ${view.enabled ? "on" : "OFF"}: names under ${view.domain}, mail at @${view.mailDomain}`,
        `virtual users: ${view.users.active} active, ${view.users.undeliverable} undeliverable; ${view.users.pendingMails} mails queued`,
        ...(view.secretRotationPending
          ? [
              view.usersToReseal > 0
                ? `key rotation in progress: ${view.usersToReseal} virtual users still sealed under the previous secret (the cron reseals them)`
                : "key rotation done: every virtual user is sealed under BRIDGE_SECRET; delete BRIDGE_PREVIOUS_SECRET",
            ]
          : []),
      ].join("\n"),
    );
  },
});

const users = defineCommand({
  meta: { name: "users", description: "Virtual users by name — each name is a hash of its address, never the address (admin)" },
  args: {
    after: { type: "string", description: "Start after this name (the previous page's `next`)" },
    limit: { type: "string", description: "At most this many (1–1000, default 100)" },
    ...COMMON_ARGS,
  },
  async run({ args }) {
    const limit = args.limit === undefined ? undefined : Number(args.limit);
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > 1000)) throw new UsageError("--limit takes 1–1000");
    const page = await registryClient(args).bridgeUsers({ ...(args.after && { after: args.after }), ...(limit && { limit }) });
    output(Boolean(args.json), page, () =>
      [
        ...page.items.map((user) => `${user.name}${user.alias ? ` (${user.alias})` : ""} ${user.status}${user.statusReason ? `: ${user.statusReason}` : ""}`),
        ...(page.next ? [`more: --after ${page.next}`] : []),
      ].join("\n"),
    );
  },
});

/** `bridge enable` / `bridge disable`: the operator's switch. */
const toggle = (enabled: boolean) =>
  defineCommand({
    meta: {
      name: enabled ? "enable" : "disable",
      description: enabled
        ? "Switch the email bridge on again (admin)"
        : "Switch the email bridge off: no opt-ins, no mail in or out; queued mail waits (admin)",
    },
    args: { ...COMMON_ARGS, ...DRY_RUN_ARG },
    async run({ args }) {
      const result = await writeOrDryRun(args["dry-run"], { method: "PUT", path: "/v1/bridges/email", body: { enabled } }, () =>
        registryClient(args).setBridgeEnabled(enabled),
      );
      if (result) output(Boolean(args.json), result, () => `email bridge ${result.enabled ? "on" : "off"}`);
    },
  });

/** `bridge status|users|enable|disable`. */
export default defineCommand({
  meta: { name: "bridge", description: "The email bridge (docs/bridges.md)" },
  subCommands: { status, users, enable: toggle(true), disable: toggle(false) },
});
