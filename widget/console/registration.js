/* Voordeur counsellor console: the anonymous advice registration form shown after a chat ends.
 * Loaded before console.js, which calls VoordeurRegistration.form. All text via textContent. */
(function () {
  "use strict";

  // Options come from GET /api/console/registration-options: plain strings or {id|value|key, label|title|name}.
  function choices(list) {
    return (list || []).map(function (o) {
      return typeof o === "string" ? { value: o, label: o }
        : { value: String(o.id != null ? o.id : o.value != null ? o.value : o.key), label: o.label || o.title || o.name || o.text || String(o.id || o.value) };
    });
  }

  // The form for one conversation. deps: h (element builder), api, options, T (the console's texts),
  // saved (called once the registration is stored).
  function form(conversationId, deps) {
    var h = deps.h, T = deps.T, o = deps.options || {};
    var fields = [
      ["kinds", choices(o.kinds), true], ["role", choices(o.role || o.roles), false],
      ["advice", choices(o.advice || o.advices), false], ["referrals", choices(o.referrals), true]
    ];
    var err = h("p.error", { role: "alert" });
    var n = conversationId.replace(/[^\w-]/g, "");
    var el = h("form.reg", {}, [h("h4", {}, T.regTitle), err]);
    fields.forEach(function (f) {
      var fs = h("fieldset", {}, [h("legend", {}, T.fields[f[0]])]);
      if (!f[1].length) {
        fs.appendChild(h("label.sr", { "for": f[0] + "-" + n }, T.fields[f[0]]));
        fs.appendChild(h("textarea", { id: f[0] + "-" + n, name: f[0], rows: "2" }));
      }
      f[1].forEach(function (ch, i) {
        var id = f[0] + "-" + n + "-" + i;
        fs.appendChild(h("div.choice", {}, [
          h("input", { type: f[2] ? "checkbox" : "radio", id: id, name: f[0], value: ch.value }),
          h("label", { "for": id }, ch.label)
        ]));
      });
      el.appendChild(fs);
    });
    el.appendChild(h("button.primary", { type: "submit" }, T.regSave));
    el.addEventListener("submit", function (e) {
      e.preventDefault();
      var body = { conversation: conversationId, kinds: [], role: null, advice: null, referrals: [] };
      fields.forEach(function (f) {
        Array.prototype.forEach.call(el.querySelectorAll("[name=" + f[0] + "]"), function (input) {
          if (input.tagName === "TEXTAREA") { if (input.value.trim()) body[f[0]] = f[2] ? [input.value.trim()] : input.value.trim(); }
          else if (input.checked) { if (f[2]) body[f[0]].push(input.value); else body[f[0]] = input.value; }
        });
      });
      if (!body.kinds.length || !body.role) { err.textContent = T.regMissing; return; }
      if (!body.advice) body.advice = "";
      deps.api("POST", "registrations", body).then(function (r) {
        if (r.ok) { deps.saved(); return; }
        return r.json().then(function (j) { err.textContent = j.message || T.failed; });
      }).catch(function () { err.textContent = err.textContent || T.failed; });
    });
    return el;
  }

  window.VoordeurRegistration = Object.freeze({ form: form });
})();
