// @ts-check
/* Voordeur counsellor console: login, the queue of my regions, my conversations, the registration form.
 * Driven by /ws/counsellor and the console HTTP API (docs/console.md). Native ES modules, no build step:
 * the page and its scripts come from the relay itself. All text via textContent. */
import { api, getJson, whenExpired } from "./api.js";
import { addMessage, bindSender, chat, clearChats, ended, fillCanned, raise, remove } from "./chats.js";
import { $, announce, fmt } from "./dom.js";
import { loadFigures } from "./figures.js";
import { refused, resend, stored, waiting } from "./outbox.js";
import { askBeforeLogout, remind, showPresence, showTyping } from "./presence.js";
import { renderQueue, tick } from "./queue.js";
import { CounsellorSocket } from "./socket.js";
import { beep, unlock } from "./sound.js";
import {
  bindSupervisor, clearSupervision, renderOverview, showWatcher, showWatching, showWhisper, supervisorAlert,
  tickOverview, watchedMessage, watchedNews, whispered
} from "./supervise.js";
import { regionName, state } from "./state.js";
import { T } from "./texts.js";

/** @typedef {import("./socket.js").Frame} Frame */
/** @typedef {import("./state.js").Me} Me */

const socket = new CounsellorSocket({
  onFrame(f) { if (Object.prototype.hasOwnProperty.call(handlers, f.type)) handlers[f.type](f); },
  onConnection(up) {
    $("conn").textContent = up ? T.online : T.offline;
    if (up) resend((f) => socket.send(f)); // what was not stored before the connection dropped
  },
  // A closed socket may mean an expired session: ask the API (a 401 shows the login form).
  mayRetry: () => api("GET", "me").then((r) => r.ok, () => state.loggedIn)
});
/** Send a frame; without a connection, say so instead of dropping it silently (messages wait in the outbox). @param {Frame} f */
function sendOrSay(f) {
  const sent = socket.send(f);
  if (!sent && f.type !== "typing" && f.type !== "message") announce(T.notNow);
  return sent;
}
bindSender(sendOrSay);
bindSupervisor(sendOrSay);
/** @param {string} conversation */
const take = (conversation) => sendOrSay({ type: "take", conversation });
window.addEventListener("beforeunload", (e) => { if (waiting()) e.preventDefault(); });
whenExpired(() => {
  if (!state.loggedIn) return;
  stop();
  showLogin(T.expired);
});


fetch("/api/status", { cache: "no-store" }).then((r) => r.json()).then((s) => {
  for (const r of s.regions) state.regions[r.id] = r;
}).catch(() => { /* region ids are shown instead */ });

// ---- login / logout -----------------------------------------------------------------------------
const loginForm = /** @type {HTMLFormElement} */ ($("login-form"));
const username = /** @type {HTMLInputElement} */ ($("username"));
const password = /** @type {HTMLInputElement} */ ($("password"));

/** @param {string} message why the form is back ("" for none) */
function showLogin(message) {
  state.loggedIn = false;
  $("app").hidden = true; $("me").hidden = true; $("logout").hidden = true;
  $("figures").hidden = true; $("show-figures").hidden = true;
  $("login").hidden = false;
  $("login-error").textContent = message;
  username.focus();
}
function stop() {
  state.loggedIn = false;
  socket.close();
  clearChats();
  state.queue = []; state.seenUrgent = {};
  $("queue").textContent = "";
  clearSupervision();
}
loginForm.addEventListener("submit", async (e) => {
  e.preventDefault();
  unlock();
  const u = username.value.trim(), p = password.value;
  if (!u || !p) { $("login-error").textContent = T.badLogin; return; }
  try {
    const r = await api("POST", "login", { username: u, password: p });
    if (r.ok) { password.value = ""; await start(); return; }
    $("login-error").textContent = r.status === 429 ? T.throttled : r.status === 401 ? T.badLogin : T.failed;
  } catch {
    $("login-error").textContent = T.failed;
  }
});
$("logout").addEventListener("click", () => askBeforeLogout((f) => socket.send(f), () => {
  stop();
  api("POST", "logout").catch(() => { /* the cookie goes anyway when it expires */ }).then(() => showLogin(""));
}));

async function start() {
  /** @type {Me} */
  let me;
  try { me = await getJson("me"); } catch { showLogin(""); return; }
  state.loggedIn = true;
  setMe(me);
  $("login").hidden = true; $("app").hidden = false; $("logout").hidden = false;
  getJson("canned").then((c) => { state.canned = c.replies || []; fillCanned(); }).catch(() => { /* no canned replies today */ });
  getJson("registration-options").then((o) => { state.registrationOptions = o; })
    .catch(() => { /* the form falls back to free text */ });
  renderQueue(take);
  $("conn").textContent = T.connecting;
  socket.open();
  $("take-next").focus();
}
/** @param {Me} m */
function setMe(m) {
  state.me = m;
  if (m.max_chats) state.maxChats = m.max_chats;
  const rs = m.regions || [], known = Object.keys(state.regions).length;
  $("show-figures").hidden = !m.supervisor;
  $("me").textContent = fmt(T.me, { name: m.name, regions: known && rs.length >= known ? T.allRegions : rs.map(regionName).join(", ") });
  $("me").hidden = false;
}

// ---- frames from the relay ----------------------------------------------------------------------
/** Errors after which a message of that conversation cannot be stored any more. */
const REFUSED = ["not_yours", "not_found", "conversation_ended"];
/** @type {Record<string, (f: Frame) => void>} */
const handlers = {
  // The socket's hello repeats the profile; what it leaves out (supervisor) stays as /me said.
  hello(f) { setMe(/** @type {Me} */ ({ ...state.me, ...f })); },
  queue(f) {
    state.queue = f.items || []; state.queueAt = Date.now();
    let fresh = false;
    for (const i of state.queue) {
      if (i.urgent && !state.seenUrgent[i.conversation]) fresh = true;
      state.seenUrgent[i.conversation] = state.seenUrgent[i.conversation] || !!i.urgent;
    }
    if (fresh) { beep(); announce(T.newUrgent); }
    renderQueue(take);
  },
  taken(f) {
    const isNew = !state.chats[f.conversation]; // after a reconnect the relay sends my open chats again
    const c = chat(f.conversation, f);
    (f.transcript || []).forEach((/** @type {Frame} */ m) => addMessage(c, m));
    // Whispers so far (after a reload), quietly; those shown already are not shown twice.
    (f.whispers || []).slice(c.log.querySelectorAll(".whisper").length).forEach((/** @type {Frame} */ w) => showWhisper(c, w, true));
    // state "ended": a chat that ended while I was away, back for its registration ("ended" follows)
    if (isNew && f.state !== "ended") { announce(fmt(T.taken, { nick: c.nick })); c.input.focus(); }
  },
  message(f) {
    if (f.watched) { watchedMessage(f); return; } // a chat I read along with, not one of mine
    stored(f);
    addMessage(chat(f.conversation), f);
  },
  alert(f) { const c = state.chats[f.conversation]; if (c) raise(c); },
  ended(f) {
    if (f.watched) { watchedNews(f); return; }
    const c = state.chats[f.conversation]; if (c) ended(c, f.by);
  },
  transferred(f) {
    const c = state.chats[f.conversation];
    if (!c) return;
    announce(fmt(T.transferred, { nick: c.nick, region: regionName(f.region) }));
    remove(c);
  },
  released(f) {
    const c = state.chats[f.conversation];
    if (!c) return;
    announce(fmt(T.released, { nick: c.nick }));
    remove(c);
  },
  presence(f) { const c = state.chats[f.conversation]; if (c) showPresence(c, f.visitor === "online", f.since); },
  typing(f) { const c = state.chats[f.conversation]; if (c && !c.ended) showTyping(c, true); },
  overview(f) { renderOverview(f); },
  watching(f) { showWatching(f); },
  watched_taken(f) { watchedNews(f); },
  whispered(f) { whispered(f); },
  flag(f) { beep(); supervisorAlert(f); },
  wait_alert(f) { beep(); supervisorAlert(f); },
  whisper(f) { const c = state.chats[f.conversation]; if (c) showWhisper(c, f); },
  watched(f) { const c = state.chats[f.conversation]; if (c) showWatcher(c, f); },
  unwatched(f) { const c = state.chats[f.conversation]; if (c && f.by) showWatcher(c, f); },
  flagged() { announce(T.flagged); },
  error(f) {
    if (f.conversation && REFUSED.includes(f.code)) refused(f.conversation);
    const text = f.message || f.code;
    $("error").textContent = text;
    setTimeout(() => { if ($("error").textContent === text) $("error").textContent = ""; }, 8000);
  }
};

// ---- the figures page (supervisors only; the relay answers 403 to anyone else) -----------------------
$("show-figures").addEventListener("click", () => {
  const show = $("figures").hidden;
  $("figures").hidden = !show; $("app").hidden = show;
  $("show-figures").textContent = show ? T.figBack : T.figShow;
  if (show) { loadFigures(); $("fig-title").focus(); }
});

setInterval(() => { tick(); remind(); tickOverview(); }, 1000);
$("take-next").addEventListener("click", () => sendOrSay({ type: "take" }));

// ---- start: logged in already (cookie) or not ----------------------------------------------------
fetch("/api/console/me", { credentials: "same-origin", cache: "no-store" }).then((r) => {
  if (r.ok) start(); else showLogin("");
}, () => showLogin(""));
