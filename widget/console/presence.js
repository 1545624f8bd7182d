// @ts-check
/* Presence in my conversations: whether the visitor is there and since when, their typing (never
 * what they type), a gentle reminder when it has been quiet a while, and handing chats over before
 * logging out (docs/console.md). Nothing here ends a conversation: a visitor may have had to hide
 * their phone. */
import { $, announce, fmt, h } from "./dom.js";
import { state } from "./state.js";
import { T } from "./texts.js";

/** @typedef {import("./state.js").Chat} Chat */
/** @typedef {import("./socket.js").Frame} Frame */

// The reminder comes after this long without a word from the visitor, once I wrote last.
export const QUIET_MS = 3 * 60 * 1000;
const TYPING_SHOWN_MS = 6000;
const TYPING_EVERY_MS = 2000;

/** @param {string | null | undefined} iso */
function hhmm(iso) {
  const d = iso ? new Date(iso) : null;
  return d && !isNaN(d.getTime()) ? d.toLocaleTimeString("nl-NL", { hour: "2-digit", minute: "2-digit" }) : "";
}

/** "De bezoeker is er (sinds 14:03)" or "weg sinds ...". @param {boolean} online @param {string | null | undefined} since */
export function presenceText(online, since) {
  const t = hhmm(since);
  if (online) return t ? fmt(T.visitorHereSince, { t }) : T.visitorHere;
  return t ? fmt(T.visitorGoneSince, { t }) : T.visitorGone;
}

/** @param {Chat} c @param {boolean} online @param {string | null | undefined} since */
export function showPresence(c, online, since) {
  c.presence.textContent = presenceText(online, since);
  c.presence.classList.toggle("gone", !online);
  if (!online) showTyping(c, false);
}

/** @param {Chat} c @param {boolean} on */
export function showTyping(c, on) {
  clearTimeout(c.typingTimer);
  c.typing.textContent = on ? fmt(T.typing, { nick: c.nick }) : "";
  if (on) c.typingTimer = setTimeout(() => showTyping(c, false), TYPING_SHOWN_MS);
}

/** Sends that I type in this chat (not what), at most once per two seconds. @param {Chat} c @param {(f: Frame) => void} send */
export function typed(c, send) {
  const now = Date.now();
  if (now - c.typingSent < TYPING_EVERY_MS) return;
  c.typingSent = now;
  send({ type: "typing", conversation: c.id });
}

/** Who wrote last, and when: the reminder counts from there. @param {Chat} c @param {string | undefined} from @param {string | undefined} at */
export function noteMessage(c, from, at) {
  if (from !== "visitor" && from !== "counsellor") return;
  const when = at ? new Date(at).getTime() : Date.now();
  if (when < c.lastAt) return;
  c.lastAt = when;
  c.lastFrom = from;
  if (from === "visitor") { showTyping(c, false); c.reminder.hidden = true; }
}

/** Every second: the gentle reminder in chats where I wrote last and the visitor has been quiet. */
export function remind() {
  const now = Date.now();
  for (const c of Object.values(state.chats)) {
    const due = !c.ended && c.lastFrom === "counsellor" && now - c.lastAt >= QUIET_MS;
    if (due && c.reminder.hidden) { c.reminder.hidden = false; announce(fmt(T.quietSay, { nick: c.nick })); }
    else if (!due) c.reminder.hidden = true;
  }
}

/** The reminder's elements for a new chat card: a note and a button that puts "ben je er nog?" ready to send.
 * @param {() => HTMLTextAreaElement} input */
export function reminderNote(input) {
  return h("div.reminder", { hidden: true }, [
    h("p", {}, T.quiet),
    h("button", { type: "button", on: { click: () => {
      const el = input();
      el.value = (el.value ? el.value + "\n" : "") + T.stillThere;
      el.focus();
    } } }, T.stillThereUse)
  ]);
}

// ---- logging out with open chats --------------------------------------------------------------

/** Open chats (not ended) of mine. */
function openChats() { return Object.values(state.chats).filter((c) => !c.ended); }

/**
 * Log out, but with open chats ask first to hand them over (a modal dialog: focus stays inside,
 * Escape cancels, focus returns to the logout button).
 * @param {(f: Frame) => void} send
 * @param {() => void} logout
 */
export function askBeforeLogout(send, logout) {
  const open = openChats();
  if (!open.length) { logout(); return; }
  const dialog = /** @type {HTMLDialogElement} */ ($("handover"));
  $("handover-text").textContent = open.length === 1 ? T.handoverOne : fmt(T.handoverMany, { n: open.length });
  let handing = false;
  // Escape closes a modal <dialog> by itself: focus then goes back to the logout button as well.
  dialog.onclose = () => { if (!handing) $("logout").focus(); };
  $("handover-no").onclick = () => dialog.close();
  $("handover-yes").onclick = () => {
    handing = true;
    dialog.close();
    for (const c of open) send({ type: "release", conversation: c.id });
    announce(T.handedOver);
    waitForReleases(open.map((c) => c.id), logout);
  };
  dialog.showModal();
  $("handover-yes").focus();
}

/** Logs out once every chat is handed over (each answered "released"), or after five seconds.
 * @param {string[]} ids @param {() => void} logout */
function waitForReleases(ids, logout) {
  const started = Date.now();
  const check = () => {
    if (ids.every((id) => !state.chats[id]) || Date.now() - started > 5000) logout();
    else setTimeout(check, 100);
  };
  check();
}
