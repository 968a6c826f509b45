/**
 * The token service's routes, shared by the handler, which dispatches on them, and by
 * the component that declares them in API Gateway. Kept apart from the handler's
 * modules so the deployment program loads no Lambda runtime libraries to read them.
 */

/** The token route: a player posts `{ cid, drmType }` and gets a token back. */
export const TOKEN_ROUTE = { method: "POST", path: "/token" } as const;

/** The session route (with signed cookies): a player posts and gets CloudFront signed cookies. */
export const SESSION_ROUTE = { method: "POST", path: "/session" } as const;

/** A route as API Gateway names it in `routeKey`: `POST /session`. */
export const routeKey = (route: { readonly method: string; readonly path: string }) =>
  `${route.method} ${route.path}`;
