// @ts-check
/* The counsellor's WebSocket (/ws/counsellor), reconnecting with back-off while logged in. */

/** @typedef {{type: string, [field: string]: any}} Frame */

/**
 * @typedef {object} SocketHooks
 * @property {(frame: Frame) => void} onFrame every frame from the relay
 * @property {(connected: boolean) => void} onConnection the connection came or went
 * @property {() => Promise<boolean>} mayRetry asked after a drop: false stops reconnecting (an expired session)
 */

/** One counsellor socket at a time; open() after login, close() at logout. */
export class CounsellorSocket {
  /** @param {SocketHooks} hooks */
  constructor(hooks) {
    this.hooks = hooks;
    /** @type {WebSocket | null} */
    this.ws = null;
    this.wanted = false;
    this.retries = 0;
    /** @type {number | undefined} */
    this.timer = undefined;
  }

  open() {
    this.wanted = true;
    if (this.ws) return;
    const s = this.ws = new WebSocket(location.origin.replace(/^http/, "ws") + "/ws/counsellor");
    s.onopen = () => { this.retries = 0; this.hooks.onConnection(true); };
    s.onmessage = (e) => {
      /** @type {Frame} */
      let f;
      try { f = JSON.parse(e.data); } catch { return; } // not JSON: not from our relay
      if (this.ws === s && f && typeof f.type === "string") this.hooks.onFrame(f);
    };
    s.onclose = () => {
      if (this.ws !== s) return;
      this.ws = null;
      if (!this.wanted) return;
      this.hooks.onConnection(false);
      // A closed socket may mean an expired session: the hook asks the API before we try again.
      this.hooks.mayRetry().then((retry) => {
        if (!retry || !this.wanted) return;
        this.timer = setTimeout(() => this.open(), Math.min(20000, 1000 * Math.pow(2, this.retries++)));
      });
    };
  }

  close() {
    this.wanted = false;
    clearTimeout(this.timer);
    const s = this.ws;
    this.ws = null;
    if (s) s.close();
  }

  /** @param {Frame} f @returns {boolean} whether it went out now (false: no connection) */
  send(f) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(f));
    return true;
  }
}
