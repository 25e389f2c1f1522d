import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import type { FeedValidators } from '../../src/ingest/feed-result.js';
import { fetchFeed } from '../../src/ingest/fetch.js';

const none: FeedValidators = { etag: null, lastModified: null };
const BODY = '<rss version="2.0"><channel><title>t</title></channel></rss>';

/**
 * A TCP server speaking just enough HTTP/1.1, so a test decides what happens to each connection:
 * `answer(request, socket, nth)` gets every request's head (nth counts requests on that connection).
 */
async function rawServer(answer: (head: string, socket: Socket, nth: number) => void) {
  let connections = 0;
  let requests = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let buffered = '';
    let nth = 0;
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      let end: number;
      while ((end = buffered.indexOf('\r\n\r\n')) >= 0) {
        const head = buffered.slice(0, end);
        buffered = buffered.slice(end + 4);
        requests++;
        answer(head, socket, ++nth);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const opened = {
    url: `http://127.0.0.1:${port}/feed.xml`,
    counts: () => ({ connections, requests }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  servers.push(opened);
  return opened;
}

const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

function ok(socket: Socket): void {
  socket.write(`HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: ${BODY.length}\r\nConnection: keep-alive\r\n\r\n${BODY}`);
}

describe('fetchFeed connections', () => {
  it('reuses one kept-alive connection for consecutive fetches of a host', async () => {
    const server = await rawServer((_head, socket) => ok(socket));
    for (let i = 0; i < 5; i++) expect(await fetchFeed(server.url, none)).toMatchObject({ ok: true, status: 200 });
    expect(server.counts()).toEqual({ connections: 1, requests: 5 });
  });

  it('keeps the connection through bodies it does not read: a redirect, a small error page, a 304', async () => {
    const server = await rawServer((head, socket) => {
      const path = head.split(' ')[1];
      if (path === '/moved') socket.write('HTTP/1.1 301 Moved Permanently\r\nLocation: /feed.xml\r\nContent-Length: 9\r\n\r\nmoved ...');
      else if (path === '/missing') socket.write('HTTP/1.1 404 Not Found\r\nContent-Length: 14\r\n\r\n<p>no feed</p>');
      else if (/if-none-match/i.test(head)) socket.write('HTTP/1.1 304 Not Modified\r\nETag: "v1"\r\n\r\n');
      else ok(socket);
    });
    const url = new URL(server.url);
    expect(await fetchFeed(new URL('/moved', url).href, none)).toMatchObject({ ok: true, status: 200 });
    expect(await fetchFeed(new URL('/missing', url).href, none)).toMatchObject({ ok: false, status: 404 });
    for (let i = 0; i < 3; i++) expect(await fetchFeed(server.url, { etag: '"v1"', lastModified: null })).toMatchObject({ ok: true, status: 304 });
    expect(server.counts()).toEqual({ connections: 1, requests: 6 });
  });

  it('closes the connection rather than drain an error page of unknown length', async () => {
    const server = await rawServer((_head, socket) => {
      socket.write('HTTP/1.1 500 Internal Server Error\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nerror\r\n');
    });
    expect(await fetchFeed(server.url, none)).toMatchObject({ ok: false, status: 500 });
    expect(await fetchFeed(server.url, none)).toMatchObject({ ok: false, status: 500 });
    expect(server.counts()).toEqual({ connections: 2, requests: 2 });
  });

  it('gives up draining a small error page that stalls, instead of holding the fetch until its time limit', async () => {
    const server = await rawServer((_head, socket) => socket.write('HTTP/1.1 404 Not Found\r\nContent-Length: 500\r\n\r\n<p>no'));
    const started = performance.now();
    expect(await fetchFeed(server.url, none, { timeoutMs: 10_000 })).toEqual({ ok: false, status: 404, reason: 'HTTP 404 Not Found' });
    expect(performance.now() - started).toBeLessThan(3_000);
  });

  it('sends a request again on a new connection when the server drops the kept-alive one it arrived on', async () => {
    // The second request on a connection is met by a close, as when a server times an idle connection
    // out just as it is reused: the request was never handled, so it is safe to send it once more.
    const server = await rawServer((_head, socket, nth) => (nth === 1 ? ok(socket) : socket.destroy()));
    expect(await fetchFeed(server.url, none)).toMatchObject({ ok: true, status: 200 });
    expect(await fetchFeed(server.url, none)).toMatchObject({ ok: true, status: 200 });
    expect(server.counts()).toEqual({ connections: 2, requests: 3 });
  });

  it('does not send again when a fresh connection is dropped, and says what happened', async () => {
    const server = await rawServer((_head, socket) => socket.destroy());
    expect(await fetchFeed(server.url, none)).toEqual({ ok: false, reason: 'the server closed the connection without answering' });
    expect(server.counts()).toEqual({ connections: 1, requests: 1 });
  });

  it('says an answer that is not HTTP is not HTTP', async () => {
    const server = await rawServer((_head, socket) => socket.end('SSH-2.0-OpenSSH_9.6\r\n'));
    expect(await fetchFeed(server.url, none)).toEqual({ ok: false, reason: expect.stringMatching(/^the server's answer is not valid HTTP \(.+\)$/) });
  });

  it('reports a body cut short of its Content-Length', async () => {
    const server = await rawServer((_head, socket) => {
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${BODY.length + 100}\r\n\r\n${BODY}`);
      setTimeout(() => socket.destroy(), 20);
    });
    expect(await fetchFeed(server.url, none)).toEqual({ ok: false, reason: 'connection reset while reading the body' });
  });
});

describe('fetchFeed over HTTPS', () => {
  it('talks TLS to an https: URL and refuses a certificate nobody vouches for, saying so', async () => {
    // test/fixtures/tls: a self-signed certificate for 127.0.0.1 (openssl req -x509 -days 36500).
    const tls = join(import.meta.dirname, '..', 'fixtures', 'tls');
    const server = createHttpsServer(
      { key: readFileSync(join(tls, 'self-signed.key')), cert: readFileSync(join(tls, 'self-signed.crt')) },
      (_request, response) => response.end(BODY),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push({ close: () => new Promise<void>((resolve) => server.close(() => resolve())) });
    const { port } = server.address() as { port: number };
    const outcome = await fetchFeed(`https://127.0.0.1:${port}/feed.xml`, none);
    expect(outcome).toEqual({ ok: false, reason: expect.stringMatching(/^TLS error: self[- ]signed certificate/) });
  });
});
