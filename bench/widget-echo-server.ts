import pg from "pg";
import { WebSocketServer } from "ws";

/**
 * The floors of the widget socket benchmark, started as child processes by
 * widget-sockets.ts (PORT). Without STORE_URL: a bare `ws` server that echoes
 * every frame, with nothing else. With STORE_URL (a PostgreSQL database): the
 * same server, but each frame is first stored by one INSERT, committed on its
 * own, and echoed once the commit returns, the least a server can do that
 * keeps a message before it passes it on.
 */
const storeUrl = process.env.STORE_URL;
const pool = storeUrl ? new pg.Pool({ connectionString: storeUrl, max: 5 }) : null;
if (pool) {
  await pool.query("drop table if exists bench_echo");
  await pool.query("create table bench_echo (id bigserial primary key, body text not null)");
}

const wss = new WebSocketServer({ port: Number(process.env.PORT), host: "127.0.0.1" });
wss.on("connection", (socket) => {
  socket.on("message", (data, isBinary) => {
    if (!pool) return socket.send(data, { binary: isBinary });
    pool.query("insert into bench_echo (body) values ($1)", [String(data)]).then(
      () => socket.send(data, { binary: isBinary }),
      (err: unknown) => process.stderr.write(`store failed: ${String(err)}\n`),
    );
  });
});
wss.on("listening", () => process.stdout.write("listening\n"));
