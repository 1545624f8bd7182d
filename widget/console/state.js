// @ts-check
/* What the console knows, in one object that the other modules read and change. */
import { T } from "./texts.js";

/** @typedef {{id: string, name: string}} Region */
/** @typedef {{title: string, text: string}} CannedReply */
/** @typedef {{name: string, regions?: string[], max_chats?: number, supervisor?: boolean}} Me */
/**
 * @typedef {object} QueueItem
 * @property {string} conversation
 * @property {string} [nickname]
 * @property {string} [region]
 * @property {boolean} [urgent]
 * @property {string | null} [risk] acute | suicide | high
 * @property {number} [waiting_s]
 * @property {Record<string, unknown>} [intake]
 * @property {boolean} [visitor_online]
 * @property {string | null} [visitor_since]
 * @property {string | null} [backup_from] the region it came from through the backup (achtervang)
 */
/**
 * One of my conversations, shown as a card.
 * @typedef {object} Chat
 * @property {string} id
 * @property {string} nick
 * @property {string | undefined} region
 * @property {Record<number, true>} bySeq messages shown, so none is shown twice
 * @property {boolean} ended
 * @property {boolean} urgent
 * @property {HTMLElement} el
 * @property {HTMLElement} title
 * @property {HTMLElement} log
 * @property {HTMLElement | null} banner the urgent alert, once raised
 * @property {HTMLFormElement} form
 * @property {HTMLTextAreaElement} input
 * @property {HTMLSelectElement} cannedSel
 * @property {HTMLSelectElement} regionSel
 * @property {HTMLElement} presence whether the visitor is there, and since when
 * @property {HTMLElement} typing "... is aan het typen" (never what)
 * @property {HTMLElement} reminder the gentle reminder after a quiet while
 * @property {number | undefined} typingTimer
 * @property {number} typingSent when my last typing frame for this chat went
 * @property {string} lastFrom who wrote last: "visitor" or "counsellor" ("" before anyone did)
 * @property {number} lastAt when (ms)
 */

export const state = {
  loggedIn: false,
  /** @type {Me | null} */
  me: null,
  /** @type {Record<string, Region>} all regions, from /api/status */
  regions: {},
  /** @type {CannedReply[]} */
  canned: [],
  /** @type {Record<string, unknown> | null} */
  registrationOptions: null,
  maxChats: Infinity,
  /** @type {QueueItem[]} */
  queue: [],
  /** when the last queue frame came: waiting times count on from there */
  queueAt: 0,
  /** @type {Record<string, boolean>} conversations already announced as urgent */
  seenUrgent: {},
  /** @type {Record<string, Chat>} my conversations by id */
  chats: {}
};

/** @param {string | undefined} id */
export function regionName(id) {
  return (id && state.regions[id] && state.regions[id].name) || id || T.none;
}
