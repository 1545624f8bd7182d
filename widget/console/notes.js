// @ts-check
/* The counsellor's own notes beside a chat: saved while typing (after a pause) and when leaving the
 * field, kept with the conversation and deleted with it; never sent to the visitor (docs/console.md). */
import { api } from "./api.js";
import { h } from "./dom.js";
import { T } from "./texts.js";

/**
 * The notes field of one chat.
 * @param {string} id the conversation
 * @param {string} n the id-safe form of it, for element ids
 * @param {string} text the notes the relay has (the taken frame's `note`)
 * @returns {{el: HTMLElement, area: HTMLTextAreaElement}}
 */
export function notesField(id, n, text) {
  const area = /** @type {HTMLTextAreaElement} */ (h("textarea", { id: "note-" + n, rows: "3", maxlength: "4000" }));
  area.value = text || "";
  const status = h("span.notestatus", { role: "status" });
  let saved = area.value, timer = 0;
  const save = async () => {
    clearTimeout(timer);
    const value = area.value;
    if (value === saved) return;
    status.textContent = T.noteSaving;
    try {
      const r = await api("PUT", "conversations/" + encodeURIComponent(id) + "/note", { text: value });
      if (!r.ok) throw r;
      saved = value;
      status.textContent = area.value === value ? T.noteSaved : "";
    } catch {
      status.textContent = T.noteNotSaved; // the text stays in the field: it is saved on the next pause
    }
  };
  area.addEventListener("input", () => { clearTimeout(timer); timer = window.setTimeout(save, 1500); });
  area.addEventListener("blur", save);
  const el = h("details.notes", text ? { open: true } : {}, [
    h("summary", {}, T.notes),
    h("label", { "for": "note-" + n }, T.notesLabel),
    area,
    status
  ]);
  return { el, area };
}
