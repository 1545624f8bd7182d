// @ts-check
/* The anonymous advice registration form shown after a chat ends. All text via textContent. */
import { api } from "./api.js";
import { h } from "./dom.js";
import { state } from "./state.js";
import { T } from "./texts.js";

/** @typedef {{value: string, label: string}} Choice */

/**
 * Options come from GET /api/console/registration-options: plain strings or {id|value|key, label|title|name}.
 * @param {unknown} list
 * @returns {Choice[]}
 */
function choices(list) {
  return (Array.isArray(list) ? list : []).map((o) => {
    if (typeof o === "string") return { value: o, label: o };
    const value = String(o.id != null ? o.id : o.value != null ? o.value : o.key);
    return { value, label: o.label || o.title || o.name || o.text || String(o.id || o.value) };
  });
}

/**
 * The form for one conversation.
 * @param {string} conversationId
 * @param {() => void} saved called once the registration is stored
 * @returns {HTMLFormElement}
 */
export function registrationForm(conversationId, saved) {
  const o = /** @type {Record<string, unknown>} */ (state.registrationOptions || {});
  /** @type {Array<[string, Choice[], boolean]>} name, choices, several may be chosen */
  const fields = [
    ["kinds", choices(o.kinds), true], ["role", choices(o.role || o.roles), false],
    ["advice", choices(o.advice || o.advices), false], ["referrals", choices(o.referrals), true]
  ];
  const err = h("p.error", { role: "alert" });
  const n = conversationId.replace(/[^\w-]/g, "");
  const el = /** @type {HTMLFormElement} */ (h("form.reg", {}, [h("h4", {}, T.regTitle), err]));
  for (const [name, list, several] of fields) {
    const fs = h("fieldset", {}, [h("legend", {}, T.fields[name])]);
    if (!list.length) { // no options known: free text
      fs.appendChild(h("label.sr", { "for": name + "-" + n }, T.fields[name]));
      fs.appendChild(h("textarea", { id: name + "-" + n, name, rows: "2" }));
    }
    list.forEach((ch, i) => {
      const id = name + "-" + n + "-" + i;
      fs.appendChild(h("div.choice", {}, [
        h("input", { type: several ? "checkbox" : "radio", id, name, value: ch.value }),
        h("label", { "for": id }, ch.label)
      ]));
    });
    el.appendChild(fs);
  }
  el.appendChild(h("button.primary", { type: "submit" }, T.regSave));
  el.addEventListener("submit", async (e) => {
    e.preventDefault();
    /** @type {{conversation: string, kinds: string[], role: string | null, advice: string | string[] | null, referrals: string[]}} */
    const body = { conversation: conversationId, kinds: [], role: null, advice: null, referrals: [] };
    const b = /** @type {Record<string, string | string[] | null>} */ (body);
    for (const [name, , several] of fields) {
      el.querySelectorAll(`[name=${name}]`).forEach((node) => {
        const input = /** @type {HTMLInputElement | HTMLTextAreaElement} */ (node);
        const value = input.value.trim();
        if (input instanceof HTMLTextAreaElement) { if (value) b[name] = several ? [value] : value; }
        else if (input.checked) {
          if (several) /** @type {string[]} */ (b[name]).push(input.value);
          else b[name] = input.value;
        }
      });
    }
    if (!body.kinds.length || !body.role) { err.textContent = T.regMissing; return; }
    if (!body.advice) body.advice = "";
    try {
      const r = await api("POST", "registrations", body);
      if (r.ok) { saved(); return; }
      const j = await r.json();
      err.textContent = j.message || T.failed;
    } catch {
      err.textContent = err.textContent || T.failed; // offline, or the answer was not JSON
    }
  });
  return el;
}
