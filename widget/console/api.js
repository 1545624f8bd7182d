// @ts-check
/* The console HTTP API (/api/console/…), with the session cookie. */

/** @type {() => void} */
let onExpired = () => {};

/**
 * What to do when the API answers 401: the session expired (shows the login form).
 * @param {() => void} handler
 */
export function whenExpired(handler) { onExpired = handler; }

/**
 * @param {"GET" | "POST" | "PUT"} method
 * @param {string} path below /api/console/
 * @param {unknown} [body] sent as JSON
 * @returns {Promise<Response>} rejects on a network error and on 401 (after onExpired)
 */
export async function api(method, path, body) {
  const r = await fetch("/api/console/" + path, {
    method, credentials: "same-origin", cache: "no-store",
    headers: body ? { "Content-Type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined
  });
  if (r.status === 401 && path !== "login") { onExpired(); throw r; }
  return r;
}

/**
 * GET a JSON answer.
 * @param {string} path
 * @returns {Promise<any>}
 */
export async function getJson(path) {
  return (await api("GET", path)).json();
}
