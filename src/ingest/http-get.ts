/**
 * One HTTP(S) GET over Node's own client, on keep-alive agents so a poll reuses its connections. Resolves
 * once the status line and headers are in; the caller reads or drops the body.
 *
 * Node's client rather than undici: both cost about the same CPU per request (0.3 ms against a local
 * server), but node:http is loaded with Node itself, while undici took 70-100 ms to load before the
 * first feed could be requested.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/** Status, headers and the body as a stream (read it, or drop it with `discard`). */
export type HttpResponse = { status: number; headers: IncomingHttpHeaders; body: IncomingMessage };

// A connection idle this long is closed (the agent destroys a free socket on its timeout): between polls,
// minutes apart, a bot with hundreds of feeds should not hold a socket open to each host. 4 s is undici's
// default and below the 5 s that common servers allow.
const IDLE_MS = 4_000;
const httpAgent = new HttpAgent({ keepAlive: true, timeout: IDLE_MS });
const httpsAgent = new HttpsAgent({ keepAlive: true, timeout: IDLE_MS });

/** GETs `url`; rejects with the network error (its `code` says which), or an AbortError once `signal` aborts. */
export function httpGet(url: URL, headers: Record<string, string>, signal: AbortSignal, isRetry = false): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const https = url.protocol === 'https:';
    const request = (https ? httpsRequest : httpRequest)(url, {
      method: 'GET',
      headers,
      signal,
      agent: https ? httpsAgent : httpAgent,
    });
    request.once('response', (response) => {
      resolve({ status: response.statusCode ?? 0, headers: response.headers, body: response });
    });
    // Listening for good: an abort after the response also lands here (the body stream reports it too).
    request.on('error', (error: NodeJS.ErrnoException) => {
      // A server may close an idle kept-alive connection just as we reuse it: the request never reached
      // it, so sending it once more, on a fresh connection, is safe (Node's documented remedy).
      if (!isRetry && request.reusedSocket && error.code === 'ECONNRESET') {
        resolve(httpGet(url, headers, signal, true));
        return;
      }
      reject(error);
    });
    request.end();
  });
}
