import { cors } from "hono/cors";
import { D1_BOOKMARK_HEADER } from "./d1BookmarkHeader";

/** Every route may be called from any web page (public reads, CCIP-Read from browsers, API keys in headers). */
export const corsPolicy = cors({
  origin: "*",
  allowMethods: ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
  allowHeaders: ["Content-Type", "Authorization", D1_BOOKMARK_HEADER],
  exposeHeaders: [D1_BOOKMARK_HEADER],
  maxAge: 86_400,
});
