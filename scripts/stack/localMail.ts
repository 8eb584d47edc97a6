/**
 * What the worker sent through its `send_email` binding under `wrangler dev`, which simulates Email
 * Service and lists every sent mail on its local explorer API (nothing leaves the machine).
 */

/** One sent mail as the local explorer shows it. */
export type SentMail = {
  messageId: string;
  from: string;
  to: string[];
  replyTo?: string;
  subject: string;
  headers?: Record<string, string>;
  attachments?: { filename: string; contentType: string; disposition: string; size: number }[];
  sentAt: string;
};

const EXPLORER_PATH = "/cdn-cgi/local/explorer/api/local/email/sending";
/** The worker's name in wrangler.toml: the explorer files mail under it. */
const WORKER_NAME = "dm3-registry";

type ExplorerAnswer<Result> = { success: boolean; errors: { message: string }[]; result: Result };

async function explorer<Result>(workerUrl: string, query = ""): Promise<Result> {
  const response = await fetch(`${workerUrl}${EXPLORER_PATH}${query}`);
  const answer = (await response.json()) as ExplorerAnswer<Result>;
  if (!answer.success) throw new Error(`local mail explorer: ${answer.errors.map((error) => error.message).join("; ")}`);
  return answer.result;
}

/** Every mail the worker at `workerUrl` sent (newest first, up to 100). */
export function listSentMail(workerUrl: string): Promise<SentMail[]> {
  return explorer<SentMail[]>(workerUrl, "?per_page=100");
}

/** One sent mail with its text body. */
export function readSentMail(workerUrl: string, messageId: string): Promise<SentMail & { text?: string; html?: string }> {
  return explorer(workerUrl, `?worker=${WORKER_NAME}&email_id=${encodeURIComponent(messageId)}`);
}

/** Waits until a mail to `to` matching `subject` is sent that is not in `seen`; returns it with its text. */
export async function waitForMail(
  workerUrl: string,
  match: { to: string; subject: RegExp; seen?: ReadonlySet<string> },
  timeoutMs = 10_000,
): Promise<SentMail & { text?: string }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = (await listSentMail(workerUrl)).find(
      (mail) => mail.to.includes(match.to) && match.subject.test(mail.subject) && !match.seen?.has(mail.messageId),
    );
    if (found) return readSentMail(workerUrl, found.messageId);
    if (Date.now() > deadline) throw new Error(`no mail to ${match.to} matching ${match.subject} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * Hands `raw` (an RFC 5322 message) to the worker's `email()` handler the way Email Routing would,
 * through wrangler dev's local endpoint: the answer says whether the handler took or rejected it.
 */
export async function sendInboundMail(
  workerUrl: string,
  envelope: { from: string; to: string },
  raw: string | Uint8Array<ArrayBuffer>,
): Promise<{ accepted: boolean; status: number; text: string }> {
  const query = new URLSearchParams(envelope);
  const response = await fetch(`${workerUrl}/cdn-cgi/handler/email?${query}`, { method: "POST", body: raw });
  const text = await response.text();
  return { accepted: response.ok, status: response.status, text };
}
