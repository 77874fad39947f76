// What the browser test runs the app with: a production build, `next start` as a child process, and two
// small recording proxies on loopback (webhooks into the app, the app's and the browser's calls to the URL API).
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { nextBin } from "../scripts/build-if-stale.mjs";

export { buildIfStale } from "../scripts/build-if-stale.mjs";

export const APP_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Fails with one line naming what is missing; the test never falls back to AWS or to fixed ports. */
export function required(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: run this test through ./mvnw verify (ExamplesIT starts the local stack and sets it)`);
  }
  return value;
}

/** `next start` on 127.0.0.1:port with the given variables; resolves once it serves pages. */
export async function startApp({ port, env, log }) {
  const out = fs.openSync(log, "a");
  const child = spawn(process.execPath, [nextBin(), "start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: APP_DIR,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NEXT_TELEMETRY_DISABLED: "1", ...env },
    stdio: ["ignore", out, out],
    detached: true, // its own process group, stopped whole
  });
  const app = {
    url: `http://127.0.0.1:${port}`,
    stop() {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch { /* already gone */ }
    },
  };
  const deadline = Date.now() + 60_000;
  while (true) {
    if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}; see ${log}`);
    try {
      const response = await fetch(`${app.url}/`, { signal: AbortSignal.timeout(5_000) });
      if (response.status < 500) return app;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      app.stop();
      throw new Error(`next start did not answer within 60 s; see ${log}`);
    }
    await sleep(200);
  }
}

/**
 * An HTTP proxy on 127.0.0.1 that forwards every request to `target` and records it (method, path, headers,
 * body) with the status it got. `failNext(n, status)` answers the next n requests itself with that status.
 */
export function recordingProxy(target, { port = 0 } = {}) {
  const requests = [];
  let failures = [];
  const server = http.createServer(async (request, response) => {
    const chunks = [];
    for await (const chunk of request) chunks.push(chunk);
    const body = Buffer.concat(chunks);
    const record = { method: request.method, path: request.url, headers: request.headers, body: body.toString("utf8") };
    requests.push(record);
    if (failures.length > 0) {
      record.injected = true;
      record.status = failures.shift();
      response.writeHead(record.status, { "Content-Type": "application/json" }).end('{"message":"Service Unavailable"}');
      return;
    }
    try {
      const headers = { ...request.headers };
      delete headers.host;
      delete headers.connection;
      const upstream = await fetch(new URL(request.url, target), {
        method: request.method, headers, body: body.length > 0 ? body : undefined,
        signal: AbortSignal.timeout(30_000), redirect: "manual",
      });
      const answer = Buffer.from(await upstream.arrayBuffer());
      record.response = answer.toString("utf8");
      record.status = upstream.status; // last: a record with a status is complete
      const outHeaders = Object.fromEntries([...upstream.headers].filter(([name]) =>
        !["content-encoding", "content-length", "transfer-encoding", "connection"].includes(name)));
      response.writeHead(upstream.status, outHeaders).end(answer);
    } catch (error) {
      record.error = error.message;
      record.status = 502;
      response.writeHead(502).end();
    }
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve({
      url: `http://127.0.0.1:${server.address().port}`,
      requests,
      failNext(count, status) {
        failures = Array(count).fill(status);
      },
      clear() {
        requests.length = 0;
      },
      close: () => new Promise((done) => server.close(done)),
    }));
  });
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Waits for a condition, at most `seconds`; the message says what never happened. */
export async function waitFor(what, condition, seconds = 30) {
  const deadline = Date.now() + seconds * 1000;
  while (true) {
    const value = await condition();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`waited ${seconds} s for ${what}`);
    await sleep(100);
  }
}

/** Runs the generator (examples/generator/upload.py) against the local stack's S3, as a user would. */
export function upload({ user, job, files, extra = [], s3 = required("STACK_S3_ENDPOINT") }) {
  const python = process.env.PYTHON || "python3";
  const generator = path.resolve(APP_DIR, "..", "generator");
  const result = spawnSync(python, [path.join(generator, "upload.py"), "--user", user, "--job", job, ...extra,
    ...files.map((file) => path.join(generator, "samples", file))], {
    encoding: "utf8",
    timeout: 60_000,
    env: {
      ...process.env,
      AWS_ENDPOINT_URL_S3: s3,
      AWS_ACCESS_KEY_ID: required("STACK_ACCESS_KEY_ID"),
      AWS_SECRET_ACCESS_KEY: required("STACK_SECRET_ACCESS_KEY"),
      AWS_REGION: required("STACK_REGION"),
      VIDEO_BUCKET: required("STACK_BUCKET"),
    },
  });
  if (result.status !== 0) throw new Error(`upload.py failed (${result.status}): ${result.stderr}`);
  return result.stdout.trim().split("\n");
}
