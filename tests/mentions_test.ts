import assert from "node:assert/strict";
import { addressedText } from "../spaces/webex/_mentions.ts";

const bot = btoa("ciscospark://us/PEOPLE/11111111-2222-3333-4444-555555555555");
const alice = btoa(
  "ciscospark://us/PEOPLE/aaaaaaaa-2222-3333-4444-555555555555",
);

/** Webex's mark of a mention of `id`, shown as `name`. */
const mention = (id: string, name: string) =>
  `<spark-mention data-object-type="person" data-object-id="${id}">${name}</spark-mention>`;

Deno.test("the bot's leading mention goes from text and html after any opening tags", () => {
  const cases: [string, string, string, string][] = [
    // text, html, text left, html left
    ["Shelly hi", `<p>${mention(bot, "Shelly")} hi</p>`, "hi", "<p>hi</p>"],
    [
      "Shelly hi",
      `<p dir="auto">${mention(bot, "Shelly")} hi</p>`,
      "hi",
      `<p dir="auto">hi</p>`,
    ],
    [
      "Shelly hi",
      `<div>${mention(bot, "Shelly")} hi</div>`,
      "hi",
      "<div>hi</div>",
    ],
    [
      "Shelly hi",
      ` <div class="x">\n <p>&nbsp;${
        mention(bot, "Shelly")
      }&nbsp; hi</p></div>`,
      "hi",
      `<div class="x"><p>hi</p></div>`,
    ],
    [
      "Shelly\u00a0hi",
      `<p>${mention(bot, "Shelly")}&nbsp;hi</p>`,
      "hi",
      "<p>hi</p>",
    ],
    [
      "Shelly hi",
      `<p>${mention(bot, "Shelly")}&#160;hi</p>`,
      "hi",
      "<p>hi</p>",
    ],
    ["Shelly hi", `${mention(bot, "Shelly")} hi`, "hi", "hi"],
    ["Shelly hi", `<br/>${mention(bot, "Shelly")} hi`, "hi", "<br/>hi"],
  ];
  for (const [text, html, left, htmlLeft] of cases) {
    assert.deepEqual(addressedText(text, html, bot), {
      text: left,
      html: htmlLeft,
    }, html);
  }
});

Deno.test("mentions of others, and the bot's after other words, stay", () => {
  const unchanged: [string, string][] = [
    [
      "Alice Shelly hi",
      `<p>${mention(alice, "Alice")} ${mention(bot, "Shelly")} hi</p>`,
    ],
    ["Alice hi", `<p dir="auto">${mention(alice, "Alice")} hi</p>`],
    ["Alice hi", `<div>&nbsp;${mention(alice, "Alice")} hi</div>`],
    ["hi Shelly", `<p>hi ${mention(bot, "Shelly")}</p>`],
    ["Shelly hi", `<p>Shelly hi</p>`],
    // A closing tag is not skipped: the mention is not the message's start.
    ["x Shelly hi", `<p>x</p><p>${mention(bot, "Shelly")} hi</p>`],
    // The html names the bot but the text does not start with the name.
    ["Shellyfish hi", `<p>${mention(bot, "Shelly Bot")} hi</p>`],
  ];
  for (const [text, html] of unchanged) {
    assert.deepEqual(addressedText(text, html, bot), { text, html }, html);
  }
});

Deno.test("an unfinished tag or mention leaves the message as it is", () => {
  for (
    const html of [
      `<p><spark-mention${" a".repeat(50_000)}`,
      `<p dir="auto"${" a".repeat(50_000)}`,
      `<p${"<p a".repeat(50_000)}`,
      `${"&nbsp;".repeat(50_000)}<p`,
    ]
  ) {
    assert.deepEqual(addressedText("x", html, bot), { text: "x", html });
  }
});
