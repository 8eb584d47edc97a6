import { Hono } from "hono";
import { ccipRoutes } from "../ccip/routes";
import { onError, onNotFound } from "../http/errors";
import { corsPolicy } from "./corsPolicy";
import { provideLookupServices } from "./lookupServices";

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
