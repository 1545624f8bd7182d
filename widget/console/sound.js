// @ts-check
/* A short two-tone beep for urgent conversations, made with the Web Audio API. Browsers allow sound
 * only after the user did something on the page, hence unlock() on the first click and at login. */

/** @type {AudioContext | null} */
let audio = null;

export function unlock() {
  try {
    audio = audio || new AudioContext();
    audio.resume();
  } catch {
    audio = null; // no sound; the visual alert and the announcement remain
  }
}

export function beep() {
  const a = audio;
  if (!a) return;
  [0, 0.25].forEach((t, i) => {
    const o = a.createOscillator(), g = a.createGain(), at = a.currentTime + t;
    o.frequency.value = i ? 660 : 880;
    g.gain.setValueAtTime(0.2, at);
    g.gain.exponentialRampToValueAtTime(0.001, at + 0.22);
    o.connect(g);
    g.connect(a.destination);
    o.start(at);
    o.stop(at + 0.23);
  });
}

document.addEventListener("click", unlock, { once: true });
