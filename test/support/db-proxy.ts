import net from 'node:net';

/**
 * A TCP proxy in front of the test database, to cut the connection and restore it,
 * as a network failure or a database restart would.
 */
export async function startDatabaseProxy(databaseUrl: string): Promise<{ url: string; cut(): Promise<void>; restore(): Promise<void>; close(): Promise<void> }> {
  const target = new URL(databaseUrl);
  const host = decodeURIComponent(target.hostname || target.host);
  const port = Number(target.port || 5432);
  const connectTarget = (): net.NetConnectOpts => (host.startsWith('/') ? { path: `${host}/.s.PGSQL.${port}` } : { host, port });
  const sockets = new Set<net.Socket>();
  let server: net.Server | undefined;
  let listenPort = 0;

  const listen = () =>
    new Promise<void>((resolve) => {
      server = net.createServer((client) => {
        const upstream = net.connect(connectTarget());
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => s.destroy());
        }
        client.pipe(upstream).pipe(client);
      });
      server.listen(listenPort, '127.0.0.1', () => {
        listenPort = (server!.address() as net.AddressInfo).port;
        resolve();
      });
    });
  const cut = async () => {
    const closed = new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    for (const s of sockets) s.destroy();
    await closed;
    server = undefined;
  };
  await listen();
  const url = new URL(databaseUrl.replace(/@[^/]*\//, `@127.0.0.1:${listenPort}/`));
  url.searchParams.delete('host');
  // Restoring a proxy that is not cut does nothing (listening again on its port would never finish).
  const restore = async () => { if (!server) await listen(); };
  return { url: url.toString(), cut, restore, close: cut };
}
