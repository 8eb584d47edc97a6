import { Hono } from "hono";
import { answerGetLookup, ccipRoutes } from "../ccip/routes";
import { errorAnswer, onError, onNotFound } from "../http/errors";
import { waitInBackground } from "../http/runInBackground";
import { CORS_ANSWER_HEADERS, corsPolicy } from "./corsPolicy";
import { D1_BOOKMARK_HEADER } from "./d1BookmarkHeader";
import { type LookupServices, createLookupServices, provideLookupServices, reachedBookmarks, readD1Bookmarks } from "./lookupServices";

/**
 * The gateway's lookups on their own: the same routes, CORS policy and errors as under the main
 * app, but with a router of two routes (the main app's matches every request against all of them)
 * and only the services a lookup needs. `index.ts` sends `/ccip` requests here.
 */
export const lookupApp = new Hono<{ Bindings: Env }>({ strict: false })
  .use(corsPolicy)
  .use(provideLookupServices())
  .route("/ccip", ccipRoutes)
  .notFound(onNotFound)
  .onError(onError);

/** Whether `url` is a gateway lookup (`/ccip` or below), read without parsing the URL. */
export function isLookupUrl(url: string): boolean {
  const path = url.indexOf("/", url.indexOf("//") + 2);
  return path >= 0 && url.startsWith("/ccip", path) && (url.length === path + 5 || "/?".includes(url[path + 5] as string));
}

/**
 * Answers a gateway lookup request. A plain `GET /ccip/{sender}/{data}` — every client's lookup —
 * is answered without hono (no router, middleware chain or context: measured as a share of the
 * lookup's CPU, see docs/benchmarks.md), with the same function, headers and errors as the
 * {@link lookupApp} route; everything else (POST, preflights, encoded or extra path segments) goes
 * to {@link lookupApp}.
 */
export async function fetchLookup(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
  const lookupArguments = request.method === "GET" ? plainGetLookup(request.url) : undefined;
  if (!lookupArguments) return lookupApp.fetch(request, env, ctx);
  let lookup: LookupServices | undefined;
  let answer: { status: number; body: string | null; headers: Record<string, string> };
  try {
    lookup = createLookupServices(env, { d1Sessions: readD1Bookmarks(request.headers.get(D1_BOOKMARK_HEADER)) });
    const ifNoneMatch = request.headers.get("If-None-Match") ?? undefined;
    answer = await answerGetLookup(lookup, { ...lookupArguments, ifNoneMatch }, (work) => waitInBackground(ctx, "answer cache write", work));
  } catch (error) {
    const failure = errorAnswer(error);
    answer = { status: failure.status, body: JSON.stringify(failure.body), headers: { ...failure.headers, "Content-Type": "application/json" } };
  }
  const headers: Record<string, string> = { ...answer.headers, ...CORS_ANSWER_HEADERS };
  const reached = lookup && reachedBookmarks(lookup);
  if (reached) headers[D1_BOOKMARK_HEADER] = reached;
  return new Response(answer.body, { status: answer.status, headers });
}

/**
 * `sender` and `data` of `GET /ccip/{sender}/{data}` when the path is exactly that, with nothing
 * percent-encoded (hono would decode it); undefined for anything the router should decide.
 */
function plainGetLookup(url: string): { sender: string; data: string } | undefined {
  const pathStart = url.indexOf("/", url.indexOf("//") + 2);
  const query = url.indexOf("?", pathStart);
  const path = url.slice(pathStart, query === -1 ? url.length : query);
  const segments = path.split("/");
  if (segments.length !== 4 || segments[1] !== "ccip" || path.includes("%")) return undefined;
  const [, , sender, data] = segments as [string, string, string, string];
  return sender && data ? { sender, data } : undefined;
}
