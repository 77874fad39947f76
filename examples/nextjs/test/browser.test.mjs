// The whole path in a real browser, all real: the generator uploads to the local stack's S3, the stack calls
// this app's webhook, the app stores it in SQLite, Debian's Chromium plays the page. ExamplesIT (./mvnw verify)
// starts the local stack and sets the STACK_* variables; the webhooks reach the app through a recording proxy
// so that the test can replay and tamper with a real delivery, and the app's and the browser's calls to the
// URL API go through another one that counts them.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import Database from "better-sqlite3";
import { chromium } from "playwright-core";
import { buildIfStale, freePort, recordingProxy, required, startApp, upload, waitFor } from "./support.mjs";

const WEBHOOK_PATH = "/api/webhooks/video-completion";
// A secret being rotated out, then the stack's own: the route tries each.
const OLD_SECRET = "whsec_b2xkIHNlY3JldCBiZWluZyByb3RhdGVkIG91dA==";
const run = Date.now().toString(36);
const TWO = `two_${run}`; // the two-video job
const LATE = `late_${run}`; // the job whose URL really expires while the test runs (last, to wait least)
const SIGNED = `iam_${run}`; // a job of the stack in IAM mode

describe("video-links end to end in Chromium", { timeout: 8 * 60_000 }, () => {
  let artifacts, work, app, webhooks, api, browser, page, database;

  before(async () => {
    artifacts = path.resolve(process.env.ARTIFACTS_DIR || path.join(os.tmpdir(), "video-links-browser-test"));
    fs.mkdirSync(artifacts, { recursive: true });
    work = fs.mkdtempSync(path.join(os.tmpdir(), "video-links-app-"));
    buildIfStale();
    const appPort = Number(process.env.APP_PORT) || await freePort();
    api = await recordingProxy(required("STACK_API_URL"));
    webhooks = await recordingProxy(`http://127.0.0.1:${appPort}`, { port: Number(required("WEBHOOK_PROXY_PORT")) });
    app = await startApp({
      port: appPort,
      log: path.join(artifacts, "next-start.log"),
      env: {
        WEBHOOK_SECRET: `${OLD_SECRET} ${required("STACK_WEBHOOK_SECRET")}`,
        VIDEO_API_URL: api.url,
        LOCAL_DEV_USER: "u1",
        DATABASE_PATH: path.join(work, "videos.db"),
      },
    });
    database = new Database(path.join(work, "videos.db"));
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--autoplay-policy=no-user-gesture-required"],
      timeout: 60_000,
    });
    page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
    page.setDefaultTimeout(30_000);
  });

  after(async () => {
    await browser?.close();
    app?.stop();
    database?.close();
    await webhooks?.close();
    await api?.close();
  });

  // Deliveries for a job that have their answer from the app.
  const deliveries = (job) => webhooks.requests.filter((r) => r.method === "POST" && r.status !== undefined
    && JSON.parse(r.body).job_id === job);
  const batchCallsOf = (proxy) => proxy.requests.filter((r) => r.method === "POST" && r.path === "/videos/urls");
  const batchCalls = () => batchCallsOf(api);
  const videoRows = (job) => database.prepare("SELECT * FROM videos WHERE job_id = ? ORDER BY position").all(job);
  const jobRows = (job) => database.prepare("SELECT * FROM jobs WHERE job_id = ?").all(job);
  const deliveryRows = (job) => database.prepare("SELECT * FROM webhook_deliveries WHERE job_id = ?").all(job);

  /** Waits until every <video> on the page has its metadata, then plays them until each has advanced. */
  async function playsEveryVideo(count, { from = 0 } = {}) {
    await page.waitForFunction((n) => {
      const videos = [...document.querySelectorAll("video")];
      return videos.length === n && videos.every((v) => v.readyState >= HTMLMediaElement.HAVE_METADATA && v.duration > 0);
    }, count);
    const before = await page.$$eval("video", (videos) => videos.map((v) => ({ duration: v.duration, time: v.currentTime })));
    await page.$$eval("video", (videos) => Promise.all(videos.map((v) => {
      v.muted = true;
      return v.play();
    })));
    await page.waitForFunction((start) => [...document.querySelectorAll("video")].every((v) => v.currentTime > start + 0.5), from);
    return before;
  }

  test("a two-video job: one webhook, stored once even when replayed; a tampered one gets 401 and stores nothing", async () => {
    upload({ user: "u1", job: TWO, files: ["clip.mp4", "second-take.webm"], extra: ["--processing-time", "12.5"] });
    upload({ user: "u1", job: LATE, files: ["clip.mp4"] });

    await waitFor(`the webhooks of ${TWO} and ${LATE}`, () => deliveries(TWO).length > 0 && deliveries(LATE).length > 0);
    const [delivery] = deliveries(TWO);
    assert.equal(deliveries(TWO).length, 1, "one webhook for the job");
    assert.equal(delivery.status, 200, delivery.response);
    assert.deepEqual(JSON.parse(delivery.response), { status: "stored" });
    const payload = JSON.parse(delivery.body);
    assert.equal(payload.data.videos.length, 2);
    assert.equal(jobRows(TWO).length, 1);
    assert.equal(deliveryRows(TWO).length, 1);
    const stored = videoRows(TWO);
    assert.deepEqual(stored.map((v) => v.s3_key), [`generated_videos/u1/${TWO}/clip.mp4`, `generated_videos/u1/${TWO}/second-take.webm`]);
    assert.deepEqual(stored.map((v) => v.content_type), ["video/mp4", "video/webm"]);
    assert.deepEqual(stored.map((v) => v.file_url), payload.data.videos.map((v) => v.file_url));
    assert.deepEqual(JSON.parse(stored[0].facts).metadata, { "processing-time": "12.5" });
    const snapshot = JSON.stringify([jobRows(TWO), videoRows(TWO), deliveryRows(TWO)]);

    const headers = Object.fromEntries(["content-type", "webhook-id", "webhook-timestamp", "webhook-signature"]
      .map((name) => [name, delivery.headers[name]]));
    const replay = await fetch(`${app.url}${WEBHOOK_PATH}`, { method: "POST", headers, body: delivery.body });
    assert.equal(replay.status, 200);
    assert.deepEqual(await replay.json(), { status: "duplicate" });

    const signature = headers["webhook-signature"];
    const flipped = signature.slice(0, -2) + (signature.at(-2) === "A" ? "B" : "A") + signature.at(-1);
    const tamperedSignature = await fetch(`${app.url}${WEBHOOK_PATH}`, {
      method: "POST", headers: { ...headers, "webhook-signature": flipped }, body: delivery.body,
    });
    const otherJob = delivery.body.replaceAll(TWO, `forged_${run}`);
    const tamperedBody = await fetch(`${app.url}${WEBHOOK_PATH}`, {
      method: "POST", headers: { ...headers, "webhook-id": `msg_forged_${run}` }, body: otherJob,
    });
    assert.equal(tamperedSignature.status, 401);
    assert.equal(tamperedBody.status, 401);

    assert.equal(JSON.stringify([jobRows(TWO), videoRows(TWO), deliveryRows(TWO)]), snapshot, "nothing changed");
    assert.equal(jobRows(`forged_${run}`).length, 0);
    assert.equal(database.prepare("SELECT COUNT(*) AS n FROM webhook_deliveries").get().n, 2, `${TWO} and ${LATE} only`);
    assert.equal(deliveries(TWO).length, 1, "still one webhook from the stack");
  });

  test("the page plays both videos (its short-lived webhook URLs refreshed in one batch call)", async () => {
    api.clear();
    await page.goto(`${app.url}/videos/${TWO}`);
    await playsEveryVideo(2);

    const durations = await page.$$eval("video", (videos) => videos.map((v) => v.duration));
    assert.ok(durations.every((d) => d > 3 && d < 5), `the 4 s clips: ${durations}`);
    // The stack under test signs webhook URLs for one minute: less than the five minutes the app wants left.
    assert.equal(batchCalls().length, 1, "one batch call for both videos");
    assert.deepEqual(JSON.parse(batchCalls()[0].body), { job_ids: [TWO] });
    assert.ok(videoRows(TWO).every((v) => Date.parse(v.file_url_expires_at) > Date.now() + 5 * 60_000));
    await page.screenshot({ path: path.join(artifacts, "video-page.png") });
  });

  test("refresh before expiry: a stored expiry in the past gets fresh URLs in one batch call, and they play", async () => {
    api.clear();
    await page.goto(`${app.url}/videos/${TWO}`);
    await playsEveryVideo(2);
    assert.equal(batchCalls().length, 0, "URLs with an hour left are used as stored");

    database.prepare("UPDATE videos SET file_url_expires_at = ? WHERE job_id = ?").run(new Date(Date.now() - 1000).toISOString(), TWO);
    const result = await fetch(`${app.url}/api/videos/${TWO}/result`);
    const answer = await result.json();

    assert.equal(result.status, 200);
    assert.equal(batchCalls().length, 1, "one batch call");
    assert.equal(answer.refreshed, true);
    assert.equal(answer.videos.length, 2);
    const fresh = videoRows(TWO);
    // The URL may be the one the API signed minutes ago (SPEC §4: stable URLs); its expiry is the real one again.
    assert.ok(fresh.every((v) => Date.parse(v.file_url_expires_at) > Date.now() + 5 * 60_000), "stored back");
    assert.deepEqual(answer.videos.map((v) => v.file_url), fresh.map((v) => v.file_url));

    await page.goto(`${app.url}/videos/${TWO}`);
    await playsEveryVideo(2);
    const playing = await page.$$eval("video", (videos) => videos.map((v) => v.currentSrc));
    assert.deepEqual(playing, fresh.map((v) => v.file_url), "the page plays the fresh URLs");
    assert.equal(batchCalls().length, 1, "and asked for nothing more");
  });

  test("the gallery asks the URL API from the browser: CORS preflight, the user's token, one batch call", async () => {
    api.clear();
    await page.goto(`${app.url}/gallery`);
    await playsEveryVideo(3);

    const fromBrowser = api.requests.filter((r) => r.headers.origin === app.url);
    assert.deepEqual(fromBrowser.map((r) => [r.method, r.path, r.status]), [["OPTIONS", "/videos/urls", 204], ["POST", "/videos/urls", 200]]);
    const [, post] = fromBrowser;
    const claims = JSON.parse(Buffer.from(post.headers.authorization.split(" ")[1].split(".")[1], "base64url").toString());
    assert.equal(claims.sub, "u1");
    assert.deepEqual(new Set(JSON.parse(post.body).job_ids), new Set([TWO, LATE]));
    assert.equal(api.requests.length, 2, "the server asked for nothing");
    await page.screenshot({ path: path.join(artifacts, "gallery.png") });
  });

  test("against a stack in IAM mode the server signs its batch call with SigV4 (aws4fetch)", async () => {
    const iamApi = await recordingProxy(required("STACK_IAM_API_URL"));
    const signing = await startApp({
      port: Number(required("IAM_APP_PORT")),
      log: path.join(artifacts, "next-start-iam.log"),
      env: {
        WEBHOOK_SECRET: required("STACK_IAM_WEBHOOK_SECRET"),
        VIDEO_API_URL: iamApi.url,
        VIDEO_API_AUTH: "iam",
        AWS_ACCESS_KEY_ID: required("STACK_ACCESS_KEY_ID"),
        AWS_SECRET_ACCESS_KEY: required("STACK_SECRET_ACCESS_KEY"),
        AWS_REGION: required("STACK_REGION"),
        LOCAL_DEV_USER: "u1",
        DATABASE_PATH: path.join(work, "iam.db"),
      },
    });
    try {
      upload({ user: "u1", job: SIGNED, files: ["clip.mp4"], s3: required("STACK_IAM_S3_ENDPOINT") });
      await waitFor(`the webhook of ${SIGNED}`, async () =>
        (await fetch(`${signing.url}/api/videos/${SIGNED}/result`)).status === 200);
      iamApi.clear();

      const result = await fetch(`${signing.url}/api/videos/${SIGNED}/result?refresh=1`);
      const answer = await result.json();

      assert.equal(result.status, 200, JSON.stringify(answer));
      assert.equal(answer.refreshed, true);
      const [call] = batchCallsOf(iamApi);
      assert.equal(batchCallsOf(iamApi).length, 1);
      assert.match(call.headers.authorization, new RegExp("^AWS4-HMAC-SHA256 Credential="
        + `${required("STACK_ACCESS_KEY_ID")}/\\d{8}/${required("STACK_REGION")}/execute-api/aws4_request, `
        + "SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$"));
      assert.match(call.headers["x-amz-date"], /^\d{8}T\d{6}Z$/);

      // The gallery cannot sign in the browser: the server asks, in one call, and the page plays.
      iamApi.clear();
      await page.goto(`${signing.url}/gallery`);
      await playsEveryVideo(1);
      assert.deepEqual(iamApi.requests.map((r) => [r.method, r.path, r.headers.origin ?? "server", r.status]),
        [["POST", "/videos/urls", "server", 200]]);
    } finally {
      signing.stop();
      await iamApi.close();
    }
  });

  test("without WEBHOOK_SECRET the route answers 500 and stores nothing, so the stack retries later", async () => {
    const bare = path.join(work, "bare.db");
    const unconfigured = await startApp({
      port: await freePort(),
      log: path.join(artifacts, "next-start-no-secret.log"),
      env: { VIDEO_API_URL: api.url, LOCAL_DEV_USER: "u1", DATABASE_PATH: bare },
    });
    try {
      const [delivery] = deliveries(TWO);
      const response = await fetch(`${unconfigured.url}${WEBHOOK_PATH}`, {
        method: "POST", headers: { "content-type": "application/json", "webhook-id": delivery.headers["webhook-id"],
          "webhook-timestamp": delivery.headers["webhook-timestamp"], "webhook-signature": delivery.headers["webhook-signature"] },
        body: delivery.body,
      });
      assert.equal(response.status, 500);
      assert.deepEqual(await response.json(), { error: "webhook receiver not configured" });
      const log = fs.readFileSync(path.join(artifacts, "next-start-no-secret.log"), "utf8");
      assert.match(log, /WEBHOOK_SECRET is not set/);
      const empty = new Database(bare, { readonly: true });
      assert.equal(empty.prepare("SELECT COUNT(*) AS n FROM jobs").get().n, 0);
      empty.close();
    } finally {
      unconfigured.stop();
    }
  });

  test("recovery after expiry: an expired URL in the page makes the player fetch once and resume", async () => {
    const [late] = videoRows(LATE);
    await waitFor(`the one-minute URL of ${LATE} to expire`, () => Date.now() > Date.parse(late.file_url_expires_at) + 1000, 120);
    assert.equal((await fetch(late.file_url)).status, 403, "S3 refuses the expired URL");

    // The URL API is down while the page renders: the page gets the stored, expired URL.
    api.clear();
    api.failNext(1, 503);
    const refetches = [];
    const media = [];
    const answers = new Map();
    page.on("request", (request) => {
      if (request.url().includes(`/api/videos/${LATE}/result`)) refetches.push(request.url());
      if (request.url().includes(`/${LATE}/clip.mp4`)) media.push(request.url());
    });
    page.on("response", (response) => answers.set(response.url(), response.status()));
    await page.goto(`${app.url}/videos/${LATE}?t=1.5`);

    await page.waitForFunction(() => {
      const v = document.querySelector("video");
      return v && v.readyState >= HTMLMediaElement.HAVE_METADATA && v.currentTime >= 1.4;
    });
    const resumed = await page.$eval("video", (v) => v.currentTime);
    await playsEveryVideo(1, { from: resumed });

    assert.ok(resumed >= 1.4 && resumed < 2, `resumed at the position the page asked for, got ${resumed}`);
    assert.equal(refetches.length, 1, `one refetch: ${refetches}`);
    assert.ok(refetches[0].endsWith("?refresh=1"));
    assert.equal(media[0], late.file_url, "the page first asked for the expired URL");
    assert.ok(media.length > 1 && media.slice(1).every((url) => url !== late.file_url), "then for others only");
    assert.ok([200, 206].includes(answers.get(media.at(-1))), `the fresh URL answered ${answers.get(media.at(-1))}`);
    assert.deepEqual(batchCalls().map((call) => [call.status, call.injected ?? false]), [[503, true], [200, false]]);
    const [fresh] = videoRows(LATE);
    assert.equal(await page.$eval("video", (v) => v.currentSrc), fresh.file_url);
    assert.ok(Date.parse(fresh.file_url_expires_at) > Date.now() + 5 * 60_000);
    await page.screenshot({ path: path.join(artifacts, "video-page-recovered.png") });
  });
});
