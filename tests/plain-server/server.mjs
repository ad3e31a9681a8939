// The seed page's server, as DESIGN.md describes it: every message is answered with the text
// "data received". It knows nothing of ws-chat. PORT picks the port (default 9010).
//
// For the tests, two more shapes of plain server, on the same port:
// - path /broadcast: the most common chat server there is. A message goes to every other
//   client of /broadcast; the sender gets no answer, and nobody is ever greeted.
//   /broadcast?room=NAME does the same within room NAME only (the load benchmark's baseline,
//   server/benches/load/); plain /broadcast is a room of its own.
// - path /ignores-protocols: the seed page's server as many plain servers are set up, never
//   selecting a sub-protocol, so a browser that offered one fails the handshake.
//   ?tag=NAME counts its handshakes, and GET /_test/handshakes?tag=NAME answers
//   {"offered":N,"plain":M}: how many offered sub-protocols and how many did not.
// - POST /_test/outage?refuse=N: drops every connection, then refuses the next N upgrades
//   with 503, as a server that is down would. It answers with the number of clients dropped.
import { createServer } from "node:http";
import { WebSocketServer } from "ws";

const port = Number(process.env.PORT ?? 9010);
const wss = new WebSocketServer({ noServer: true });
const ignoring = new WebSocketServer({ noServer: true, handleProtocols: () => false });
// Tag → handshake counts of /ignores-protocols.
const handshakes = new Map();
// Room name ("" for plain /broadcast) → its clients.
const rooms = new Map();
let refuse = 0;

const http = createServer((req, res) => {
  const url = new URL(req.url, "http://x");
  // The browser tests call this from a page on another port.
  res.setHeader("Access-Control-Allow-Origin", "*");
  if (url.pathname === "/_test/handshakes") {
    const counts = handshakes.get(url.searchParams.get("tag")) ?? { offered: 0, plain: 0 };
    res.setHeader("Content-Type", "application/json");
    res.end(JSON.stringify(counts));
    return;
  }
  if (url.pathname === "/_test/outage") {
    refuse = Number(url.searchParams.get("refuse") ?? 0);
    let dropped = 0;
    for (const ws of wss.clients) {
      ws.terminate();
      dropped++;
    }
    res.end(`${dropped}\n`);
    return;
  }
  res.statusCode = 404;
  res.end("not found\n");
});

http.on("upgrade", (req, socket, head) => {
  if (refuse > 0) {
    refuse--;
    socket.end("HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
    return;
  }
  const url = new URL(req.url, "http://x");
  if (url.pathname === "/ignores-protocols") {
    const tag = url.searchParams.get("tag") ?? "";
    const counts = handshakes.get(tag) ?? { offered: 0, plain: 0 };
    counts[req.headers["sec-websocket-protocol"] ? "offered" : "plain"]++;
    handshakes.set(tag, counts);
    ignoring.handleUpgrade(req, socket, head, (ws) => {
      ws.on("message", () => ws.send("data received"));
    });
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req));
});

wss.on("connection", (ws, req) => {
  const url = new URL(req.url, "http://x");
  if (url.pathname !== "/broadcast") {
    ws.on("message", () => ws.send("data received"));
    return;
  }
  const name = url.searchParams.get("room") ?? "";
  if (!rooms.has(name)) rooms.set(name, new Set());
  const room = rooms.get(name);
  room.add(ws);
  ws.on("close", () => {
    room.delete(ws);
    if (room.size === 0 && rooms.get(name) === room) rooms.delete(name);
  });
  ws.on("message", (data, isBinary) => {
    for (const other of room) {
      if (other !== ws) other.send(data, { binary: isBinary });
    }
  });
});

http.listen(port, "127.0.0.1", () =>
  console.log(`plain ws server listening on ws://127.0.0.1:${port}`),
);
