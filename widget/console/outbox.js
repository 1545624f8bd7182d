// @ts-check
/* A counsellor's message is never lost: it is kept here until the relay has stored it (the stored
 * message comes back with the same id), sent again after a reconnect (the relay stores a message once
 * per id), and shown as "wordt verstuurd" meanwhile. A message the relay could not store (the chat
 * ended, or is no longer mine) stays visible, marked as not sent, with its text to copy. */
import { h } from "./dom.js";
import { T } from "./texts.js";

/** @typedef {import("./socket.js").Frame} Frame */
/** @typedef {{id: string, conversation: string, text: string, el: HTMLElement, note: HTMLElement}} Pending */

/** @type {Map<string, Pending>} */
const pending = new Map();
let counter = 0;

/** A new id for one message of this console ("console-" keeps it apart from the widget's ids). */
function newId() {
  counter += 1;
  return "console-" + Date.now().toString(36) + "-" + counter.toString(36) + "-" + Math.random().toString(36).slice(2, 8);
}

/**
 * Keep the message, show it as pending at the end of the chat's log, and send it if the socket is open.
 * @param {string} conversation
 * @param {string} text
 * @param {HTMLElement} log the chat's transcript
 * @param {(frame: Frame) => boolean} send true when the frame went out now
 */
export function sendMessage(conversation, text, log, send) {
  const id = newId();
  const note = h("span.pendnote", {}, T.pending);
  const el = h("div.msg.counsellor.pending", { "data-seq": "" }, [
    h("span.from", {}, T.counsellor + ":"), h("p.text", {}, text), note
  ]);
  log.appendChild(el);
  log.scrollTop = log.scrollHeight;
  pending.set(id, { id, conversation, text, el, note });
  if (!send({ type: "message", conversation, text, id })) note.textContent = T.pendingOffline;
}

/**
 * The relay stored a message: if it was one of mine, its pending line gives way to the stored one.
 * @param {Frame} frame a message frame
 */
export function stored(frame) {
  const p = typeof frame.id === "string" ? pending.get(frame.id) : undefined;
  if (!p) return;
  p.el.remove();
  pending.delete(p.id);
}

/** After a reconnect: send again what was not stored yet. @param {(frame: Frame) => boolean} send */
export function resend(send) {
  for (const p of pending.values()) {
    if (send({ type: "message", conversation: p.conversation, text: p.text, id: p.id })) p.note.textContent = T.pending;
  }
}

/** The relay refused messages of this conversation: they stay, marked as not sent. @param {string} conversation */
export function refused(conversation) {
  for (const p of pending.values()) {
    if (p.conversation !== conversation) continue;
    p.el.classList.add("failed");
    p.note.textContent = T.notSent;
    pending.delete(p.id);
  }
}

/** How many messages wait for the relay (the page warns before it is closed with any). */
export function waiting() { return pending.size; }
