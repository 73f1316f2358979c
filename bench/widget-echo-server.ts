import { WebSocketServer } from "ws";

/**
 * The floor of the widget socket benchmark: a bare `ws` server that echoes
 * every frame, with nothing else. Started as a child process by
 * widget-sockets.ts (PORT).
 */
const wss = new WebSocketServer({ port: Number(process.env.PORT), host: "127.0.0.1" });
wss.on("connection", (socket) => {
  socket.on("message", (data, isBinary) => socket.send(data, { binary: isBinary }));
});
wss.on("listening", () => process.stdout.write("listening\n"));
