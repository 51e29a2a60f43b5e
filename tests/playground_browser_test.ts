/**
 * The playground in a real browser: Debian's Chromium, driven by
 * puppeteer-core. With PLAYGROUND_SCREENSHOTS=docs/ it also writes the
 * screenshots of the README.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
// A test-only tool: kept out of deno.json, which the published package carries.
// deno-lint-ignore no-import-prefix
import puppeteer, { type Browser, type Page } from "npm:puppeteer-core@25";
import type { BotHandler } from "../mod.ts";
import { startPlayground } from "../playground.ts";
import demoBot from "../examples/demo_bot.ts";
import cardBot from "../examples/card_bot.ts";

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = await Deno.stat(CHROMIUM).then(() => true, () => false);
const SHOTS = Deno.env.get("PLAYGROUND_SCREENSHOTS");
// A loaded machine runs two browsers and a dozen test files at once.
const WAIT = { timeout: 30_000 };

// The demo bot, the card bot's card on "card" and its answer to a submit,
// and a card with markdown (and html that must stay text) in its text.
const bot: BotHandler = async (event, space) => {
  if (event.type === "message" && event.text === "markdown card") {
    return void await space.postMessage({
      id: event.channelId!,
      text: "A card with markdown",
      card: {
        type: "AdaptiveCard",
        version: "1.3",
        body: [{
          type: "TextBlock",
          text: "**bold** in a card, <b>not html</b>",
        }],
      },
    });
  }
  if (
    event.type === "action" ||
    (event.type === "message" && event.text === "card")
  ) {
    return await cardBot(event, space);
  }
  return await demoBot.handle(event, space);
};

async function launch(): Promise<{ browser: Browser; profile: string }> {
  const profile = await Deno.makeTempDir({ prefix: "playground-chromium-" });
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--headless",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      `--user-data-dir=${profile}`,
    ],
  });
  return { browser, profile };
}

/** Writes in the composer and sends with Enter, as a keyboard user does. */
async function say(page: Page, text: string): Promise<void> {
  await page.focus("#text");
  await page.keyboard.type(text);
  await page.keyboard.press("Enter");
}

/** Waits for a message of the bot whose text includes `text`; returns whether it sits in a thread. */
function botSays(page: Page, text: string): Promise<unknown> {
  // A string, run in the page: the tests are type-checked without the DOM.
  return page.waitForFunction(
    `[...document.querySelectorAll(".message.from-bot > .body")]
      .some((body) => body.textContent.includes(${JSON.stringify(text)}))`,
    WAIT,
  );
}

async function shoot(page: Page, name: string): Promise<void> {
  if (!SHOTS) return;
  await Deno.mkdir(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, name) as `${string}.png` });
}

Deno.test({
  name:
    "playground in Chromium: write as Alice, see the bot answer, submit its card, attach a file, add Carol",
  ignore: !hasChromium,
  // puppeteer keeps pipes and timers of its own until the browser is gone.
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await using playground = await startPlayground({ bot });
    const { browser, profile } = await launch();
    const upload = await Deno.makeTempDir({ prefix: "playground-upload-" });
    const page = await browser.newPage();
    try {
      await page.setViewport({ width: 1280, height: 800 });
      await page.goto(playground.url);
      await page.waitForSelector("body[data-ready=true]", WAIT);
      assert.equal(
        await page.$eval("#room-title", (node) => node.textContent),
        "# Playground",
      );
      assert.equal(
        await page.$eval("#me option:checked", (node) => node.textContent),
        "Alice",
      );

      // Alice mentions the bot, as a Webex client does in a group room.
      await say(page, "hello");
      await botSays(page, "Hello!");
      const mine = await page.$$eval(
        ".message:not(.from-bot) > .body",
        (bodies) => bodies.map((body) => body.innerHTML),
      );
      assert.match(mine[0], /<span class="mention">Shelly<\/span> hello/);

      // Markdown is rendered from the service's html, scripts are not.
      await say(page, "echo **bold**, `code` and <img src=x onerror=alert(1)>");
      await botSays(page, "bold, code and");
      const rendered = await page.$$eval(
        ".message:not(.from-bot) > .body",
        (bodies) => bodies.map((body) => body.innerHTML),
      );
      assert.match(rendered[1], /<strong>bold<\/strong>, <code>code<\/code>/);
      assert.equal(await page.$(".body img"), null);

      // The card, rendered by the Adaptive Cards renderer, submitted for real.
      await say(page, "card");
      await page.waitForSelector(".card .ac-adaptiveCard input", WAIT);
      await page.type(".card .ac-adaptiveCard input", "Ada");
      const send = await page.waitForSelector(
        "::-p-xpath(//*[contains(@class,'card')]//button[.//text()[contains(., 'Send')]])",
        WAIT,
      );
      await send!.click();
      await botSays(page, "Nice to meet you, Ada!");
      const threaded = await page.$$eval(
        ".thread .message.from-bot > .body",
        (bodies) => bodies.map((body) => body.textContent),
      );
      assert.ok(
        threaded.some((text) => text?.includes("Nice to meet you, Ada!")),
      );
      await shoot(page, "playground.png");

      // Card text is markdown, rendered as safely as messages are.
      await say(page, "markdown card");
      const strong = await page.waitForSelector(".card strong", WAIT);
      assert.equal(await strong!.evaluate((node) => node.textContent), "bold");
      const block = await strong!.evaluate((node) =>
        node.parentElement?.textContent
      );
      assert.equal(block, "bold in a card, <b>not html</b>");
      assert.equal(await page.$(".card b"), null);

      // A file, attached from the composer, listed with its size and served.
      const path = join(upload, "notes.txt");
      await Deno.writeTextFile(path, "twelve bytes");
      const input = await page.waitForSelector("#file", WAIT);
      await (input as unknown as { uploadFile(path: string): Promise<void> })
        .uploadFile(path);
      await page.click("#send");
      const link = await page.waitForSelector(".files a", WAIT);
      assert.equal(
        await link!.evaluate((node) => node.textContent),
        "notes.txt",
      );
      const listed = await page.$eval(".files li", (node) => node.textContent);
      assert.match(listed ?? "", /\(12 B, text\/plain/);
      const href = await link!.evaluate((node) => node.getAttribute("href"));
      const download = await fetch(new URL(href!, playground.url));
      assert.equal(await download.text(), "twelve bytes");
      assert.match(
        download.headers.get("content-disposition") ?? "",
        /notes\.txt/,
      );
      // The demo bot describes the file's message.
      await botSays(page, "Received a message");

      // Carol joins: the bot hears the membership event.
      await page.select("#add-who", playground.people[2].id);
      await page.click("#add-person button");
      await botSays(page, "joined");
      await page.waitForFunction(
        `document.querySelector("#members").textContent.includes("Carol")`,
        WAIT,
      );

      // The wire panel shows the deliveries and the bot's calls.
      const wire = await page.$eval("#wire", (node) => node.textContent ?? "");
      assert.match(wire, /event POST \/hook/);
      assert.match(wire, /messages created/);
      assert.match(wire, /attachmentActions created/);
      assert.match(wire, /api POST \/v1\/messages 200/);
      // The raw body of the latest delivery, for the README's picture.
      await page.click("#wire details summary");
      await shoot(page, "playground-wire.png");
    } catch (error) {
      // What the page showed, to tell a slow bot from a wrong page.
      const shown = await page.$eval("main", (node) => node.textContent)
        .catch(() => "(no page)");
      console.error(`The page showed: ${shown?.replace(/\s+/g, " ")}`);
      throw error;
    } finally {
      await browser.close();
      await Deno.remove(profile, { recursive: true }).catch(() => {});
      await Deno.remove(upload, { recursive: true });
    }
  },
});
