// The seed page's server (see server.mjs) plus a burst trigger, for the browser benchmark:
// every message is answered with "data received", except a text message "burst N", which
// makes the server send N text frames "burst i/N" (i = 1..N) on that connection as fast as
// the socket drains, and nothing else. Backpressure: once more than HIGH_WATER bytes are
// queued, the next frame is sent with a callback and the loop waits for it, i.e. until the
// queue has been written out, so memory stays bounded however slow the page is.
// PORT picks the port (default 9011); it listens on 127.0.0.1 only.
import { WebSocketServer } from "ws";

const port = Number(process.env.PORT ?? 9011);
const MAX_BURST = 1_000_000;
const HIGH_WATER = 1 << 20;

async function burst(ws, n) {
  for (let i = 1; i <= n; i++) {
    if (ws.readyState !== ws.OPEN) return;
    const frame = `burst ${i}/${n}`;
    if (ws.bufferedAmount < HIGH_WATER) {
      ws.send(frame);
    } else {
      await new Promise((resolve) => ws.send(frame, resolve));
    }
  }
}

const wss = new WebSocketServer({ host: "127.0.0.1", port });
wss.on("connection", (ws) => {
  ws.on("message", (data, isBinary) => {
    const match = isBinary ? null : /^burst (\d+)$/.exec(data.toString());
    const n = match ? Number(match[1]) : 0;
    if (match && n >= 1 && n <= MAX_BURST) {
      burst(ws, n).catch((e) => console.error("burst failed:", e));
    } else {
      ws.send("data received");
    }
  });
  ws.on("error", (e) => console.error("socket error:", e.message));
});
wss.on("listening", () => console.log(`burst ws server listening on ws://127.0.0.1:${port}`));
