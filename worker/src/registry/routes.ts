import { Hono } from "hono";
import { domainRoutes } from "./domainRoutes";
import { keyRoutes } from "./keyRoutes";
import { nameRoutes } from "./nameRoutes";
import { readRoutes } from "./readRoutes";

/**
 * The registry's REST API (`/v1`), one file per resource. Writes: the admin token or a domain's
 * service key (`adminOnly`, `domainService`), or the owner's EIP-712 signature.
 */
export const registryRoutes = new Hono().route("/", domainRoutes).route("/", keyRoutes).route("/", readRoutes).route("/", nameRoutes);
