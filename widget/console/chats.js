// @ts-check
/* My conversations: one card each, with the transcript, the compose form, canned replies, transfer,
 * ending, and the registration form once the conversation is over. */
import { $, announce, fmt, h } from "./dom.js";
import { notesField } from "./notes.js";
import { sendMessage } from "./outbox.js";
import { noteMessage, reminderNote, showPresence, typed } from "./presence.js";
import { intakeText, updateTakeNext } from "./queue.js";
import { registrationForm } from "./registration.js";
import { beep } from "./sound.js";
import { regionName, state } from "./state.js";
import { flagButton } from "./supervise.js";
import { T } from "./texts.js";

/** @typedef {import("./state.js").Chat} Chat */
/** @typedef {import("./socket.js").Frame} Frame */
/** @typedef {{nickname?: string, region?: string, urgent?: boolean, intake?: Record<string, unknown>, [field: string]: unknown}} ChatInfo */
/** @typedef {{seq?: number | null, from?: string, text?: string, [field: string]: unknown}} Message */

/** @type {(frame: Frame) => boolean} */
let send = () => false;

/** @param {(frame: Frame) => boolean} sender sends a frame on the counsellor socket; false when offline */
export function bindSender(sender) { send = sender; }

/**
 * The card of this conversation, made the first time.
 * @param {string} id
 * @param {ChatInfo} [f] what a taken frame says about it
 * @returns {Chat}
 */
export function chat(id, f) {
  const known = state.chats[id];
  if (known) {
    if (f && f.nickname) known.nick = f.nickname;
    if (f && f.urgent) raise(known, true);
    return known;
  }
  f = f || {};
  const n = id.replace(/[^\w-]/g, "");
  const nick = f.nickname || T.visitor;
  const input = /** @type {HTMLTextAreaElement} */ (h("textarea", { id: "msg-" + n, rows: "3" }));
  const cannedSel = /** @type {HTMLSelectElement} */ (h("select", { id: "canned-" + n }));
  const regionSel = /** @type {HTMLSelectElement} */ (h("select", { id: "region-" + n }));
  const endAsk = h("span.endask", { hidden: true }, [
    h("span", {}, T.endAsk + " "),
    h("button.danger", { type: "button", on: { click: () => send({ type: "end", conversation: id }) } }, T.yes),
    h("button", { type: "button", on: { click: () => { endAsk.hidden = true; endBtn.hidden = false; endBtn.focus(); } } }, T.no)
  ]);
  const endBtn = h("button.danger", { type: "button", on: { click: () => {
    endBtn.hidden = true;
    endAsk.hidden = false;
    /** @type {HTMLElement} */ (endAsk.querySelector("button")).focus();
  } } }, T.end);
  const form = /** @type {HTMLFormElement} */ (h("form.compose", {}, [
    h("label", { "for": "msg-" + n }, fmt(T.message, { nick })),
    input,
    h("div.row", {}, [h("button.primary", { type: "submit" }, T.send)]),
    h("div.row", {}, [
      h("label", { "for": "canned-" + n }, T.canned), cannedSel,
      h("button", { type: "button", on: { click: () => {
        const r = state.canned[Number(cannedSel.value)];
        if (cannedSel.value && r) { input.value = (input.value ? input.value + "\n" : "") + r.text; input.focus(); }
      } } }, T.cannedUse)
    ]),
    h("div.row", {}, [
      h("label", { "for": "region-" + n }, T.transferTo), regionSel,
      h("button", { type: "button", on: { click: () => {
        if (regionSel.value) send({ type: "transfer", conversation: id, region: regionSel.value });
      } } }, T.transfer)
    ]),
    h("div.row", {}, [flagButton(id), endBtn, endAsk])
  ]));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const t = input.value.trim();
    if (!t) return;
    sendMessage(id, t, log, send); // kept until the relay has stored it
    input.value = "";
  });
  input.addEventListener("input", () => typed(c, send));
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); form.requestSubmit(); }
  });
  const title = h("h3", { id: "title-" + n }, "");
  const log = h("div.log", { role: "log", tabindex: "0", "aria-label": fmt(T.transcript, { nick }) });
  const presence = h("p.presence"), typing = h("p.typing", { "aria-hidden": "true" });
  const reminder = reminderNote(() => input);
  const notes = notesField(id, n, typeof f.note === "string" ? f.note : "");
  /** @type {Chat} */
  const c = state.chats[id] = {
    id, nick, region: f.region, bySeq: {}, ended: false, urgent: false,
    el: h("article.card", { "data-conversation": id, "aria-labelledby": "title-" + n }, [title, presence, log, typing, reminder, form, notes.el]),
    title, log, banner: null, form, input, cannedSel, regionSel,
    presence, typing, reminder, typingTimer: undefined, typingSent: 0, lastFrom: "", lastAt: 0
  };
  if (f.visitor_online !== undefined) showPresence(c, !!f.visitor_online, /** @type {string | null} */ (f.visitor_since));
  fillCanned(c);
  for (const [rid, region] of Object.entries(state.regions)) {
    if (rid !== c.region) regionSel.appendChild(h("option", { value: rid }, region.name));
  }
  titleChat(c, f);
  $("chats").appendChild(c.el);
  if (f.urgent) raise(c, true);
  updateTakeNext();
  return c;
}

/** @param {Chat} c @param {ChatInfo} f */
function titleChat(c, f) {
  c.title.textContent = "";
  c.title.appendChild(h("span.nick", {}, c.nick));
  c.title.appendChild(h("span.region", {}, regionName(c.region)));
  if (typeof f.risk === "string" && T.risk[f.risk]) c.title.appendChild(h("span.risk", {}, T.risk[f.risk]));
  if (typeof f.waited_s === "number") {
    c.title.appendChild(h("span.waited", {}, fmt(T.waited, { m: Math.max(1, Math.round(f.waited_s / 60)) })));
  }
  // Came through the backup (achtervang): the visitor's own organisation may need to follow up.
  if (typeof f.backup_from === "string" && f.backup_from) {
    c.title.appendChild(h("span.backup", {}, fmt(T.viaBackup, { region: regionName(f.backup_from) })));
  }
  if (f.intake) c.title.appendChild(h("span.intake", {}, intakeText(f.intake)));
}

/** The canned replies in the select of one chat, or of all (they came after the chats). @param {Chat} [only] */
export function fillCanned(only) {
  for (const c of only ? [only] : Object.values(state.chats)) {
    c.cannedSel.textContent = "";
    c.cannedSel.appendChild(h("option", { value: "" }, T.cannedPick));
    state.canned.forEach((r, i) => { c.cannedSel.appendChild(h("option", { value: String(i) }, r.title)); });
  }
}

/** Shows a message once, in seq order. @param {Chat} c @param {Message} m */
export function addMessage(c, m) {
  const seq = m.seq;
  if (seq != null) {
    if (c.bySeq[seq]) return;
    c.bySeq[seq] = true;
  }
  const who = m.from === "visitor" ? c.nick : m.from === "bot" ? T.bot : m.from === "counsellor" ? T.counsellor : T.system;
  const el = h("div.msg." + (m.from || "system"), { "data-seq": seq == null ? "" : String(seq) }, [
    h("span.from", {}, who + ":"), h("p.text", {}, m.text || "")
  ]);
  const next = seq == null ? null : Array.from(c.log.children).find((x) => {
    const s = x.getAttribute("data-seq");
    return s !== "" && Number(s) > seq;
  });
  c.log.insertBefore(el, next || null);
  noteMessage(c, m.from, /** @type {string | undefined} */ (m.at));
  c.log.scrollTop = c.log.scrollHeight;
}

/**
 * Marks a conversation urgent. The banner goes into the page empty and gets its text after, so that
 * screen readers announce it (a role="alert" that arrives with its text is not always read).
 * @param {Chat} c
 * @param {boolean} [quiet] no beep or announcement (a taken or reconnected chat that was urgent already)
 */
export function raise(c, quiet) {
  c.urgent = true;
  c.el.classList.add("urgent");
  if (!c.banner) {
    c.banner = h("p.banner", { role: "alert" });
    c.title.after(c.banner);
    c.banner.textContent = T.alert;
  }
  if (!quiet) { beep(); announce(fmt(T.alertSay, { nick: c.nick })); }
}

/** @param {Chat} c */
export function remove(c) {
  c.el.remove();
  delete state.chats[c.id];
  updateTakeNext();
}

/** The conversation is over: the compose form gives way to the registration form. @param {Chat} c @param {string} by */
export function ended(c, by) {
  if (c.ended) return;
  c.ended = true;
  c.form.remove();
  c.reminder.hidden = true;
  c.typing.textContent = "";
  c.el.classList.add("ended");
  c.el.appendChild(h("p.endnote", {}, T.endedBy[by] || T.ended));
  c.el.appendChild(registrationForm(c.id, () => {
    announce(T.regSaved);
    remove(c);
    $("take-next").focus();
  }));
  updateTakeNext();
}

/** Forgets every chat (logout, expired session). */
export function clearChats() {
  state.chats = {};
  $("chats").textContent = "";
}
