// @ts-check
/* The queue of my regions: one item per waiting visitor, with a take button and a waiting time. */
import { $, fmt, h } from "./dom.js";
import { presenceText } from "./presence.js";
import { regionName, state } from "./state.js";
import { watchButton } from "./supervise.js";
import { T } from "./texts.js";

/** @param {number} s seconds */
function clock(s) {
  s = Math.max(0, Math.floor(s));
  const m = Math.floor(s / 60), r = s % 60;
  return (m >= 60 ? Math.floor(m / 60) + ":" + ("0" + m % 60).slice(-2) : m) + ":" + ("0" + r).slice(-2);
}

/** The intake as one line, "Over: zichzelf · Nu veilig: nee". @param {Record<string, unknown> | undefined} intake */
export function intakeText(intake) {
  const out = [];
  for (const [k, v] of Object.entries(intake || {})) {
    if (v === null || v === undefined || v === "") continue;
    const d = T.intake[k];
    out.push(d ? d[0] + ": " + (d[1][String(v)] || String(v)) : k + ": " + String(v));
  }
  return out.join(" · ") || T.none;
}

/** @param {(conversation: string) => void} take sends a take for this conversation */
export function renderQueue(take) {
  const ul = $("queue");
  // A queue update must never move the counsellor's focus: remember whose button had it.
  const focused = ul.contains(document.activeElement) && document.activeElement
    ? document.activeElement.closest("li") : null;
  const focusedId = focused ? focused.getAttribute("data-conversation") : null;
  const focusedAt = focused ? Array.from(ul.children).indexOf(focused) : -1;
  ul.textContent = "";
  for (const i of state.queue) {
    ul.appendChild(h("li.item" + (i.urgent ? ".urgent" : ""), { "data-conversation": i.conversation }, [
      h("p.line", {}, [
        i.urgent ? h("strong.badge", {}, T.urgent) : null,
        i.risk && T.risk[i.risk] ? h("span.risk", {}, T.risk[i.risk]) : null,
        h("span.nick", {}, i.nickname || T.none),
        h("span.region", {}, regionName(i.region)),
        i.backup_from ? h("span.backup", {}, fmt(T.viaBackup, { region: regionName(i.backup_from) })) : null,
        h("span.wait", { "data-waiting": String(i.waiting_s || 0) }, ""),
        i.visitor_online === false ? h("span.gone", {}, presenceText(false, i.visitor_since)) : null
      ]),
      h("p.intake", {}, intakeText(i.intake)),
      h("button.take", { type: "button", on: { click: () => take(i.conversation) } },
        [T.take, h("span.sr", {}, " " + fmt(T.takeWith, { nick: i.nickname || T.none }))]),
      state.me && state.me.supervisor ? watchButton(i.conversation, i.nickname || T.none) : null
    ]));
  }
  $("queue-count").textContent = "(" + state.queue.length + ")";
  $("queue-empty").hidden = state.queue.length > 0;
  tick();
  updateTakeNext();
  if (focusedId === null) return;
  // The same visitor's button again; if they left the queue, the item now in their place (never the
  // first by surprise), else the button that takes the next one.
  const items = Array.from(ul.children);
  const same = items.find((li) => li.getAttribute("data-conversation") === focusedId);
  const near = same || items[Math.min(focusedAt, items.length - 1)];
  const button = near ? near.querySelector("button") : null;
  (button || $("take-next")).focus();
}

/** Counts the waiting times on between queue frames. */
export function tick() {
  const extra = (Date.now() - state.queueAt) / 1000;
  document.querySelectorAll(".wait").forEach((el) => {
    el.textContent = fmt(T.waiting, { t: clock(Number(el.getAttribute("data-waiting")) + extra) });
  });
}

/** "Neem de volgende" only when someone waits and I have room for another conversation. */
export function updateTakeNext() {
  const chats = Object.values(state.chats);
  const full = chats.filter((c) => !c.ended).length >= state.maxChats;
  /** @type {HTMLButtonElement} */ ($("take-next")).disabled = !state.queue.length || full;
  $("chats-empty").hidden = chats.length > 0;
}
