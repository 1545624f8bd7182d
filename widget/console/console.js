/* Voordeur counsellor console: login, the queue of my regions, my conversations, the registration form.
 * Driven by /ws/counsellor and the console HTTP API (docs/architecture.md). All text via textContent. */
(function () {
  "use strict";

  var T = Object.freeze({
    expired: "Je sessie is verlopen. Log opnieuw in.",
    badLogin: "Gebruikersnaam of wachtwoord klopt niet.",
    throttled: "Te veel pogingen. Wacht even en probeer het dan opnieuw.",
    failed: "Dat lukte niet. Probeer het opnieuw.",
    me: "{name} · regio's: {regions}",
    connecting: "Verbinden…",
    online: "Verbonden.",
    offline: "Verbinding weg. We proberen het opnieuw…",
    urgent: "Urgent",
    waiting: "wacht {t}",
    take: "Neem dit gesprek",
    takeWith: "met {nick}",
    taken: "Je hebt nu een gesprek met {nick}.",
    newUrgent: "Er staat een urgent gesprek in de wachtrij.",
    alert: "Urgent: de bezoeker is mogelijk in gevaar. Wijs op 112 als dat nodig is.",
    alertSay: "Urgent signaal in het gesprek met {nick}.",
    visitor: "Bezoeker",
    bot: "Assistent",
    counsellor: "Hulpverlener",
    system: "Systeem",
    transcript: "Gesprek met {nick}",
    message: "Bericht aan {nick}",
    send: "Versturen",
    canned: "Standaardtekst",
    cannedPick: "Kies een standaardtekst",
    cannedUse: "Invoegen",
    transferTo: "Overdragen aan regio",
    transfer: "Overdragen",
    transferred: "Het gesprek met {nick} is overgedragen aan {region}.",
    end: "Gesprek beëindigen",
    endAsk: "Echt beëindigen?",
    yes: "Ja",
    no: "Nee",
    ended: "Het gesprek is beëindigd.",
    endedBy: { visitor: "De bezoeker heeft het gesprek beëindigd.", counsellor: "Je hebt het gesprek beëindigd.", system: "Het gesprek is gestopt." },
    regTitle: "Anonieme adviesregistratie",
    regSave: "Registratie opslaan",
    regSaved: "De registratie is opgeslagen.",
    regMissing: "Kies minstens één soort geweld en de rol van de vrager.",
    allRegions: "alle regio's",
    fields: { kinds: "Soort geweld", role: "Wie nam contact op", advice: "Gegeven advies", referrals: "Doorverwezen naar" },
    intake: {
      about: ["Over", { self: "zichzelf", other: "iemand anders" }],
      situation: ["Situatie", { partner: "partner", child: "kind", elderly: "oudere", other: "anders" }],
      safe_now: ["Nu veilig", { "true": "ja", "false": "nee" }],
      age_group: ["Leeftijd", { under_18: "jonger dan 18", "18_plus": "18 of ouder" }],
      language: ["Taal", { en: "schrijft Engels" }]
    },
    none: "–"
  });

  function $(id) { return document.getElementById(id); }
  function fmt(s, o) { return s.replace(/\{(\w+)\}/g, function (_, k) { return o[k]; }); }
  function h(tag, attrs, kids) {
    var p = tag.split("."), el = document.createElement(p[0]);
    if (p.length > 1) el.className = p.slice(1).join(" ");
    for (var k in attrs || {}) {
      if (k === "on") for (var ev in attrs.on) el.addEventListener(ev, attrs.on[ev]);
      else if (k === "hidden" || k === "disabled" || k === "checked") el[k] = attrs[k];
      else el.setAttribute(k, attrs[k]);
    }
    if (typeof kids === "string") el.textContent = kids;
    else if (kids) kids.forEach(function (c) { if (c) el.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return el;
  }
  function announce(t) { $("announce").textContent = ""; setTimeout(function () { $("announce").textContent = t; }, 50); }
  function api(method, path, body) {
    return fetch("/api/console/" + path, {
      method: method, credentials: "same-origin", cache: "no-store",
      headers: body ? { "Content-Type": "application/json" } : {},
      body: body ? JSON.stringify(body) : undefined
    }).then(function (r) {
      if (r.status === 401 && path !== "login") { expire(); throw r; }
      return r;
    });
  }

  // ---- sound: a short two-tone beep made with the Web Audio API -----------------------------------
  var audio = null;
  function unlockAudio() { try { audio = audio || new (window.AudioContext || window.webkitAudioContext)(); audio.resume(); } catch (e) { audio = null; } }
  function beep() {
    if (!audio) return;
    [0, 0.25].forEach(function (t, i) {
      var o = audio.createOscillator(), g = audio.createGain(), at = audio.currentTime + t;
      o.frequency.value = i ? 660 : 880;
      g.gain.setValueAtTime(0.2, at);
      g.gain.exponentialRampToValueAtTime(0.001, at + 0.22);
      o.connect(g); g.connect(audio.destination);
      o.start(at); o.stop(at + 0.23);
    });
  }
  document.addEventListener("click", unlockAudio, { once: true });

  // ---- state --------------------------------------------------------------------------------------
  var ws = null, loggedIn = false, retries = 0, timer = null;
  var me = null, regions = {}, canned = [], regOptions = null, maxChats = Infinity;
  var queue = [], queueAt = 0, seenUrgent = {};
  var convs = {};   // conversation id -> card state

  fetch("/api/status", { cache: "no-store" }).then(function (r) { return r.json(); }).then(function (s) {
    s.regions.forEach(function (r) { regions[r.id] = r; });
  }).catch(function () { /* region ids are shown instead */ });

  function regionName(id) { return (regions[id] || {}).name || id || T.none; }

  // ---- login / logout -----------------------------------------------------------------------------
  function showLogin(msg) {
    loggedIn = false;
    $("app").hidden = true; $("me").hidden = true; $("logout").hidden = true;
    $("login").hidden = false;
    $("login-error").textContent = msg || "";
    $("username").focus();
  }
  function expire() {
    if (!loggedIn) return;
    stop();
    showLogin(T.expired);
  }
  function stop() {
    loggedIn = false;
    clearTimeout(timer);
    if (ws) { var s = ws; ws = null; s.close(); }
    convs = {}; queue = []; seenUrgent = {};
    $("chats").textContent = ""; $("queue").textContent = "";
  }
  $("login-form").addEventListener("submit", function (e) {
    e.preventDefault();
    unlockAudio();
    var u = $("username").value.trim(), p = $("password").value;
    if (!u || !p) { $("login-error").textContent = T.badLogin; return; }
    api("POST", "login", { username: u, password: p }).then(function (r) {
      if (r.ok) { $("password").value = ""; return start(); }
      $("login-error").textContent = r.status === 429 ? T.throttled : r.status === 401 ? T.badLogin : T.failed;
    }).catch(function () { $("login-error").textContent = T.failed; });
  });
  $("logout").addEventListener("click", function () {
    stop();
    api("POST", "logout").catch(function () {}).then(function () { showLogin(""); });
  });

  function start() {
    return api("GET", "me").then(function (r) { return r.json(); }).then(function (m) {
      loggedIn = true;
      setMe(m);
      $("login").hidden = true; $("app").hidden = false; $("logout").hidden = false;
      api("GET", "canned").then(function (r) { return r.json(); }).then(function (c) { canned = c.replies || []; fillCanned(); }).catch(function () {});
      api("GET", "registration-options").then(function (r) { return r.json(); }).then(function (o) { regOptions = o; }).catch(function () {});
      renderQueue();
      connect();
      $("take-next").focus();
    }).catch(function () { showLogin(""); });
  }
  function setMe(m) {
    me = m;
    if (m.max_chats) maxChats = m.max_chats;
    var rs = m.regions || [], known = Object.keys(regions).length;
    $("me").textContent = fmt(T.me, { name: m.name, regions: known && rs.length >= known ? T.allRegions : rs.map(regionName).join(", ") });
    $("me").hidden = false;
  }

  // ---- socket -------------------------------------------------------------------------------------
  function connect() {
    if (ws || !loggedIn) return;
    $("conn").textContent = T.connecting;
    var s = ws = new WebSocket(location.origin.replace(/^http/, "ws") + "/ws/counsellor");
    s.onopen = function () { retries = 0; $("conn").textContent = T.online; };
    s.onmessage = function (e) {
      var f;
      try { f = JSON.parse(e.data); } catch (x) { return; }
      if (ws === s && handlers[f.type]) handlers[f.type](f);
    };
    s.onclose = function () {
      if (ws !== s) return;
      ws = null;
      if (!loggedIn) return;
      $("conn").textContent = T.offline;
      // A closed socket may mean an expired session: ask the API (a 401 shows the login form).
      api("GET", "me").then(function (r) {
        if (!r.ok) return;
        var d = Math.min(20000, 1000 * Math.pow(2, retries++));
        timer = setTimeout(connect, d);
      }, function () {
        if (loggedIn) timer = setTimeout(connect, Math.min(20000, 1000 * Math.pow(2, retries++)));
      });
    };
  }
  function send(f) { if (ws && ws.readyState === 1) ws.send(JSON.stringify(f)); }

  var handlers = {
    hello: function (f) { setMe(f); },
    queue: function (f) {
      queue = f.items || []; queueAt = Date.now();
      var fresh = queue.some(function (i) { var n = i.urgent && !seenUrgent[i.conversation]; seenUrgent[i.conversation] = seenUrgent[i.conversation] || i.urgent; return n; });
      if (fresh) { beep(); announce(T.newUrgent); }
      renderQueue();
    },
    taken: function (f) {
      var isNew = !convs[f.conversation];  // after a reconnect the relay sends my open chats again
      var c = card(f.conversation, f);
      (f.transcript || []).forEach(function (m) { addMessage(c, m); });
      // state "ended": a chat that ended while I was away, back for its registration ("ended" follows)
      if (isNew && f.state !== "ended") { announce(fmt(T.taken, { nick: c.nick })); c.input.focus(); }
    },
    message: function (f) { addMessage(card(f.conversation), f); },
    alert: function (f) { var c = convs[f.conversation]; if (c) raise(c); },
    ended: function (f) { var c = convs[f.conversation]; if (c) ended(c, f.by); },
    transferred: function (f) {
      var c = convs[f.conversation];
      if (!c) return;
      announce(fmt(T.transferred, { nick: c.nick, region: regionName(f.region) }));
      remove(c);
    },
    error: function (f) {
      $("error").textContent = f.message || f.code;
      setTimeout(function () { if ($("error").textContent === (f.message || f.code)) $("error").textContent = ""; }, 8000);
    }
  };

  // ---- queue --------------------------------------------------------------------------------------
  function clock(s) {
    s = Math.max(0, Math.floor(s));
    var m = Math.floor(s / 60), r = s % 60;
    return (m >= 60 ? Math.floor(m / 60) + ":" + ("0" + m % 60).slice(-2) : m) + ":" + ("0" + r).slice(-2);
  }
  function intakeText(intake) {
    var out = [];
    for (var k in intake || {}) {
      var v = intake[k];
      if (v === null || v === undefined || v === "") continue;
      var d = T.intake[k];
      out.push(d ? d[0] + ": " + (d[1][String(v)] || String(v)) : k + ": " + String(v));
    }
    return out.join(" · ") || T.none;
  }
  function renderQueue() {
    var ul = $("queue");
    var had = ul.contains(document.activeElement);
    ul.textContent = "";
    queue.forEach(function (i) {
      ul.appendChild(h("li.item" + (i.urgent ? ".urgent" : ""), { "data-conversation": i.conversation }, [
        h("p.line", {}, [
          i.urgent ? h("strong.badge", {}, T.urgent) : null,
          h("span.nick", {}, i.nickname || T.none),
          h("span.region", {}, regionName(i.region)),
          h("span.wait", { "data-waiting": String(i.waiting_s || 0) }, "")
        ]),
        h("p.intake", {}, intakeText(i.intake)),
        h("button.take", { type: "button", on: { click: function () { send({ type: "take", conversation: i.conversation }); } } },
          [T.take, h("span.sr", {}, " " + fmt(T.takeWith, { nick: i.nickname || T.none }))])
      ]));
    });
    $("queue-count").textContent = "(" + queue.length + ")";
    $("queue-empty").hidden = queue.length > 0;
    tick();
    updateTake();
    if (had && ul.querySelector("button")) ul.querySelector("button").focus();
  }
  function tick() {
    var extra = (Date.now() - queueAt) / 1000;
    Array.prototype.forEach.call(document.querySelectorAll(".wait"), function (el) {
      el.textContent = fmt(T.waiting, { t: clock(+el.getAttribute("data-waiting") + extra) });
    });
  }
  setInterval(tick, 1000);
  function updateTake() {
    var full = Object.keys(convs).filter(function (k) { return !convs[k].ended; }).length >= maxChats;
    $("take-next").disabled = !queue.length || full;
    $("chats-empty").hidden = Object.keys(convs).length > 0;
  }
  $("take-next").addEventListener("click", function () { send({ type: "take" }); });

  // ---- conversations ------------------------------------------------------------------------------
  function card(id, f) {
    var c = convs[id];
    if (c) {
      if (f && f.nickname) c.nick = f.nickname;
      if (f && f.urgent) raise(c, true);
      return c;
    }
    f = f || {};
    c = convs[id] = { id: id, nick: f.nickname || T.visitor, region: f.region, bySeq: {}, ended: false };
    var n = id.replace(/[^\w-]/g, "");
    c.log = h("div.log", { role: "log", tabindex: "0", "aria-label": fmt(T.transcript, { nick: c.nick }) });
    c.banner = h("p.banner", { role: "alert", hidden: true });
    c.input = h("textarea", { id: "msg-" + n, rows: "3" });
    c.cannedSel = h("select", { id: "canned-" + n });
    c.regionSel = h("select", { id: "region-" + n });
    var endAsk = h("span.endask", { hidden: true }, [
      h("span", {}, T.endAsk + " "),
      h("button.danger", { type: "button", on: { click: function () { send({ type: "end", conversation: id }); } } }, T.yes),
      h("button", { type: "button", on: { click: function () { endAsk.hidden = true; endBtn.hidden = false; endBtn.focus(); } } }, T.no)
    ]);
    var endBtn = h("button.danger", { type: "button", on: { click: function () { endBtn.hidden = true; endAsk.hidden = false; endAsk.querySelector("button").focus(); } } }, T.end);
    c.form = h("form.compose", { on: { submit: function (e) {
      e.preventDefault();
      var t = c.input.value.trim();
      if (!t) return;
      send({ type: "message", conversation: id, text: t });
      c.input.value = "";
    } } }, [
      h("label", { "for": "msg-" + n }, fmt(T.message, { nick: c.nick })),
      c.input,
      h("div.row", {}, [h("button.primary", { type: "submit" }, T.send)]),
      h("div.row", {}, [
        h("label", { "for": "canned-" + n }, T.canned), c.cannedSel,
        h("button", { type: "button", on: { click: function () {
          var r = canned[+c.cannedSel.value];
          if (r) { c.input.value = (c.input.value ? c.input.value + "\n" : "") + r.text; c.input.focus(); }
        } } }, T.cannedUse)
      ]),
      h("div.row", {}, [
        h("label", { "for": "region-" + n }, T.transferTo), c.regionSel,
        h("button", { type: "button", on: { click: function () { if (c.regionSel.value) send({ type: "transfer", conversation: id, region: c.regionSel.value }); } } }, T.transfer)
      ]),
      h("div.row", {}, [endBtn, endAsk])
    ]);
    c.input.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); c.form.requestSubmit(); }
    });
    c.title = h("h3", {}, "");
    c.el = h("article.card", { "data-conversation": id, "aria-labelledby": "title-" + n }, [
      c.title, c.banner, c.log, c.form
    ]);
    c.title.id = "title-" + n;
    fillCanned(c);
    Object.keys(regions).forEach(function (r) {
      if (r !== c.region) c.regionSel.appendChild(h("option", { value: r }, regions[r].name));
    });
    titleCard(c, f);
    $("chats").appendChild(c.el);
    if (f.urgent) raise(c, true);
    updateTake();
    return c;
  }
  function titleCard(c, f) {
    c.title.textContent = "";
    c.title.appendChild(h("span.nick", {}, c.nick));
    c.title.appendChild(h("span.region", {}, regionName(c.region)));
    if (f.intake) c.title.appendChild(h("span.intake", {}, intakeText(f.intake)));
  }
  function fillCanned(only) {
    (only ? [only] : Object.keys(convs).map(function (k) { return convs[k]; })).forEach(function (c) {
      c.cannedSel.textContent = "";
      c.cannedSel.appendChild(h("option", { value: "" }, T.cannedPick));
      canned.forEach(function (r, i) { c.cannedSel.appendChild(h("option", { value: String(i) }, r.title)); });
    });
  }
  function addMessage(c, m) {
    if (m.seq != null) {
      if (c.bySeq[m.seq]) return;
      c.bySeq[m.seq] = true;
    }
    var who = m.from === "visitor" ? c.nick : m.from === "bot" ? T.bot : m.from === "counsellor" ? T.counsellor : T.system;
    var el = h("div.msg." + (m.from || "system"), { "data-seq": m.seq == null ? "" : String(m.seq) }, [
      h("span.from", {}, who + ":"), h("p.text", {}, m.text || "")
    ]);
    // keep seq order
    var next = null;
    Array.prototype.some.call(c.log.children, function (x) {
      if (x.getAttribute("data-seq") !== "" && +x.getAttribute("data-seq") > m.seq) { next = x; return true; }
      return false;
    });
    c.log.insertBefore(el, next);
    c.log.scrollTop = c.log.scrollHeight;
  }
  function raise(c, quiet) {
    c.el.classList.add("urgent");
    c.banner.textContent = T.alert;
    c.banner.hidden = false;
    if (!quiet) { beep(); announce(fmt(T.alertSay, { nick: c.nick })); }
  }
  function remove(c) {
    c.el.remove();
    delete convs[c.id];
    updateTake();
  }
  function ended(c, by) {
    if (c.ended) return;
    c.ended = true;
    c.form.remove();
    c.el.classList.add("ended");
    c.el.appendChild(h("p.endnote", {}, T.endedBy[by] || T.ended));
    c.el.appendChild(window.VoordeurRegistration.form(c.id, {
      h: h, api: api, options: regOptions, T: T,
      saved: function () { announce(T.regSaved); remove(c); $("take-next").focus(); }
    }));
    updateTake();
  }

  // ---- start: logged in already (cookie) or not ----------------------------------------------------
  fetch("/api/console/me", { credentials: "same-origin", cache: "no-store" }).then(function (r) {
    if (r.ok) start(); else showLogin("");
  }, function () { showLogin(""); });
})();
