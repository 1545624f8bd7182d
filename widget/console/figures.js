// @ts-check
/* The figures page for supervisors (docs/figures.md): GET /api/console/stats drawn as inline SVG, each
 * chart followed by its table, so a screen reader (and a printer) has every number. No third-party code:
 * the charts are a few rectangles. Counts of 1 to 4 arrive as "< 5" and are shown so, never guessed. */
import { api } from "./api.js";
import { $, fmt, h } from "./dom.js";
import { state } from "./state.js";
import { T } from "./texts.js";

const NS = "http://www.w3.org/2000/svg";
const W = 640, H = 220, LEFT = 48, BOTTOM = 36, TOP = 12;

/** @typedef {number | string | null} Shown a count or "< 5" (or null: nothing to show) */

/**
 * An SVG element; attributes only (the page's CSP allows no inline style), text via textContent.
 * @param {string} tag @param {Record<string, string | number>} attrs @param {string} [text]
 */
function svg(tag, attrs, text) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text != null) el.textContent = text;
  return el;
}

/** @param {Shown} v */
const num = (v) => (typeof v === "number" ? v : 0);
/** @param {Shown} v */
const cell = (v) => (v == null ? T.none : String(v));
/** @param {Shown} v seconds */
const minutes = (v) => (typeof v === "number" ? fmt(T.figMinutes, { m: Math.round(v / 6) / 10 }) : cell(v));

/**
 * A chart's table: the accessible (and printed) form of the same numbers.
 * @param {string} caption @param {string[]} head @param {Array<Array<string>>} rows
 */
function table(caption, head, rows) {
  return h("div.tablewrap", {}, [h("table.figtable", {}, [
    h("caption", {}, caption),
    h("thead", {}, [h("tr", {}, head.map((x) => h("th", { scope: "col" }, x)))]),
    h("tbody", {}, rows.map((r) => h("tr", {}, r.map((x, i) => (i ? h("td", {}, x) : h("th", { scope: "row" }, x))))))
  ])]);
}

/**
 * Grouped bars: for each label one bar per series; an optional dashed goal line.
 * @param {string} title what the chart shows, said to screen readers (the table follows)
 * @param {string[]} labels
 * @param {Array<{name: string, cls: string, values: number[]}>} series
 * @param {number} [goal]
 */
function bars(title, labels, series, goal) {
  const max = Math.max(1, goal || 0, ...series.flatMap((s) => s.values));
  const chart = svg("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": title + ". " + T.figSeeTable, class: "chart" });
  const y = (/** @type {number} */ v) => H - BOTTOM - (v / max) * (H - BOTTOM - TOP);
  for (const t of [0, max / 2, max]) {
    chart.appendChild(svg("line", { x1: LEFT, x2: W, y1: y(t), y2: y(t), class: "grid" }));
    chart.appendChild(svg("text", { x: LEFT - 6, y: y(t) + 4, "text-anchor": "end", class: "axis" }, String(Math.round(t))));
  }
  const slot = (W - LEFT) / Math.max(1, labels.length), bar = Math.max(2, (slot * 0.8) / series.length);
  labels.forEach((label, i) => {
    series.forEach((s, j) => {
      const x = LEFT + i * slot + slot * 0.1 + j * bar, v = s.values[i];
      chart.appendChild(svg("rect", { x, y: y(v), width: bar - 1, height: H - BOTTOM - y(v), class: s.cls }));
    });
    chart.appendChild(svg("text", { x: LEFT + (i + 0.5) * slot, y: H - BOTTOM + 16, "text-anchor": "middle", class: "axis" }, label));
  });
  if (goal) chart.appendChild(svg("line", { x1: LEFT, x2: W, y1: y(goal), y2: y(goal), class: "goal" }));
  const legend = h("p.legend", {}, series.map((s) => h("span", {}, [h("span.key." + s.cls), s.name])));
  if (goal) legend.appendChild(h("span", {}, [h("span.key.goal"), T.figGoal]));
  return h("div", {}, [chart, legend]);
}

/**
 * Demand by weekday and hour: a cell's shade follows its count; "< 5" cells are hatched.
 * @param {Array<{name: string, hours: Shown[]}>} rows
 */
function heatmap(rows) {
  const max = Math.max(1, ...rows.flatMap((r) => r.hours.map(num)));
  const cw = (W - 80) / 24, ch = 22;
  const chart = svg("svg", { viewBox: `0 0 ${W} ${rows.length * ch + 24}`, role: "img", "aria-label": T.figHeat + ". " + T.figSeeTable, class: "chart" });
  rows.forEach((r, d) => {
    chart.appendChild(svg("text", { x: 74, y: d * ch + 15, "text-anchor": "end", class: "axis" }, r.name.slice(0, 2)));
    r.hours.forEach((v, hour) => {
      const attrs = { x: 80 + hour * cw, y: d * ch, width: cw - 1, height: ch - 1 };
      if (typeof v === "string") chart.appendChild(svg("rect", { ...attrs, class: "few" }));
      else chart.appendChild(svg("rect", { ...attrs, class: "heat", "fill-opacity": num(v) ? 0.15 + 0.85 * num(v) / max : 0.04 }));
    });
  });
  for (let hour = 0; hour < 24; hour += 3) {
    chart.appendChild(svg("text", { x: 80 + hour * cw, y: rows.length * ch + 16, class: "axis" }, String(hour).padStart(2, "0")));
  }
  return chart;
}

/** @param {string} title @param {Node[]} kids */
const section = (title, kids) => h("section.figsec", {}, [h("h2", {}, title), ...kids]);

/** @param {any} r the report (relay/domain/figures_report.py) */
function draw(r) {
  const out = $("fig-out");
  out.textContent = "";
  const t = r.total;
  out.appendChild(section(T.figTotals, [table(fmt(T.figPeriod, { from: r.from, to: r.to }), [T.figMeasure, T.figValue], [
    [T.figOffered, cell(t.offered)], [T.figAnswered, cell(t.answered)], [T.figAbandoned, cell(t.abandoned)],
    [T.figWaitP50, minutes(t.wait_p50_s)], [T.figWaitP90, minutes(t.wait_p90_s)], [T.figWithin5, cell(t.answered_within_300_s)],
    [T.figAbandonWait, minutes(t.abandon_wait_p50_s)], [T.figDuration, minutes(t.duration_p50_s)],
    [T.figUrgent, cell(t.urgent)], [T.figHigh, cell(t.high)], [T.figClosed, cell(t.outside_hours)],
    [T.figTransferred, cell(t.transferred_in)], [T.figFeedback, cell(t.feedback)], [T.figHelped, cell(t.helped_avg)],
    [T.figAgainYes, cell(t.again_yes)], [T.figAgainNo, cell(t.again_no)]
  ])]));
  const weeks = r.weeks.map((/** @type {any} */ w) => w.week.slice(5));
  out.appendChild(section(T.figWaits, [
    bars(T.figWaits, weeks, [
      { name: T.figWaitP50, cls: "s1", values: r.weeks.map((/** @type {any} */ w) => num(w.wait_p50_s) / 60) },
      { name: T.figWaitP90, cls: "s2", values: r.weeks.map((/** @type {any} */ w) => num(w.wait_p90_s) / 60) }
    ], 5),
    table(T.figWaits, [T.figWeek, T.figWaitP50, T.figWaitP90, T.figWithin5],
      r.weeks.map((/** @type {any} */ w) => [w.week, minutes(w.wait_p50_s), minutes(w.wait_p90_s), cell(w.answered_within_300_s)]))
  ]));
  out.appendChild(section(T.figAnsweredTitle, [
    bars(T.figAnsweredTitle, weeks, [
      { name: T.figAnswered, cls: "s1", values: r.weeks.map((/** @type {any} */ w) => num(w.answered)) },
      { name: T.figAbandoned, cls: "s3", values: r.weeks.map((/** @type {any} */ w) => num(w.abandoned)) }
    ]),
    table(T.figAnsweredTitle, [T.figWeek, T.figOffered, T.figAnswered, T.figAbandoned],
      r.weeks.map((/** @type {any} */ w) => [w.week, cell(w.offered), cell(w.answered), cell(w.abandoned)]))
  ]));
  const hours = Array.from({ length: 24 }, (_, i) => String(i).padStart(2, "0"));
  out.appendChild(section(T.figHeat, [
    heatmap(r.heatmap), h("p.legend", {}, [h("span", {}, [h("span.key.few"), T.figFew])]),
    table(T.figHeat, [T.figDay, ...hours], r.heatmap.map((/** @type {any} */ d) => [d.name, ...d.hours.map(cell)]))
  ]));
  const reg = r.registrations;
  /** @param {string} caption @param {Array<{label: string, count: Shown}>} list */
  const regTable = (caption, list) => table(caption, [caption, T.figCount], list.length ? list.map((x) => [x.label, cell(x.count)]) : [[T.none, "0"]]);
  out.appendChild(section(fmt(T.figRegs, { n: cell(reg.total) }), [
    regTable(T.fields.kinds, reg.kinds), regTable(T.fields.role, reg.roles), regTable(T.fields.referrals, reg.referrals)
  ]));
}

const form = /** @type {HTMLFormElement} */ ($("fig-form"));
const from = /** @type {HTMLInputElement} */ ($("fig-from"));
const to = /** @type {HTMLInputElement} */ ($("fig-to"));
const region = /** @type {HTMLSelectElement} */ ($("fig-region"));

function query() {
  const q = new URLSearchParams();
  if (from.value) q.set("from", from.value);
  if (to.value) q.set("to", to.value);
  if (region.value) q.set("region", region.value);
  return q.toString();
}

/** Loads and draws the figures for the form's period and region. */
export async function loadFigures() {
  if (region.options.length <= 1) {
    for (const r of Object.values(state.regions)) region.appendChild(h("option", { value: r.id }, r.name));
  }
  $("fig-error").textContent = "";
  $("fig-status").textContent = T.figLoading;
  try {
    const r = await api("GET", "stats?" + query());
    const body = await r.json();
    if (!r.ok) { $("fig-error").textContent = body.message || T.failed; $("fig-status").textContent = ""; return; }
    from.value = body.from; to.value = body.to;
    /** @type {HTMLAnchorElement} */ ($("fig-csv")).href = "/api/console/stats.csv?" + query();
    draw(body);
    $("fig-status").textContent = fmt(T.figShown, { from: body.from, to: body.to });
  } catch {
    $("fig-error").textContent = T.failed;
    $("fig-status").textContent = "";
  }
}

form.addEventListener("submit", (e) => { e.preventDefault(); loadFigures(); });
$("fig-print").addEventListener("click", () => window.print());
