import { cors } from "hono/cors";
import { D1_BOOKMARK_HEADER } from "./d1BookmarkHeader";

const EXPOSED_HEADERS = [D1_BOOKMARK_HEADER];

/** Every route may be called from any web page (public reads, CCIP-Read from browsers, API keys in headers). */
export const corsPolicy = cors({
  origin: "*",
  allowMethods: ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
  allowHeaders: ["Content-Type", "Authorization", D1_BOOKMARK_HEADER],
  exposeHeaders: EXPOSED_HEADERS,
  maxAge: 86_400,
});

/** The headers {@link corsPolicy} puts on every answer but a preflight's (for answers made without hono). */
export const CORS_ANSWER_HEADERS: Readonly<Record<string, string>> = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Expose-Headers": EXPOSED_HEADERS.join(","),
};
