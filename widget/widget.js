// @ts-check
/* Voordeur visitor widget. Embed with one tag:
 *   <script src="https://RELAY/widget/widget.js" async></script>
 * No framework, no cookies, no localStorage; all text goes through textContent. See docs/widget.md.
 * A classic script (not a module), so the one-tag embed works on any host page. Everything the widget
 * knows sits in `state`; event handlers change it and call render(), which draws it. */
(function () {
  "use strict";
  const w = /** @type {Window & {__voordeur?: boolean}} */ (window);
  if (w.__voordeur) return;
  w.__voordeur = true;

  // Every string a visitor reads, in one place (the phone numbers too).
  const T = Object.freeze({
    launcherTitle: "Anoniem chatten met Veilig Thuis",
    loading: "Even kijken of de chat open is…",
    open: "De chat is nu open. Je hoeft je naam niet te geven.",
    closed: "De chat is nu gesloten.",
    nextOpen: "We zijn weer open op {t}.",
    unknown: "We kunnen nu niet zien of de chat open is. Probeer het gerust.",
    phone: "Bel gratis {p}, dag en nacht.",
    danger: "In direct gevaar? Bel {p}.",
    // Shown only when /api/status cannot be read; the relay's numbers (content/phone_numbers.yml)
    // replace them. tests/content/test_phone_numbers.py checks they equal the data file.
    helpline: "0800 2000",
    emergency: "112",
    start: "Start de chat",
    resume: "Open je gesprek",
    unread: "Er is een nieuw bericht.",
    panelTitle: "Chat met Veilig Thuis",
    talkingTo: "Je praat met:",
    bot: "Digitale assistent (geen mens)",
    counsellor: "{name}, {org}",
    org: "Veilig Thuis",
    nowWith: "Je praat nu met {who}.",
    close: "Chat verbergen (je gesprek blijft open)",
    exit: "Snel weg",
    exitHint: "Of druk 3 keer op Shift.",
    press2: "Druk nog 2 keer op Shift om snel weg te gaan.",
    press1: "Druk nog 1 keer op Shift om snel weg te gaan.",
    leaving: "Je gaat nu weg.",
    log: "Berichten",
    you: "Jij",
    assistant: "Assistent",
    helper: "Hulpverlener",
    system: "Melding",
    sending: "Wordt verstuurd…",
    sent: "Verstuurd",
    input: "Je bericht",
    send: "Versturen",
    end: "Gesprek beëindigen",
    endAsk: "Wil je het gesprek echt beëindigen?",
    endYes: "Ja, beëindigen",
    endNo: "Nee, verder chatten",
    ended: "Het gesprek is beëindigd. Je kunt altijd opnieuw beginnen.",
    again: "Nieuw gesprek starten",
    fbTitle: "Mogen we je nog iets vragen? Alles mag je overslaan.",
    fbHelped: "Heeft dit gesprek je geholpen?",
    fbScale: "1 (helemaal niet)|2|3|4|5 (heel erg)",
    fbAgain: "Zou je deze chat nog eens gebruiken?",
    fbYes: "Ja",
    fbNo: "Nee",
    fbComment: "Wil je nog iets zeggen? Noem geen namen of adressen.",
    fbSend: "Antwoord versturen",
    fbSkip: "Overslaan",
    fbThanks: "Dank je wel voor je antwoord.",
    queue1: "Je bent nummer 1 in de wachtrij: jij bent de volgende.",
    queueN: "Je bent nummer {n} in de wachtrij.",
    wait1: "Je wacht ongeveer 1 minuut.",
    waitN: "Je wacht ongeveer {n} minuten.",
    waitLong: "Het kan meer dan een uur duren.",
    waitUnknown: "Hoe lang het duurt, weten we nu niet.",
    typing: "{name} is aan het typen…",
    connecting: "Verbinden…",
    offline: "De verbinding is weg. We proberen het opnieuw…",
    online: "Je bent weer verbonden.",
    call: "Bel {p}",
    exitUrl: "https://www.buienradar.nl/"
  });
  const PREFIX = "voordeur.";
  const MAX_LEN = 2000;
  // Everything a visitor can reach with Tab, for the focus trap.
  const FOCUSABLE = "a[href],area[href],button,input:not([type=hidden]),select,textarea,iframe,summary," +
    "[contenteditable]:not([contenteditable=false]),[tabindex]:not([tabindex='-1'])";

  /** @typedef {{id: string, name: string, open?: boolean, next_open?: string | null}} Region */
  /** @typedef {{open: boolean, regions?: Region[], phone?: string, emergency?: string}} Status */
  /** @typedef {{kind: string, name?: string, region?: string}} Agent */
  /** @typedef {{text: string, phones: string[], level?: string}} Alert */
  /** @typedef {{id: string, text: string, payload?: string, el: HTMLElement}} Pending */
  /** @typedef {{type: string, [field: string]: any}} Frame */
  /**
   * @typedef {object} State
   * @property {"loading" | "open" | "closed" | "unknown"} availability what /api/status said
   * @property {string} nextOpen when the chat opens again, as the visitor reads it ("" if not known)
   * @property {Record<string, Region>} regions by id, for the organisation's name in the header
   * @property {string} helpline the free number shown while the chat is closed
   * @property {string} emergency
   * @property {boolean} panelOpen
   * @property {boolean} unread a message or an alert came while the panel was closed
   * @property {boolean} ended the conversation is over: nothing can be sent until a new one starts
   * @property {boolean} confirmingEnd "really end?" is shown
   * @property {string} status the connection or queue line, read out by role="status"
   * @property {string} shiftStatus the quick-exit countdown, read out by its own role="status"
   * @property {Agent | null} agent who the visitor talks to
   * @property {Alert | null} alert the urgent banner, which stays until the conversation is reset
   * @property {boolean} urgent an urgent alert came: no questions after the end
   * @property {boolean} asking the feedback questions are shown (after an end seen live)
   * @property {WebSocket | null} ws
   * @property {boolean} ready the relay answered hello with a session
   * @property {boolean} stopped the visitor left with the quick exit: never reconnect
   * @property {boolean} offline the connection dropped; "weer verbonden" once it is back
   * @property {number} retries reconnects since the last session, for the back-off
   * @property {number | undefined} reconnectTimer
   * @property {number | undefined} resendTimer re-sends pending messages after rate_limited or unavailable
   * @property {boolean} typing the counsellor is typing (shown for a few seconds, never read out)
   * @property {number | undefined} typingTimer
   * @property {number} typingSent when this visitor's last typing frame went (at most one per 2 s)
   * @property {Record<string, HTMLElement>} bySeq shown messages by seq, so nothing is shown twice
   * @property {Pending[]} pending messages not yet acknowledged by the relay
   * @property {number} shifts lone Shift presses so far
   * @property {number | undefined} shiftTimer
   * @property {boolean} lastShifted the last key went with Shift held (a capital), which does not count
   */
  /** @type {State} */
  const state = {
    availability: "loading", nextOpen: "", regions: {}, helpline: T.helpline, emergency: T.emergency,
    panelOpen: false, unread: false, ended: false, confirmingEnd: false, status: "", shiftStatus: "",
    agent: null, alert: null, urgent: false, asking: false,
    ws: null, ready: false, stopped: false, offline: false, retries: 0, reconnectTimer: undefined,
    resendTimer: undefined, bySeq: {}, pending: [], shifts: 0, shiftTimer: undefined, lastShifted: false,
    typing: false, typingTimer: undefined, typingSent: 0
  };

  // The relay's origin is where this script came from.
  const me = /** @type {HTMLScriptElement} */ (document.currentScript || document.querySelector("script[src*='widget.js']"));
  const src = new URL(me.src, location.href);
  const base = src.href.replace(/[^/]*$/, "");
  const origin = src.origin;
  const wsUrl = origin.replace(/^http/, "ws") + "/ws/visitor";
  const exitUrl = me.getAttribute("data-exit-url") || T.exitUrl;

  // sessionStorage may be refused (private mode, sandboxed frames): the widget then forgets on reload.
  const store = {
    /** @param {string} k */
    get(k) { try { return sessionStorage.getItem(PREFIX + k); } catch { return null; } },
    /** @param {string} k @param {string} v */
    set(k, v) { try { sessionStorage.setItem(PREFIX + k, v); } catch { /* refused: see above */ } },
    /** @param {string} k */
    del(k) { try { sessionStorage.removeItem(PREFIX + k); } catch { /* refused: see above */ } },
    clear() {
      try {
        for (let i = sessionStorage.length - 1; i >= 0; i--) {
          const k = sessionStorage.key(i);
          if (k && k.indexOf(PREFIX) === 0) sessionStorage.removeItem(k);
        }
      } catch { /* refused: see above */ }
    }
  };

  /** @param {string} s @param {Record<string, string | number>} o */
  function fmt(s, o) { return s.replace(/\{(\w+)\}/g, (_, k) => String(o[k])); }

  /**
   * h("button.vd-x", {type: "button"}, "text" | [children])
   * @param {string} tag
   * @param {Record<string, any>} [attrs]
   * @param {string | Array<Node | null>} [kids]
   * @returns {HTMLElement}
   */
  function h(tag, attrs, kids) {
    const p = tag.split("."), el = document.createElement(p[0]);
    if (p.length > 1) el.className = p.slice(1).join(" ");
    for (const k in attrs || {}) {
      const v = /** @type {Record<string, any>} */ (attrs)[k];
      if (k === "hidden") el.hidden = v;
      else if (k === "on") for (const ev in v) el.addEventListener(ev, v[ev]);
      else el.setAttribute(k, v);
    }
    if (typeof kids === "string") el.textContent = kids;
    else if (kids) kids.forEach((c) => { if (c) el.appendChild(c); });
    return el;
  }
  /** Writes only a change, so a live region does not read the same words again. @param {Node} el @param {string} text */
  function setText(el, text) { if (el.textContent !== text) el.textContent = text; }
  /** @param {string} p */
  function tel(p) { return "tel:" + p.replace(/\D/g, ""); }
  /** @param {string} p */
  function telLink(p) { return h("a.vd-call", { href: tel(p) }, fmt(T.call, { p })); }
  /** @param {string} str a text with {p} @param {string} p */
  function withTel(str, p) {
    const parts = str.split("{p}");
    return h("span", {}, [document.createTextNode(parts[0]), h("a.vd-tel", { href: tel(p) }, p), document.createTextNode(parts[1])]);
  }
  function uid() {
    const b = new Uint8Array(16);
    crypto.getRandomValues(b);
    return Array.from(b, (x) => (x + 256).toString(16).slice(1)).join("");
  }

  // ---- markup ----------------------------------------------------------------------------------
  const css = h("link", { rel: "stylesheet", href: base + "widget.css" });
  document.head.appendChild(css);

  const root = h("div.vd", { id: "voordeur" });
  root.hidden = true; // until the stylesheet has loaded, so nothing flashes unstyled
  css.addEventListener("load", () => { root.hidden = false; });
  css.addEventListener("error", () => { root.hidden = false; });

  const launchStatus = h("p.vd-lstatus");
  const launchExtra = h("p.vd-lphones", { hidden: true });
  const dot = h("span.vd-dot", { hidden: true }, [h("span.vd-sr", {}, T.unread)]);
  const startLabel = h("span", {}, T.start);
  const startBtn = h("button.vd-start", { type: "button", hidden: true, "aria-expanded": "false", "aria-controls": "voordeur-panel" }, [startLabel, dot]);
  const launcher = h("section.vd-launcher", { "aria-label": T.launcherTitle }, [
    h("p.vd-ltitle", {}, T.launcherTitle), launchStatus, launchExtra, startBtn
  ]);

  const who = h("span.vd-who", {}, T.bot);
  const closeBtn = h("button.vd-close", { type: "button", "aria-label": T.close, title: T.close }, "×");
  const exitLink = h("a.vd-exit", { href: exitUrl, rel: "noreferrer" }, T.exit);
  const status = h("p.vd-status", { role: "status" });
  const log = h("div.vd-log", { role: "log", "aria-label": T.log, tabindex: "0" });
  const typingLine = h("p.vd-typing", { "aria-hidden": "true" });
  const input = /** @type {HTMLTextAreaElement} */ (h("textarea.vd-input", { id: "voordeur-input", rows: "2", maxlength: String(MAX_LEN) }));
  const sendBtn = /** @type {HTMLButtonElement} */ (h("button.vd-send", { type: "submit" }, T.send));
  const form = /** @type {HTMLFormElement} */ (h("form.vd-form", {}, [h("label.vd-sr", { "for": "voordeur-input" }, T.input), input, sendBtn]));
  const endBtn = h("button.vd-end", { type: "button" }, T.end);
  const endYes = h("button.vd-endyes", { type: "button" }, T.endYes);
  const endNo = h("button.vd-endno", { type: "button" }, T.endNo);
  const endAsk = h("div.vd-endask", { hidden: true }, [h("p", {}, T.endAsk), endYes, endNo]);
  const againBtn = h("button.vd-again", { type: "button", hidden: true }, T.again);
  // The feedback after the end (docs/widget.md): optional, gone after the answer or a skip.
  /** @param {string} name @param {string[]} labels @param {string[]} values */
  const radios = (name, labels, values) => labels.map((l, i) =>
    h("label.vd-opt", {}, [h("input", { type: "radio", name: "vd-" + name, value: values[i] }), h("span", {}, l)]));
  const scale = T.fbScale.split("|");
  const fbText = /** @type {HTMLTextAreaElement} */ (h("textarea.vd-input", { id: "voordeur-fb", rows: "2", maxlength: "500" }));
  const fbSkip = h("button.vd-endno", { type: "button" }, T.fbSkip);
  const fbForm = /** @type {HTMLFormElement} */ (h("form.vd-fb", { hidden: true, "aria-labelledby": "voordeur-fbt" }, [
    h("p.vd-fbt", { id: "voordeur-fbt" }, T.fbTitle),
    h("fieldset", {}, [h("legend", {}, T.fbHelped), ...radios("helped", scale, ["1", "2", "3", "4", "5"])]),
    h("fieldset", {}, [h("legend", {}, T.fbAgain), ...radios("again", [T.fbYes, T.fbNo], ["1", "0"])]),
    h("label", { "for": "voordeur-fb" }, T.fbComment), fbText,
    h("button.vd-again", { type: "submit" }, T.fbSend), fbSkip
  ]));
  const panel = h("div.vd-panel", { id: "voordeur-panel", role: "dialog", "aria-modal": "true", "aria-labelledby": "voordeur-title", tabindex: "-1", hidden: true }, [
    h("div.vd-head", {}, [
      h("div.vd-headtext", {}, [h("h2.vd-title", { id: "voordeur-title" }, T.panelTitle), h("p.vd-with", {}, [h("span", {}, T.talkingTo + " "), who])]),
      h("div.vd-exitwrap", {}, [exitLink, h("span.vd-exithint", {}, T.exitHint)]),
      closeBtn
    ]),
    status, log, typingLine, form, fbForm,
    h("div.vd-foot", {}, [endBtn, endAsk, againBtn])
  ]);
  const shiftStatus = h("p.vd-sr", { role: "status" });
  root.appendChild(launcher);
  root.appendChild(panel);
  root.appendChild(shiftStatus);

  // ---- rendering -------------------------------------------------------------------------------
  /** What render() drew last, where redrawing would be noticed (a screen reader, lost focus). */
  const drawn = { phones: "", alert: /** @type {Alert | null} */ (null), alertEl: /** @type {HTMLElement | null} */ (null) };

  function whoName() {
    const a = state.agent;
    if (!a || a.kind !== "counsellor") return T.bot;
    const region = a.region ? state.regions[a.region] : undefined;
    return fmt(T.counsellor, { name: a.name || T.helper, org: region ? region.name : T.org });
  }
  function launcherText() {
    if (state.availability === "loading") return T.loading;
    if (state.availability === "unknown") return T.unknown;
    if (state.availability === "open") return T.open;
    return state.nextOpen ? T.closed + " " + fmt(T.nextOpen, { t: state.nextOpen }) : T.closed;
  }

  /** Draws the state. The log is the exception: it only grows (see showMessage), so that its role="log"
   * reads out new messages and nothing else. */
  function render() {
    const hasToken = !!store.get("token");
    setText(launchStatus, launcherText());
    const phones = state.helpline + "|" + state.emergency;
    if (drawn.phones !== phones) {
      drawn.phones = phones;
      launchExtra.textContent = "";
      [withTel(T.phone, state.helpline), h("br"), withTel(T.danger, state.emergency)].forEach((el) => launchExtra.appendChild(el));
    }
    launchExtra.hidden = state.availability === "open";
    launcher.classList.toggle("vd-isopen", state.availability === "open");
    setText(startLabel, hasToken ? T.resume : T.start);
    // Unknown state (status unreadable): let the visitor try; the relay and the assistant decide.
    startBtn.hidden = !(hasToken || state.availability === "open" || state.availability === "unknown");
    startBtn.setAttribute("aria-expanded", String(state.panelOpen));
    dot.hidden = state.panelOpen || !state.unread;
    launcher.hidden = state.panelOpen;
    panel.hidden = !state.panelOpen;

    setText(who, whoName());
    setText(status, state.status);
    setText(typingLine, state.typing ? fmt(T.typing, { name: state.agent && state.agent.name || T.helper }) : "");
    setText(shiftStatus, state.shiftStatus);
    input.disabled = sendBtn.disabled = state.ended;
    endBtn.hidden = state.ended || state.confirmingEnd;
    endAsk.hidden = state.ended || !state.confirmingEnd;
    againBtn.hidden = !state.ended;
    fbForm.hidden = !state.asking;
    if (drawn.alert !== state.alert) renderAlert();
  }

  // A new alert element goes into the page empty, and its text follows: screen readers announce what
  // is added to a role="alert" already in the page, not always one that arrives with its text.
  function renderAlert() {
    const a = state.alert;
    if (drawn.alertEl) drawn.alertEl.remove();
    drawn.alert = a;
    drawn.alertEl = null;
    if (!a) return;
    const el = drawn.alertEl = h("div.vd-alert", { role: "alert" });
    panel.insertBefore(el, status);
    el.appendChild(h("p", {}, a.text));
    el.appendChild(h("p.vd-calls", {}, a.phones.map(telLink)));
  }

  // ---- start -----------------------------------------------------------------------------------
  function init() {
    document.body.appendChild(root);
    render();
    fetch(origin + "/api/status", { credentials: "omit", cache: "no-store" })
      .then((r) => { if (!r.ok) throw r; return r.json(); })
      .then(showStatus, () => showStatus(null));
    if (store.get("token")) connect();
    if (store.get("open") === "1") openPanel(false);
  }
  /** @param {Status | null} s */
  function showStatus(s) {
    state.availability = !s ? "unknown" : s.open ? "open" : "closed";
    if (s && s.phone && s.emergency) { state.helpline = s.phone; state.emergency = s.emergency; }
    const regions = (s && s.regions) || [];
    regions.forEach((r) => { state.regions[r.id] = r; });
    const times = regions.map((r) => r.next_open).filter((t) => !!t);
    times.sort((a, b) => new Date(/** @type {string} */ (a)).getTime() - new Date(/** @type {string} */ (b)).getTime());
    state.nextOpen = times.length ? when(/** @type {string} */ (times[0])) : "";
    render();
  }
  /** @param {string} iso */
  function when(iso) {
    try {
      return new Date(iso).toLocaleString("nl-NL", { weekday: "long", day: "numeric", month: "long", hour: "2-digit", minute: "2-digit", timeZone: "Europe/Amsterdam" });
    } catch { return iso; }
  }

  // ---- panel -----------------------------------------------------------------------------------
  /** @param {boolean} [focus] */
  function openPanel(focus) {
    state.panelOpen = true;
    state.unread = false;
    store.set("open", "1");
    render();
    if (!state.ws) connect();
    if (focus !== false) (state.ended ? panel : input).focus();
    log.scrollTop = log.scrollHeight;
  }
  function closePanel() {
    state.panelOpen = false;
    store.set("open", "0");
    render();
    startBtn.focus();
  }
  startBtn.addEventListener("click", () => openPanel());
  closeBtn.addEventListener("click", closePanel);
  panel.addEventListener("keydown", (e) => {
    if (e.key === "Escape") { e.preventDefault(); closePanel(); return; }
    if (e.key !== "Tab") return;
    // Keep focus inside the panel while it is open (as a11y-dialog does).
    const f = Array.from(panel.querySelectorAll(FOCUSABLE)).filter((el) =>
      !(/** @type {HTMLButtonElement} */ (el).disabled) && el.getClientRects().length > 0 &&
      /** @type {HTMLElement} */ (el).tabIndex >= 0);
    if (!f.length) return;
    const first = /** @type {HTMLElement} */ (f[0]), last = /** @type {HTMLElement} */ (f[f.length - 1]);
    const at = document.activeElement;
    if (e.shiftKey && (at === first || at === panel || f.indexOf(/** @type {Element} */ (at)) < 0)) { e.preventDefault(); last.focus(); }
    else if (!e.shiftKey && (at === last || f.indexOf(/** @type {Element} */ (at)) < 0 && at !== panel)) { e.preventDefault(); first.focus(); }
  });

  // ---- the socket ------------------------------------------------------------------------------
  /** @param {string} text */
  function say(text) { state.status = text; render(); }
  function connect() {
    if (state.ws || state.stopped) return;
    clearTimeout(state.reconnectTimer);
    if (!state.offline) say(T.connecting);
    const s = state.ws = new WebSocket(wsUrl);
    s.onopen = () => { s.send(JSON.stringify({ type: "hello", token: store.get("token") })); };
    s.onmessage = (e) => {
      /** @type {Frame} */
      let f;
      try { f = JSON.parse(e.data); } catch { return; }
      if (state.ws === s && f && Object.prototype.hasOwnProperty.call(handlers, f.type)) handlers[f.type](f);
    };
    s.onclose = () => {
      if (state.ws !== s) return;
      state.ws = null; state.ready = false;
      if (state.stopped || state.ended) return; // left, or the conversation is over: nothing to wait for
      state.offline = true;
      say(T.offline);
      // Exponential back-off with jitter, at most 30 s.
      const d = Math.min(30000, 1000 * Math.pow(2, state.retries++)) * (0.5 + Math.random() / 2);
      state.reconnectTimer = setTimeout(connect, d);
    };
  }
  window.addEventListener("online", () => { if (!state.ws && store.get("token")) { state.retries = 0; connect(); } });
  /** @param {Frame} f */
  function send(f) { if (state.ws && state.ready) state.ws.send(JSON.stringify(f)); }
  function flush() { state.pending.forEach((p) => { send({ type: "message", text: p.text, id: p.id, payload: p.payload || undefined }); }); }

  /** @type {Record<string, (f: Frame) => void>} */
  const handlers = {
    session(f) {
      const old = store.get("token");
      if (old && old !== f.token) reset(); // the old conversation is gone; start clean
      store.set("token", f.token);
      state.ready = true; state.retries = 0;
      if (state.offline) state.status = T.online;
      else if (state.status === T.connecting) state.status = "";
      state.offline = false;
      (f.history || []).forEach((/** @type {Frame} */ m) => showMessage(m, false));
      setEnded(f.state === "ended");
      flush();
    },
    message(f) { showMessage(f, true); },
    agent(f) {
      const before = whoName();
      state.agent = { kind: f.kind, name: f.name, region: f.region };
      const name = whoName();
      if (name !== before) state.status = fmt(T.nowWith, { who: name });
      render();
    },
    queue(f) {
      // The relay's estimate is rounded up already; without one, no number (docs/widget.md).
      const m = f.estimate_s == null ? 0 : Math.ceil(f.estimate_s / 60);
      const wait = !m ? T.waitUnknown : m > 60 ? T.waitLong : m === 1 ? T.wait1 : fmt(T.waitN, { n: m });
      say((f.position <= 1 ? T.queue1 : fmt(T.queueN, { n: f.position })) + " " + wait);
    },
    typing() {
      state.typing = true;
      clearTimeout(state.typingTimer);
      state.typingTimer = setTimeout(() => { state.typing = false; render(); }, 6000);
      render();
    },
    alert(f) {
      state.alert = { text: f.text, phones: f.phones || [state.emergency, state.helpline], level: f.level };
      if (f.level !== "high") state.urgent = true;
      state.unread = !state.panelOpen;
      render();
    },
    ended() { setEnded(true, true); },
    feedback_saved() { say(T.fbThanks); },
    error(f) {
      if (f.code === "conversation_ended") setEnded(true);
      if (f.code !== "session_not_found" && f.message) say(f.message);
      // Not stored (too fast, or the relay's database away for a moment): the bubble stays
      // "sending" and goes again shortly; the relay never stores one id twice.
      if (f.code === "unavailable" && !state.ready && state.ws) { state.ws.close(); return; } // hello failed: reconnect
      if (f.code === "rate_limited" || f.code === "unavailable") {
        clearTimeout(state.resendTimer);
        state.resendTimer = setTimeout(flush, f.code === "rate_limited" ? 5000 : 3000);
      }
    }
  };

  // ---- messages --------------------------------------------------------------------------------
  /** @param {string} from */
  function label(from) {
    const name = state.agent && state.agent.kind === "counsellor" ? state.agent.name : null;
    return from === "visitor" ? T.you : from === "bot" ? T.assistant : from === "counsellor" ? (name || T.helper) : T.system;
  }
  /** @param {string} from @param {string} text */
  function bubble(from, text) {
    return h("div.vd-msg.vd-" + from, {}, [h("span.vd-from", {}, label(from) + ":"), h("p.vd-text", {}, text)]);
  }
  /** Keeps stored messages in seq order, with unacknowledged ones at the end. @param {HTMLElement} el @param {number} seq */
  function place(el, seq) {
    let c = /** @type {HTMLElement | null} */ (log.firstElementChild);
    while (c && (c === el || (c.dataset.seq && +c.dataset.seq < seq))) c = /** @type {HTMLElement | null} */ (c.nextElementSibling);
    if (c !== el.nextSibling || el.parentNode !== log) log.insertBefore(el, c);
  }
  function clearButtons() { log.querySelectorAll(".vd-buttons").forEach((b) => b.remove()); }
  /** @param {Frame} f @param {boolean} live */
  function showMessage(f, live) {
    /** @type {Pending | null} */
    let p = null;
    for (let i = 0; i < state.pending.length; i++) if (f.id && state.pending[i].id === f.id) p = state.pending.splice(i, 1)[0];
    if (f.seq != null && state.bySeq[f.seq]) { // seen already: only drop a duplicate pending bubble
      if (p && p.el !== state.bySeq[f.seq]) p.el.remove();
      return;
    }
    /** @type {HTMLElement} */
    let el;
    if (p) {
      el = p.el;
      el.classList.remove("vd-pending");
      setText(/** @type {Element} */ (el.querySelector(".vd-receipt")), T.sent);
    } else {
      el = bubble(f.from, f.text);
      if (f.from === "visitor") el.appendChild(h("span.vd-receipt", {}, T.sent));
    }
    if (f.from === "visitor") clearButtons();
    if (f.from === "counsellor" && state.typing) { state.typing = false; render(); }
    if (f.buttons && f.buttons.length) {
      el.appendChild(h("div.vd-buttons", {}, f.buttons.map((/** @type {{title: string, payload: string}} */ b) =>
        h("button.vd-choice", { type: "button", on: { click() { post(b.title, b.payload); input.focus(); } } }, b.title))));
    }
    if (f.seq != null) { el.dataset.seq = f.seq; state.bySeq[f.seq] = el; }
    place(el, f.seq == null ? Infinity : f.seq);
    log.scrollTop = log.scrollHeight;
    if (live && f.from !== "visitor" && !state.panelOpen) { state.unread = true; render(); }
  }

  /** @param {string} text @param {string} [payload] */
  function post(text, payload) {
    text = text.trim();
    if (!text || state.ended) return;
    /** @type {Pending} */
    const p = { id: uid(), text: text.slice(0, MAX_LEN), payload, el: bubble("visitor", text) };
    p.el.classList.add("vd-pending");
    p.el.appendChild(h("span.vd-receipt", {}, T.sending));
    state.pending.push(p);
    place(p.el, Infinity);
    log.scrollTop = log.scrollHeight;
    if (!state.ws) connect();
    send({ type: "message", text: p.text, id: p.id, payload: payload || undefined });
  }
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const t = input.value;
    if (!t.trim()) return;
    input.value = "";
    post(t);
    input.focus();
  });
  // Only that the visitor types, never what; only to a person, at most once per 2 s.
  input.addEventListener("input", () => {
    const now = Date.now();
    if (state.agent && state.agent.kind === "counsellor" && now - state.typingSent > 2000) {
      state.typingSent = now;
      send({ type: "typing" });
    }
  });
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); form.requestSubmit ? form.requestSubmit() : sendBtn.click(); }
  });

  // ---- ending ----------------------------------------------------------------------------------
  endBtn.addEventListener("click", () => { state.confirmingEnd = true; render(); endNo.focus(); });
  endNo.addEventListener("click", () => { state.confirmingEnd = false; render(); endBtn.focus(); });
  endYes.addEventListener("click", () => { send({ type: "end" }); setEnded(true, true); });
  /** @param {boolean} on @param {boolean} [live] ended now, before the visitor's eyes: ask the questions */
  function setEnded(on, live) {
    const had = state.ended;
    state.ended = on;
    state.confirmingEnd = false;
    if (on) { state.pending = []; clearButtons(); state.status = T.ended; }
    if (!on) state.asking = false;
    else if (!had) state.asking = !!(live && !state.urgent && state.ws);
    render();
    if (on && !had && state.panelOpen) (state.asking ? /** @type {HTMLElement} */ (fbForm.querySelector("input")) : againBtn).focus();
  }
  /** @param {boolean} answered */
  function doneAsking(answered) {
    state.asking = false;
    if (!answered) state.status = T.ended;
    render();
    againBtn.focus();
  }
  fbForm.addEventListener("submit", (e) => {
    e.preventDefault();
    /** @param {string} n */
    const picked = (n) => { const r = /** @type {HTMLInputElement | null} */ (fbForm.querySelector("input[name=vd-" + n + "]:checked")); return r ? r.value : null; };
    const helped = picked("helped"), again = picked("again"), comment = fbText.value.trim();
    const answered = !!(helped || again || comment);
    if (answered) send({ type: "feedback", answers: { helped: helped ? +helped : null, again: again ? again === "1" : null, comment } });
    doneAsking(answered);
  });
  fbSkip.addEventListener("click", () => doneAsking(false));
  function reset() {
    log.textContent = ""; state.bySeq = {}; state.pending = [];
    state.alert = null; state.agent = null; state.urgent = false; state.asking = false;
    fbForm.reset();
  }
  againBtn.addEventListener("click", () => {
    store.del("token");
    reset();
    state.status = "";
    setEnded(false);
    const s = state.ws;
    if (s) { state.ws = null; state.ready = false; s.close(); }
    connect();
    input.focus();
  });

  // ---- quick exit (as GOV.UK "Exit this page") --------------------------------------------------
  /** @param {Event} [e] */
  function quickExit(e) {
    if (e) e.preventDefault();
    state.stopped = true;
    try { send({ type: "end" }); } catch { /* leaving anyway */ }
    store.clear();
    root.textContent = "";
    root.appendChild(h("div.vd-cover"));
    root.appendChild(shiftStatus);
    state.shiftStatus = T.leaving;
    render();
    if (state.ws) state.ws.close();
    location.replace(exitUrl);
  }
  exitLink.addEventListener("click", quickExit);
  document.addEventListener("keyup", (e) => {
    // Count lone Shift presses; typing a capital (Shift held with a letter) does not count.
    if (e.key === "Shift" && !state.lastShifted) {
      state.shifts++;
      clearTimeout(state.shiftTimer);
      state.shiftTimer = setTimeout(() => { state.shifts = 0; state.shiftStatus = ""; render(); }, 5000);
      if (state.shifts >= 3) { quickExit(); return; }
      state.shiftStatus = state.shifts === 1 ? T.press2 : T.press1;
      render();
    } else if (e.key !== "Shift" && state.shifts) {
      state.shifts = 0; state.shiftStatus = ""; render();
    }
    state.lastShifted = e.key !== "Shift" && e.shiftKey;
  }, true);

  // Last, so that everything above is defined before the first frame or click arrives.
  if (document.body) init();
  else document.addEventListener("DOMContentLoaded", init);
})();
