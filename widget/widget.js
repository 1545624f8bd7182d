/* Voordeur visitor widget. Embed with one tag:
 *   <script src="https://RELAY/widget/widget.js" async></script>
 * No framework, no cookies, no localStorage; all text goes through textContent. See docs/widget.md. */
(function () {
  "use strict";
  if (window.__voordeur) return;
  window.__voordeur = true;

  // Every string a visitor reads, in one place.
  var T = Object.freeze({
    launcherTitle: "Anoniem chatten met Veilig Thuis",
    loading: "Even kijken of de chat open is…",
    open: "De chat is nu open. Je hoeft je naam niet te geven.",
    closed: "De chat is nu gesloten.",
    nextOpen: "We zijn weer open op {t}.",
    unknown: "We kunnen nu niet zien of de chat open is. Probeer het gerust.",
    phone: "Bel gratis {p}, dag en nacht.",
    danger: "In direct gevaar? Bel {p}.",
    start: "Start de chat",
    resume: "Open je gesprek",
    unread: "Er is een nieuw bericht.",
    panelTitle: "Chat met Veilig Thuis",
    talkingTo: "Je praat met:",
    bot: "Digitale assistent (geen mens)",
    counsellor: "{name}, {org}",
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
    queue1: "Je bent nummer 1 in de wachtrij: jij bent de volgende.",
    queueN: "Je bent nummer {n} in de wachtrij.",
    connecting: "Verbinden…",
    offline: "De verbinding is weg. We proberen het opnieuw…",
    online: "Je bent weer verbonden.",
    call: "Bel {p}",
    exitUrl: "https://www.buienradar.nl/"
  });
  var PREFIX = "voordeur.";
  var MAX_LEN = 2000;

  // The relay's origin is where this script came from.
  var me = document.currentScript || document.querySelector("script[src*='widget.js']");
  var src = new URL(me.src, location.href);
  var base = src.href.replace(/[^/]*$/, "");
  var origin = src.origin;
  var wsUrl = origin.replace(/^http/, "ws") + "/ws/visitor";
  var exitUrl = me.getAttribute("data-exit-url") || T.exitUrl;

  var store = {
    get: function (k) { try { return sessionStorage.getItem(PREFIX + k); } catch (e) { return null; } },
    set: function (k, v) { try { sessionStorage.setItem(PREFIX + k, v); } catch (e) { /* private mode */ } },
    del: function (k) { try { sessionStorage.removeItem(PREFIX + k); } catch (e) { /* ignore */ } },
    clear: function () {
      try {
        for (var i = sessionStorage.length - 1; i >= 0; i--) {
          var k = sessionStorage.key(i);
          if (k && k.indexOf(PREFIX) === 0) sessionStorage.removeItem(k);
        }
      } catch (e) { /* ignore */ }
    }
  };

  function fmt(s, o) { return s.replace(/\{(\w+)\}/g, function (_, k) { return o[k]; }); }

  // h("button.vd-x", {type: "button"}, "text" | [children])
  function h(tag, attrs, kids) {
    var p = tag.split("."), el = document.createElement(p[0]);
    if (p.length > 1) el.className = p.slice(1).join(" ");
    for (var k in attrs || {}) {
      if (k === "hidden") el.hidden = attrs[k];
      else if (k === "on") for (var ev in attrs.on) el.addEventListener(ev, attrs.on[ev]);
      else el.setAttribute(k, attrs[k]);
    }
    if (typeof kids === "string") el.textContent = kids;
    else if (kids) kids.forEach(function (c) { if (c) el.appendChild(c); });
    return el;
  }
  function telLink(p) { return h("a.vd-call", { href: "tel:" + p.replace(/\D/g, "") }, fmt(T.call, { p: p })); }
  function uid() {
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    return Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
  }

  // ---- markup ----------------------------------------------------------------------------------
  var css = h("link", { rel: "stylesheet", href: base + "widget.css" });
  document.head.appendChild(css);

  var root = h("div.vd", { id: "voordeur" });
  root.hidden = true; // until the stylesheet has loaded, so nothing flashes unstyled
  css.addEventListener("load", function () { root.hidden = false; });
  css.addEventListener("error", function () { root.hidden = false; });

  var launchStatus = h("p.vd-lstatus", {}, T.loading);
  function withTel(str, p) {
    var parts = str.split("{p}");
    return h("span", {}, [document.createTextNode(parts[0]), h("a.vd-tel", { href: "tel:" + p.replace(/\D/g, "") }, p), document.createTextNode(parts[1])]);
  }
  // The numbers come from the relay (/api/status: phone, emergency; alert frames: phones). These are
  // shown only when /api/status cannot be read, and must equal content/phone_numbers.yml's veilig_thuis
  // and emergency (tests/content/test_phone_numbers.py checks).
  var PHONES = { phone: "0800 2000", emergency: "112" };
  var launchExtra = h("p.vd-lphones", { hidden: true });
  function showPhones(s) {
    if (s && s.phone && s.emergency) PHONES = { phone: s.phone, emergency: s.emergency };
    launchExtra.textContent = "";
    [withTel(T.phone, PHONES.phone), h("br"), withTel(T.danger, PHONES.emergency)].forEach(function (c) { launchExtra.appendChild(c); });
  }
  showPhones(null);
  var dot = h("span.vd-dot", { hidden: true }, [h("span.vd-sr", {}, T.unread)]);
  var startBtn = h("button.vd-start", { type: "button", hidden: true, "aria-expanded": "false", "aria-controls": "voordeur-panel" }, [h("span", {}, T.start), dot]);
  var launcher = h("section.vd-launcher", { "aria-label": T.launcherTitle }, [
    h("p.vd-ltitle", {}, T.launcherTitle), launchStatus, launchExtra, startBtn
  ]);

  var who = h("span.vd-who", {}, T.bot);
  var closeBtn = h("button.vd-close", { type: "button", "aria-label": T.close, title: T.close }, "×");
  var exitLink = h("a.vd-exit", { href: exitUrl, rel: "noreferrer" }, T.exit);
  var alertBox = h("div.vd-alert", { role: "alert", hidden: true });
  var status = h("p.vd-status", { role: "status" });
  var log = h("div.vd-log", { role: "log", "aria-label": T.log, tabindex: "0" });
  var input = h("textarea.vd-input", { id: "voordeur-input", rows: "2", maxlength: String(MAX_LEN) });
  var sendBtn = h("button.vd-send", { type: "submit" }, T.send);
  var form = h("form.vd-form", {}, [h("label.vd-sr", { "for": "voordeur-input" }, T.input), input, sendBtn]);
  var endBtn = h("button.vd-end", { type: "button" }, T.end);
  var endAsk = h("div.vd-endask", { hidden: true }, [
    h("p", {}, T.endAsk), h("button.vd-endyes", { type: "button" }, T.endYes), h("button.vd-endno", { type: "button" }, T.endNo)
  ]);
  var againBtn = h("button.vd-again", { type: "button", hidden: true }, T.again);
  var panel = h("div.vd-panel", { id: "voordeur-panel", role: "dialog", "aria-modal": "true", "aria-labelledby": "voordeur-title", tabindex: "-1", hidden: true }, [
    h("div.vd-head", {}, [
      h("div.vd-headtext", {}, [h("h2.vd-title", { id: "voordeur-title" }, T.panelTitle), h("p.vd-with", {}, [h("span", {}, T.talkingTo + " "), who])]),
      h("div.vd-exitwrap", {}, [exitLink, h("span.vd-exithint", {}, T.exitHint)]),
      closeBtn
    ]),
    alertBox, status, log, form,
    h("div.vd-foot", {}, [endBtn, endAsk, againBtn])
  ]);
  var shiftStatus = h("p.vd-sr", { role: "status" });
  root.appendChild(launcher);
  root.appendChild(panel);
  root.appendChild(shiftStatus);
  (document.body ? Promise.resolve() : new Promise(function (r) { document.addEventListener("DOMContentLoaded", r); }))
    .then(function () { document.body.appendChild(root); init(); });

  // ---- state -----------------------------------------------------------------------------------
  var ws = null, ready = false, stopped = false, retries = 0, timer = null, wasOffline = false;
  var isOpen = false, chatOpen, regions = {}, agentName = null, lastAgent = null; // chatOpen: undefined while loading, null if unknown
  var bySeq = {};        // seq -> element, so nothing is shown twice
  var resendTimer = null; // re-sends pending messages after a rate_limited or unavailable error
  var pending = [];      // [{id, text, payload, el}] not yet acknowledged by the relay

  function init() {
    fetch(origin + "/api/status", { credentials: "omit", cache: "no-store" })
      .then(function (r) { if (!r.ok) throw r; return r.json(); })
      .then(showStatus, function () { showStatus(null); });
    if (store.get("token")) connect();
    if (store.get("open") === "1") openPanel(false);
  }

  function showStatus(s) {
    chatOpen = s ? !!s.open : null;
    showPhones(s);
    (s && s.regions || []).forEach(function (r) { regions[r.id] = r; });
    var text, times = [];
    if (!s) text = T.unknown;
    else if (s.open) text = T.open;
    else {
      text = T.closed;
      s.regions.forEach(function (r) { if (r.next_open) times.push(r.next_open); });
      times.sort(function (a, b) { return new Date(a) - new Date(b); });
      if (times.length) text += " " + fmt(T.nextOpen, { t: when(times[0]) });
    }
    if (lastAgent) handlers.agent(lastAgent, true); // the organisation's name may have been unknown so far
    launchStatus.textContent = text;
    launchExtra.hidden = !!(s && s.open);
    launcher.classList.toggle("vd-isopen", !!(s && s.open));
    updateStart();
  }
  function when(iso) {
    try {
      return new Date(iso).toLocaleString("nl-NL", { weekday: "long", day: "numeric", month: "long", hour: "2-digit", minute: "2-digit", timeZone: "Europe/Amsterdam" });
    } catch (e) { return iso; }
  }
  function updateStart() {
    var has = !!store.get("token");
    startBtn.firstChild.textContent = has ? T.resume : T.start;
    // Unknown state (status unreadable): let the visitor try; the relay and the assistant decide.
    startBtn.hidden = !(has || (chatOpen !== false && chatOpen !== undefined));
  }

  // ---- panel -----------------------------------------------------------------------------------
  function openPanel(focus) {
    isOpen = true;
    store.set("open", "1");
    panel.hidden = false;
    launcher.hidden = true;
    startBtn.setAttribute("aria-expanded", "true");
    dot.hidden = true;
    if (!ws) connect();
    if (focus !== false) (input.disabled ? panel : input).focus();
    log.scrollTop = log.scrollHeight;
  }
  function closePanel() {
    isOpen = false;
    store.set("open", "0");
    panel.hidden = true;
    launcher.hidden = false;
    startBtn.setAttribute("aria-expanded", "false");
    updateStart();
    startBtn.focus();
  }
  startBtn.addEventListener("click", function () { openPanel(); });
  closeBtn.addEventListener("click", closePanel);
  panel.addEventListener("keydown", function (e) {
    if (e.key === "Escape") { e.preventDefault(); closePanel(); return; }
    if (e.key !== "Tab") return;
    // Keep focus inside the panel while it is open (as a11y-dialog does).
    var f = Array.prototype.filter.call(panel.querySelectorAll("a[href],button,textarea,[tabindex='0']"), function (el) {
      return !el.disabled && el.offsetParent !== null;
    });
    if (!f.length) return;
    var first = f[0], last = f[f.length - 1];
    if (e.shiftKey && (document.activeElement === first || document.activeElement === panel)) { e.preventDefault(); last.focus(); }
    else if (!e.shiftKey && document.activeElement === last) { e.preventDefault(); first.focus(); }
  });

  // ---- the socket ------------------------------------------------------------------------------
  function say(text) { status.textContent = text; }
  function connect() {
    if (ws || stopped) return;
    clearTimeout(timer);
    if (!wasOffline) say(T.connecting);
    var s = ws = new WebSocket(wsUrl);
    s.onopen = function () { s.send(JSON.stringify({ type: "hello", token: store.get("token") })); };
    s.onmessage = function (e) {
      var f;
      try { f = JSON.parse(e.data); } catch (x) { return; }
      if (ws === s && f && handlers[f.type]) handlers[f.type](f);
    };
    s.onclose = function () {
      if (ws !== s) return;
      ws = null; ready = false;
      if (stopped || input.disabled) return; // left, or the conversation is over: nothing to wait for
      wasOffline = true;
      say(T.offline);
      // Exponential back-off with jitter, at most 30 s.
      var d = Math.min(30000, 1000 * Math.pow(2, retries++)) * (0.5 + Math.random() / 2);
      timer = setTimeout(connect, d);
    };
  }
  window.addEventListener("online", function () { if (!ws && store.get("token")) { retries = 0; connect(); } });
  function send(f) { if (ws && ready) ws.send(JSON.stringify(f)); }
  function flush() { pending.forEach(function (p) { send({ type: "message", text: p.text, id: p.id, payload: p.payload || undefined }); }); }

  var handlers = {
    session: function (f) {
      var old = store.get("token");
      if (old && old !== f.token) reset(); // the old conversation is gone; start clean
      store.set("token", f.token);
      updateStart();
      ready = true; retries = 0;
      if (wasOffline) say(T.online);
      else if (status.textContent === T.connecting) say("");
      wasOffline = false;
      (f.history || []).forEach(function (m) { showMessage(m, false); });
      setEnded(f.state === "ended");
      flush();
    },
    message: function (f) { showMessage(f, true); },
    agent: function (f, quiet) {
      lastAgent = f;
      var name = f.kind === "counsellor"
        ? fmt(T.counsellor, { name: f.name, org: (regions[f.region] || {}).name || "Veilig Thuis" })
        : T.bot;
      agentName = f.kind === "counsellor" ? f.name : null;
      if (who.textContent !== name) {
        who.textContent = name;
        if (!quiet) say(fmt(T.nowWith, { who: name }));
      }
    },
    queue: function (f) { say(f.position <= 1 ? T.queue1 : fmt(T.queueN, { n: f.position })); },
    alert: function (f) {
      alertBox.textContent = "";
      alertBox.appendChild(h("p", {}, f.text));
      var p = h("p.vd-calls");
      (f.phones || [PHONES.emergency, PHONES.phone]).forEach(function (n) { p.appendChild(telLink(n)); });
      alertBox.appendChild(p);
      alertBox.hidden = false;
      unread(true);
    },
    ended: function () { setEnded(true); },
    error: function (f) {
      if (f.code === "conversation_ended") setEnded(true);
      if (f.code !== "session_not_found" && f.message) say(f.message);
      // Not stored (too fast, or the relay's database away for a moment): the bubble stays
      // "sending" and goes again shortly; the relay never stores one id twice.
      if (f.code === "unavailable" && !ready && ws) { ws.close(); return; } // hello failed: reconnect
      if (f.code === "rate_limited" || f.code === "unavailable") {
        clearTimeout(resendTimer);
        resendTimer = setTimeout(flush, f.code === "rate_limited" ? 5000 : 3000);
      }
    }
  };

  // ---- messages --------------------------------------------------------------------------------
  function label(from) {
    return from === "visitor" ? T.you : from === "bot" ? T.assistant : from === "counsellor" ? (agentName || T.helper) : T.system;
  }
  function bubble(from, text) {
    return h("div.vd-msg.vd-" + from, {}, [h("span.vd-from", {}, label(from) + ":"), h("p.vd-text", {}, text)]);
  }
  function place(el, seq) {
    // Keep stored messages in seq order, with unacknowledged ones at the end.
    var c = log.firstChild;
    while (c && (c === el || (c.dataset.seq && +c.dataset.seq < seq))) c = c.nextSibling;
    if (c !== el.nextSibling || el.parentNode !== log) log.insertBefore(el, c);
  }
  function clearButtons() {
    Array.prototype.forEach.call(log.querySelectorAll(".vd-buttons"), function (b) { b.remove(); });
  }
  function showMessage(f, live) {
    var p = null;
    for (var i = 0; i < pending.length; i++) if (f.id && pending[i].id === f.id) p = pending.splice(i, 1)[0];
    if (f.seq != null && bySeq[f.seq]) { // seen already: only drop a duplicate pending bubble
      if (p && p.el !== bySeq[f.seq]) p.el.remove();
      return;
    }
    var el;
    if (p) {
      el = p.el;
      el.classList.remove("vd-pending");
      el.querySelector(".vd-receipt").textContent = T.sent;
    } else {
      el = bubble(f.from, f.text);
      if (f.from === "visitor") el.appendChild(h("span.vd-receipt", {}, T.sent));
    }
    if (f.from === "visitor") clearButtons();
    if (f.buttons && f.buttons.length) {
      var g = h("div.vd-buttons");
      f.buttons.forEach(function (b) {
        g.appendChild(h("button.vd-choice", { type: "button", on: { click: function () { post(b.title, b.payload); input.focus(); } } }, b.title));
      });
      el.appendChild(g);
    }
    if (f.seq != null) { el.dataset.seq = f.seq; bySeq[f.seq] = el; }
    place(el, f.seq == null ? Infinity : f.seq);
    log.scrollTop = log.scrollHeight;
    if (live && f.from !== "visitor") unread(false);
  }
  function unread(always) { if (!isOpen || always) dot.hidden = isOpen; }

  function post(text, payload) {
    text = text.trim();
    if (!text || input.disabled) return;
    var p = { id: uid(), text: text.slice(0, MAX_LEN), payload: payload, el: bubble("visitor", text) };
    p.el.classList.add("vd-pending");
    p.el.appendChild(h("span.vd-receipt", {}, T.sending));
    pending.push(p);
    place(p.el, Infinity);
    log.scrollTop = log.scrollHeight;
    if (!ws) connect();
    send({ type: "message", text: p.text, id: p.id, payload: payload || undefined });
  }
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var t = input.value;
    if (!t.trim()) return;
    input.value = "";
    post(t);
    input.focus();
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); form.requestSubmit ? form.requestSubmit() : sendBtn.click(); }
  });

  // ---- ending ----------------------------------------------------------------------------------
  endBtn.addEventListener("click", function () { endBtn.hidden = true; endAsk.hidden = false; endAsk.querySelector(".vd-endno").focus(); });
  endAsk.querySelector(".vd-endno").addEventListener("click", function () { endAsk.hidden = true; endBtn.hidden = false; endBtn.focus(); });
  endAsk.querySelector(".vd-endyes").addEventListener("click", function () { send({ type: "end" }); setEnded(true); });
  function setEnded(on) {
    var had = input.disabled;
    input.disabled = sendBtn.disabled = on;
    endBtn.hidden = on; endAsk.hidden = true; againBtn.hidden = !on;
    if (on) { pending = []; clearButtons(); say(T.ended); if (!had && isOpen) againBtn.focus(); }
  }
  function reset() {
    log.textContent = ""; bySeq = {}; pending = [];
    alertBox.hidden = true; who.textContent = T.bot; agentName = null; lastAgent = null;
  }
  againBtn.addEventListener("click", function () {
    store.del("token");
    reset(); setEnded(false); say("");
    if (ws) { var s = ws; ws = null; ready = false; s.close(); }
    connect();
    input.focus();
  });

  // ---- quick exit (as GOV.UK "Exit this page") --------------------------------------------------
  function quickExit(e) {
    if (e) e.preventDefault();
    stopped = true;
    try { if (ws && ready) ws.send(JSON.stringify({ type: "end" })); } catch (x) { /* leaving anyway */ }
    store.clear();
    root.textContent = "";
    root.appendChild(h("div.vd-cover"));
    shiftStatus.textContent = T.leaving;
    root.appendChild(shiftStatus);
    if (ws) ws.close();
    location.replace(exitUrl);
  }
  exitLink.addEventListener("click", quickExit);
  var shifts = 0, shiftTimer = null, lastShifted = false;
  document.addEventListener("keyup", function (e) {
    // Count lone Shift presses; typing a capital (Shift held with a letter) does not count.
    if (e.key === "Shift" && !lastShifted) {
      shifts++;
      clearTimeout(shiftTimer);
      shiftTimer = setTimeout(function () { shifts = 0; shiftStatus.textContent = ""; }, 5000);
      if (shifts >= 3) quickExit();
      else shiftStatus.textContent = shifts === 1 ? T.press2 : T.press1;
    } else if (e.key !== "Shift" && shifts) {
      shifts = 0; shiftStatus.textContent = "";
    }
    lastShifted = e.key !== "Shift" && e.shiftKey;
  }, true);
})();
