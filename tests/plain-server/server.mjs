// The seed page's server, as DESIGN.md describes it: every message is answered with the text
// "data received". It knows nothing of ws-chat. PORT picks the port (default 9010).
import { WebSocketServer } from "ws";

const port = Number(process.env.PORT ?? 9010);
const wss = new WebSocketServer({ host: "127.0.0.1", port });
wss.on("connection", (ws) => {
  ws.on("message", () => ws.send("data received"));
});
wss.on("listening", () => console.log(`plain ws server listening on ws://127.0.0.1:${port}`));
