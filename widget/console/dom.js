// @ts-check
/* DOM helpers for the console: every piece of text goes through textContent. */

/**
 * The element with this id; the console's page always has it (index.html).
 * @template {HTMLElement} [E=HTMLElement]
 * @param {string} id
 * @returns {E}
 */
export function $(id) {
  const el = document.getElementById(id);
  if (!el) throw new Error("index.html has no #" + id);
  return /** @type {E} */ (el);
}

/**
 * "Hallo {name}" with {name: "Anna"} gives "Hallo Anna".
 * @param {string} s
 * @param {Record<string, string | number>} o
 */
export function fmt(s, o) {
  return s.replace(/\{(\w+)\}/g, (_, k) => String(o[k]));
}

/** @typedef {Record<string, string | boolean | Record<string, EventListener>>} Attrs */

/**
 * h("button.primary", {type: "button", on: {click}}, "text" | [children, "text"])
 * @param {string} tag a tag name, then classes after dots
 * @param {Attrs} [attrs] attributes; hidden, disabled and checked as properties; on: event listeners
 * @param {string | Array<Node | string | null>} [kids]
 * @returns {HTMLElement}
 */
export function h(tag, attrs, kids) {
  const [name, ...classes] = tag.split(".");
  const el = document.createElement(name);
  if (classes.length) el.className = classes.join(" ");
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "on") for (const [event, listener] of Object.entries(/** @type {Record<string, EventListener>} */ (v))) el.addEventListener(event, listener);
    else if (k === "hidden" || k === "disabled" || k === "checked") /** @type {any} */ (el)[k] = v;
    else el.setAttribute(k, String(v));
  }
  if (typeof kids === "string") el.textContent = kids;
  else if (kids) for (const c of kids) if (c) el.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
  return el;
}

/**
 * Says something through the page's role="status" line. Emptied first, so the same words twice are
 * read out twice.
 * @param {string} text
 */
export function announce(text) {
  const el = $("announce");
  el.textContent = "";
  setTimeout(() => { el.textContent = text; }, 50);
}
