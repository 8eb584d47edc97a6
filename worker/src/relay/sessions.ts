import { sign, verify } from "hono/jwt";
import { normalize } from "viem/ens";
import type { Database } from "../db/client";
import { spendChallenge } from "../db/messages";
import { verifyDetachedAsync } from "../protocol/dm3/asymmetric";
import { UnauthorizedError } from "../http/AppError";
import { InvalidInputError } from "../http/validate";
import type { Dm3Directory } from "../shared/dm3Directory";
import type { RelaySettings } from "../settings/relaySettings";
import { InvalidChallengeSignatureError } from "./errors";

/** How long a challenge may be answered (dm3 uses 15 minutes). */
export const CHALLENGE_TTL_SECONDS = 15 * 60;
/** How long a session token is valid (dm3 uses 1 hour). */
export const SESSION_TTL_SECONDS = 60 * 60;
const ALGORITHM = "HS256";

type ChallengeClaims = { typ: "challenge"; sub: string; challenge: string; exp: number; iat: number };
/** `key`: the profile signing key that answered the challenge; the session ends when it changes. */
type SessionClaims = { typ: "session"; sub: string; key: string; exp: number; iat: number };

/** `GET /auth/{name}`: a short-lived challenge token (an HS256 JWT with a random uuid). */
export function createChallenge(relay: RelaySettings, name: string, nowSeconds: number): Promise<string> {
  const claims: ChallengeClaims = { typ: "challenge", sub: name, challenge: crypto.randomUUID(), iat: nowSeconds, exp: nowSeconds + CHALLENGE_TTL_SECONDS };
  return sign(claims, relay.jwtSecret, ALGORITHM);
}

/**
 * `POST /auth/{name}`: the challenge token signed (Ed25519, base64) with the signing key of the
 * name's published DM3 profile earns a 1-hour session token. A challenge works once.
 */
export async function answerChallenge(
  db: Database,
  directory: Dm3Directory,
  relay: RelaySettings,
  name: string,
  answer: { challenge: string; signature: string },
  nowSeconds: number,
): Promise<string> {
  const claims = await verifyToken<ChallengeClaims>(relay, answer.challenge, "challenge").catch(() => {
    throw new InvalidChallengeSignatureError("challenge token invalid or expired");
  });
  if (claims.sub !== name) throw new InvalidChallengeSignatureError(`challenge was issued for ${claims.sub}`);
  const profile = (await directory.profile(name))?.signedProfile;
  if (!profile || !(await verifyDetachedAsync(profile.profile.publicSigningKey, answer.challenge, answer.signature))) {
    throw new InvalidChallengeSignatureError("not signed by the profile's signing key");
  }
  if (!(await spendChallenge(db, claims.challenge, claims.exp))) throw new InvalidChallengeSignatureError("challenge already used");
  const session: SessionClaims = {
    typ: "session",
    sub: name,
    key: profile.profile.publicSigningKey,
    iat: nowSeconds,
    exp: nowSeconds + SESSION_TTL_SECONDS,
  };
  return sign(session, relay.jwtSecret, ALGORITHM);
}

/**
 * Throws 401 unless `authorization` carries a live session token for `name`, earned with the
 * signing key the name's profile publishes now: new keys, a new owner or a deleted name end
 * every older session at once (for names read from ENS: once the directory's cache expires).
 * Returns the signing key the session was earned with (the profile's current one).
 */
export async function requireSession(directory: Dm3Directory, relay: RelaySettings, authorization: string | undefined, name: string): Promise<string> {
  const token = authorization?.startsWith("Bearer ") ? authorization.slice("Bearer ".length).trim() : undefined;
  if (!token) throw new UnauthorizedError("Send the session token as `Authorization: Bearer <token>` (POST /auth/{name})");
  const claims = await verifyToken<SessionClaims>(relay, token, "session").catch(() => {
    throw new UnauthorizedError("Session token invalid or expired");
  });
  if (claims.sub !== name) throw new UnauthorizedError(`This session is for ${claims.sub}, not ${name}`);
  const profile = (await directory.profile(name))?.signedProfile;
  if (profile?.profile.publicSigningKey !== claims.key) {
    throw new UnauthorizedError(`The DM3 profile of ${name} changed since this session began: authenticate again (POST /auth/{name})`);
  }
  return claims.key;
}

/** The normalized form of a name in a relay path; 400 if it has none. */
export function relayName(raw: string): string {
  try {
    return normalize(decodeURIComponent(raw));
  } catch {
    throw new InvalidInputError(`"${raw}" is not a valid ENS name`);
  }
}

async function verifyToken<Claims extends { typ: string }>(relay: RelaySettings, token: string, typ: Claims["typ"]): Promise<Claims> {
  const claims = (await verify(token, relay.jwtSecret, ALGORITHM)) as unknown as Claims;
  if (claims.typ !== typ) throw new Error(`not a ${typ} token`);
  return claims;
}
