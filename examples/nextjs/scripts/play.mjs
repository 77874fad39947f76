// node scripts/play.mjs URL: opens the page in headless Chromium (CHROMIUM, default /usr/bin/chromium), waits until
// every <video> on it has played half a second, and says so; exit status 1 if that does not happen within 60 s.
import { chromium } from "playwright-core";

const url = process.argv[2];
if (!url) {
  console.error("usage: node scripts/play.mjs PAGE_URL");
  process.exit(2);
}
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--no-first-run", "--autoplay-policy=no-user-gesture-required"],
});
try {
  const page = await browser.newPage();
  await page.goto(url);
  await page.waitForFunction(() => {
    const videos = [...document.querySelectorAll("video")];
    return videos.length > 0 && videos.every((v) => v.readyState >= HTMLMediaElement.HAVE_METADATA && v.duration > 0);
  }, null, { timeout: 60_000 });
  await page.$$eval("video", (videos) => Promise.all(videos.map((v) => {
    v.muted = true;
    return v.play();
  })));
  await page.waitForFunction(() => [...document.querySelectorAll("video")].every((v) => v.currentTime > 0.5),
    null, { timeout: 60_000 });
  const played = await page.$$eval("video", (videos) => videos.map((v) => `${v.dataset.s3Key} (${v.duration.toFixed(1)} s)`));
  console.log(`playing in Chromium: ${played.join(", ")}`);
} catch (error) {
  console.error(`the page did not play: ${error.message.split("\n")[0]}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
