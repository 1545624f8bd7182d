// @ts-check
/* Supervisors (docs/console.md): the live overview of my regions, reading along with a chat
 * ("Meekijken", read-only) and whispering to the counsellor who has it; flags and long waits.
 * For counsellors: whispers in their chat, marked as for them alone, who reads along, and the
 * "Kijk even mee" button. A whisper never reaches the visitor: the relay keeps it apart. */
import { $, announce, fmt, h } from "./dom.js";
import { regionName, state } from "./state.js";
import { T } from "./texts.js";

/** @typedef {import("./socket.js").Frame} Frame */
/** @typedef {import("./state.js").Chat} Chat */
/** @typedef {{id: string, counsellors_online: number, queued: number, assigned: number, longest_wait_s: number, estimate_s: number | null}} RegionRow */
/** @typedef {{conversation: string, region?: string, nickname?: string, counsellor?: string, urgent?: boolean}} ChatRow */
/** @typedef {{id: string, el: HTMLElement, log: HTMLElement, note: HTMLElement, bySeq: Record<number, true>}} Watched */

/** @type {(frame: Frame) => void} */
let send = () => {};
/** @type {Record<string, Watched>} the chats I read along with */
const watched = {};
let overviewAt = 0;

/** @param {(frame: Frame) => void} sender sends a frame on the counsellor socket */
export function bindSupervisor(sender) { send = sender; }

/** @param {string} conversation */
export function watch(conversation) { send({ type: "watch", conversation }); }

/** @param {number} s */
function minutes(s) {
  return s < 60 ? fmt(T.supSeconds, { s: Math.max(0, Math.floor(s)) }) : fmt(T.supMinutes, { m: Math.floor(s / 60) });
}

/** The overview table and the chats in progress, from an overview frame. @param {Frame} f */
export function renderOverview(f) {
  $("overview").hidden = false;
  overviewAt = Date.now();
  const body = $("ov-rows");
  body.textContent = "";
  for (const r of /** @type {RegionRow[]} */ (f.regions || [])) {
    body.appendChild(h("tr", {}, [
      h("th", { scope: "row" }, regionName(r.id)),
      h("td", {}, String(r.counsellors_online)),
      h("td", {}, String(r.queued)),
      h("td", {}, String(r.assigned)),
      h("td.lwait", { "data-waiting": String(r.queued ? r.longest_wait_s : -1) }, ""),
      h("td", {}, r.estimate_s == null ? T.supUnknown : minutes(r.estimate_s))
    ]));
  }
  const list = $("ov-chats");
  list.textContent = "";
  for (const c of /** @type {ChatRow[]} */ (f.chats || [])) {
    const nick = c.nickname || T.visitor;
    list.appendChild(h("li.item" + (c.urgent ? ".urgent" : ""), {}, [
      h("p.line", {}, [
        c.urgent ? h("strong.badge", {}, T.urgent) : null,
        h("span.nick", {}, nick),
        h("span.region", {}, regionName(c.region)),
        h("span", {}, fmt(T.supWith, { name: c.counsellor || T.none }))
      ]),
      watchButton(c.conversation, nick)
    ]));
  }
  $("ov-chats-empty").hidden = (f.chats || []).length > 0;
  tickOverview();
}

/** "Meekijken", with whom for a screen reader. @param {string} conversation @param {string} nick */
export function watchButton(conversation, nick) {
  return h("button.watch", { type: "button", on: { click: () => watch(conversation) } },
    [T.supWatch, h("span.sr", {}, " " + fmt(T.takeWith, { nick }))]);
}

/** Counts the longest waits on between overview frames. */
export function tickOverview() {
  const extra = (Date.now() - overviewAt) / 1000;
  document.querySelectorAll(".lwait").forEach((el) => {
    const s = Number(el.getAttribute("data-waiting"));
    el.textContent = s < 0 ? T.none : minutes(s + extra);
  });
}

/** A read-only card of a chat I watch, with the whisper box. @param {Frame} f the watching frame */
export function showWatching(f) {
  const id = f.conversation, n = id.replace(/[^\w-]/g, ""), nick = f.nickname || T.visitor;
  let w = watched[id];
  if (!w) {
    const input = /** @type {HTMLTextAreaElement} */ (h("textarea", { id: "whisper-" + n, rows: "2" }));
    const form = h("form.compose", {}, [
      h("label", { "for": "whisper-" + n }, T.supWhisperLabel),
      input,
      h("div.row", {}, [
        h("button.primary", { type: "submit" }, T.supWhisper),
        h("button", { type: "button", on: { click: () => stopWatching(id) } }, T.supStop)
      ])
    ]);
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const text = input.value.trim();
      if (text) { send({ type: "whisper", conversation: id, text }); input.value = ""; }
    });
    const title = h("h3", { id: "wtitle-" + n }, "");
    const note = h("p.presence", {}, "");
    const log = h("div.log", { role: "log", tabindex: "0", "aria-label": fmt(T.supWatchLog, { nick }) });
    w = watched[id] = {
      id, log, note, bySeq: {},
      el: h("article.card.watching", { "data-conversation": id, "aria-labelledby": "wtitle-" + n }, [title, note, log, form])
    };
    title.appendChild(h("span.nick", {}, fmt(T.supWatching, { nick })));
    title.appendChild(h("span.region", {}, regionName(f.region)));
    $("watch-list").appendChild(w.el);
    $("watch-empty").hidden = true;
    input.focus();
  }
  w.note.textContent = f.counsellor ? fmt(T.supWith, { name: f.counsellor }) : T.supNobody;
  (f.transcript || []).forEach((/** @type {Frame} */ m) => watchedMessage(m));
  if (!w.log.querySelector(".whisper")) {
    (f.whispers || []).forEach((/** @type {Frame} */ x) => w && w.log.appendChild(whisperEl(fmt(T.whisperBy, { name: x.from }), x.text || "")));
  }
  announce(fmt(T.supWatchingSay, { nick }));
}

/** A message of a chat I watch. @param {Frame} m */
export function watchedMessage(m) {
  const w = watched[m.conversation];
  if (!w || m.seq == null || w.bySeq[m.seq]) return;
  w.bySeq[m.seq] = true;
  const who = m.from === "visitor" ? T.visitor : m.from === "bot" ? T.bot : m.from === "counsellor" ? T.counsellor : T.system;
  w.log.appendChild(h("div.msg." + (m.from || "system"), {}, [h("span.from", {}, who + ":"), h("p.text", {}, m.text || "")]));
  w.log.scrollTop = w.log.scrollHeight;
}

/** @param {string} id */
function stopWatching(id) {
  send({ type: "unwatch", conversation: id });
  const w = watched[id];
  if (w) { w.el.remove(); delete watched[id]; }
  $("watch-empty").hidden = Object.keys(watched).length > 0;
}

/** A watched chat ended or changed hands. @param {Frame} f */
export function watchedNews(f) {
  const w = watched[f.conversation];
  if (!w) return;
  if (f.type === "ended") {
    w.note.textContent = T.ended;
    const form = w.el.querySelector("form"); // nobody left to whisper to
    if (form) form.remove();
  } else w.note.textContent = fmt(T.supWith, { name: f.counsellor || T.none });
}

/** My whisper went out. @param {Frame} f */
export function whispered(f) {
  const w = watched[f.conversation];
  if (w) w.log.appendChild(whisperEl(T.supWhisperMine, f.text || ""));
  announce(T.supWhisperSent);
}

/** @param {string} label @param {string} text */
function whisperEl(label, text) {
  return h("div.msg.whisper", {}, [h("span.from", {}, label), h("p.text", {}, text)]);
}

/**
 * A supervisor's whisper in one of my chats: for me alone.
 * @param {Chat} c @param {Frame} f @param {boolean} [quiet] not announced (one from before a reload)
 */
export function showWhisper(c, f, quiet) {
  c.log.appendChild(whisperEl(fmt(T.whisperFrom, { name: f.from }), f.text || ""));
  c.log.scrollTop = c.log.scrollHeight;
  if (!quiet) announce(fmt(T.whisperSay, { name: f.from, nick: c.nick }));
}

/** Who reads along with my chat, visibly. @param {Chat} c @param {Frame} f watched or unwatched */
export function showWatcher(c, f) {
  let note = /** @type {HTMLElement | null} */ (c.el.querySelector(".watcher"));
  if (!note) { note = h("p.watcher"); c.title.after(note); }
  note.textContent = f.type === "watched" ? fmt(T.watchedBy, { name: f.by }) : "";
  note.hidden = f.type !== "watched";
  if (f.type === "watched") announce(fmt(T.watchedBy, { name: f.by }));
}

/** "Kijk even mee" in one of my chats. @param {string} conversation */
export function flagButton(conversation) {
  return h("button.flag", { type: "button", on: { click: () => send({ type: "flag", conversation }) } }, T.flag);
}

/** A counsellor asks me to look along, or an urgent chat waits too long. @param {Frame} f */
export function supervisorAlert(f) {
  const text = f.type === "flag"
    ? fmt(T.supFlag, { name: f.counsellor, region: regionName(f.region) })
    : fmt(T.supWaitAlert, { level: f.level === "urgent" ? T.urgent : T.supHigh, region: regionName(f.region), t: minutes(f.waiting_s || 0) });
  $("ov-alerts").prepend(h("li.item.urgent", {}, [h("p", {}, text), watchButton(f.conversation, T.visitor)]));
  announce(text);
}

/** Forget it all (logout). */
export function clearSupervision() {
  for (const id of Object.keys(watched)) delete watched[id];
  $("watch-list").textContent = "";
  $("ov-alerts").textContent = "";
  $("overview").hidden = true;
  if (state.me) state.me.supervisor = false;
}
