import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ProtocolError } from "../protocol/ProtocolError";
import { AppError, RouteNotFoundError } from "./AppError";
import { statusOfError } from "./errorStatus";

/** JSON body of every error answer; `message` is what EIP-3668 clients read. */
export type ErrorBody = { message: string; code: string };

/** What an error answers: its status, JSON body and extra headers (e.g. `Retry-After`). */
export type ErrorAnswer = { status: ContentfulStatusCode; body: ErrorBody; headers: Record<string, string> };

/**
 * The single error mapping: an {@link AppError} or hono `HTTPException` answers with its own
 * status; anything else is a server fault, logged with its causes, and answers 500.
 */
export function errorAnswer(error: unknown): ErrorAnswer {
  if (error instanceof ProtocolError) {
    const status = statusOfError(error);
    // Server faults with their causes; a client's mistake with its code and why (never sent).
    if (status >= 500) logError(error);
    else if (error.metaMessages.length > 0) console.warn(`${status} ${error.code}: ${error.metaMessages.join("; ")}`);
    const headers = error instanceof AppError ? error.headers : {};
    return { status, body: { message: error.shortMessage, code: error.code }, headers };
  }
  if (error instanceof HTTPException) {
    return { status: error.status as ContentfulStatusCode, body: { message: error.message || "Request failed", code: "http_error" }, headers: {} };
  }
  logError(error);
  return { status: 500, body: { message: "Internal server error", code: "internal_error" }, headers: {} };
}

/** `app.onError`: answers {@link errorAnswer}'s status, body and headers. */
export function onError(error: Error, c: Context): Response {
  const { status, body, headers } = errorAnswer(error);
  return c.json<ErrorBody>(body, status, headers);
}

/** `app.notFound`: unknown routes answer a JSON 404 like every other error. */
export function onNotFound(c: Context): Response {
  return onError(new RouteNotFoundError(c.req.method, c.req.path), c);
}

function logError(error: unknown): void {
  const chain: string[] = [];
  for (let current = error, depth = 0; current !== undefined && depth < 8; depth++) {
    if (current instanceof ProtocolError) chain.push(`${current.name}: ${current.shortMessage}`, ...current.metaMessages);
    else if (current instanceof Error) chain.push(`${current.name}: ${current.message}`);
    else chain.push(String(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  console.error(chain.join("\n  caused by "));
}

/**
 * The error mapper for dm3-compatible routes: the same answer, plus dm3's `error` field (dm3
 * clients read `error`; everything else reads `message`).
 */
export async function onDm3Error(error: Error, c: Context): Promise<Response> {
  const response = onError(error, c);
  const body = (await response.json()) as ErrorBody;
  const headers = error instanceof AppError ? error.headers : {};
  return c.json({ error: body.message, ...body }, response.status as ContentfulStatusCode, headers);
}

/** JSON-RPC 2.0 error codes of our error codes (dm3's -32010 spam, -32011 too big); others by kind. */
const JSON_RPC_CODES: Readonly<Record<string, number>> = {
  spam: -32010,
  message_too_large: -32011,
  payload_too_large: -32011,
  invalid_json: -32700,
  method_not_supported: -32601,
  // dm3's "Limit exceeded".
  recipient_quota_exceeded: -32005,
};

declare module "hono" {
  interface ContextVariableMap {
    /** The id of the JSON-RPC call being answered (null until the body is read). */
    jsonRpcId: string | number | null;
  }
}

/**
 * The error mapper for JSON-RPC routes: the same status and `{ message, code }`, plus a JSON-RPC 2.0
 * error object in `error` (`{ code, message, data: { code } }`).
 */
export async function onJsonRpcError(error: Error, c: Context): Promise<Response> {
  const response = onError(error, c);
  const body = (await response.json()) as ErrorBody;
  const headers = error instanceof AppError ? error.headers : {};
  const jsonRpcCode = JSON_RPC_CODES[body.code] ?? (response.status >= 500 ? -32603 : -32602);
  return c.json(
    { jsonrpc: "2.0", id: c.get("jsonRpcId") ?? null, error: { code: jsonRpcCode, message: body.message, data: { code: body.code } }, ...body },
    response.status as ContentfulStatusCode,
    headers,
  );
}
