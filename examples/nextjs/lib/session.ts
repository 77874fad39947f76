/**
 * Who is signed in, and the token that proves it to the URL API in JWT mode.
 *
 * Replace getSession with your auth library's: the user id must be what the generator writes as
 * `x-amz-meta-user-id` (the token's `sub`, or the claim the stack's OwnerClaim names), and idToken the
 * JWT the stack's authorizer accepts (its issuer and audience). With Auth.js, for example:
 *   const session = await auth(); return session && { userId: session.user.id, idToken: session.idToken };
 *
 * For the local stack only, LOCAL_DEV_USER makes every visitor that user, with an unsigned token: the local
 * API takes a bearer token's claims without verifying them (its documented local identity). It is refused
 * unless VIDEO_API_URL is on loopback, so it can never reach a deployed API.
 */
export type Session = { userId: string; idToken: string };

export async function getSession(): Promise<Session | null> {
  const devUser = process.env.LOCAL_DEV_USER;
  if (!devUser) return null;
  const api = new URL(process.env.VIDEO_API_URL ?? "http://127.0.0.1");
  if (!["127.0.0.1", "localhost", "[::1]"].includes(api.hostname)) {
    throw new Error("LOCAL_DEV_USER works only against the local stack (VIDEO_API_URL on 127.0.0.1 or localhost)");
  }
  return { userId: devUser, idToken: unsignedToken({ sub: devUser, iss: "video-links-local", aud: "local" }) };
}

function unsignedToken(claims: Record<string, string>): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  return `${part({ alg: "none", typ: "JWT" })}.${part({ ...claims, iat: now, exp: now + 3600 })}.`;
}
