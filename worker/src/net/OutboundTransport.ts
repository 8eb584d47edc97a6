import type { WebhookTargetPolicy } from "./webhookTargetProblem";

/** How the worker calls a URL someone else chose (webhooks, other delivery services): the fetch, and where it may point. */
export type OutboundTransport = { fetch: typeof fetch; targets: WebhookTargetPolicy };
