import assert from "node:assert/strict";
import { parseContentDisposition } from "../spaces/webex/content_disposition.ts";

/** The header as `Headers` shows raw UTF-8 bytes: one character per byte. */
function asByteString(text: string): string {
  return String.fromCharCode(...new TextEncoder().encode(text));
}

const CASES: [string | null, { type: string; filename?: string }][] = [
  [`attachment; filename="a b.pdf"`, {
    type: "attachment",
    filename: "a b.pdf",
  }],
  [`attachment; filename=a.pdf`, { type: "attachment", filename: "a.pdf" }],
  [`attachment;filename=a.pdf;size=3`, {
    type: "attachment",
    filename: "a.pdf",
  }],
  [`inline; filename="x.png"`, { type: "inline", filename: "x.png" }],
  [`ATTACHMENT; FileName="Up.PDF"`, { type: "attachment", filename: "Up.PDF" }],
  [`attachment; filename="say \\"hi\\".txt"`, {
    type: "attachment",
    filename: 'say "hi".txt',
  }],
  [`attachment; filename="back\\\\slash.txt"`, {
    type: "attachment",
    filename: "back\\slash.txt",
  }],
  [`attachment; filename="semi;colon.txt"; size=4`, {
    type: "attachment",
    filename: "semi;colon.txt",
  }],
  [`attachment; filename*=UTF-8''na%C3%AFve%20file.txt`, {
    type: "attachment",
    filename: "naïve file.txt",
  }],
  [`attachment; filename*=utf-8'en'%E2%82%AC%20rates.csv`, {
    type: "attachment",
    filename: "€ rates.csv",
  }],
  [`attachment; filename*=ISO-8859-1''caf%E9.txt`, {
    type: "attachment",
    filename: "café.txt",
  }],
  [`attachment; filename="fallback.txt"; filename*=UTF-8''%C3%A9t%C3%A9.txt`, {
    type: "attachment",
    filename: "été.txt",
  }],
  [`attachment; filename*=UTF-8''%C3%A9t%C3%A9.txt; filename="fallback.txt"`, {
    type: "attachment",
    filename: "été.txt",
  }],
  [`attachment; FILENAME*=UTF-8''x%20y.txt`, {
    type: "attachment",
    filename: "x y.txt",
  }],
  // A broken filename* falls back to filename.
  [`attachment; filename="ok.txt"; filename*=UTF-8''bad%ZZ.txt`, {
    type: "attachment",
    filename: "ok.txt",
  }],
  [`attachment; filename="ok.txt"; filename*=UTF-8''%FF%FE.txt`, {
    type: "attachment",
    filename: "ok.txt",
  }],
  [`attachment; filename="ok.txt"; filename*=KOI8-R''%C1.txt`, {
    type: "attachment",
    filename: "ok.txt",
  }],
  [`attachment; filename="ok.txt"; filename*=no-quotes.txt`, {
    type: "attachment",
    filename: "ok.txt",
  }],
  [asByteString(`attachment; filename="naïve.txt"`), {
    type: "attachment",
    filename: "naïve.txt",
  }],
  [`attachment; filename="caf\xe9.txt"`, {
    type: "attachment",
    filename: "caf\xe9.txt",
  }],
  [`filename="no-type.txt"`, { type: "", filename: "no-type.txt" }],
  [`attachment`, { type: "attachment" }],
  [`attachment;`, { type: "attachment" }],
  [`attachment; filename=""`, { type: "attachment" }],
  [`attachment; filename="unterminated.txt`, { type: "attachment" }],
  [`attachment; filename`, { type: "attachment" }],
  [`attachment; =value`, { type: "attachment" }],
  [`attachment; ;;; filename=x.txt`, { type: "attachment", filename: "x.txt" }],
  [`attachment; filename="a.txt"; filename="b.txt"`, {
    type: "attachment",
    filename: "a.txt",
  }],
  ["", { type: "" }],
  ["   ", { type: "" }],
  [";;;", { type: "" }],
  ["%%%\u0000\uffff", { type: "" }],
  ['"quoted type"; filename=x', { type: "" }],
  [null, { type: "" }],
];

Deno.test("parseContentDisposition() reads the table of cases", () => {
  for (const [header, expected] of CASES) {
    assert.deepEqual(
      parseContentDisposition(header),
      expected,
      JSON.stringify(header),
    );
  }
});

Deno.test("parseContentDisposition() reads raw UTF-8 in a real response's header", async () => {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () =>
      new Response("bytes", {
        headers: {
          // Sent as the UTF-8 bytes of the name, as some servers do.
          "content-disposition": asByteString(
            `attachment; filename="plàn.pdf"`,
          ),
        },
      }),
  );
  try {
    const response = await fetch(`http://127.0.0.1:${server.addr.port}/`);
    await response.body?.cancel();
    assert.deepEqual(
      parseContentDisposition(response.headers.get("content-disposition")),
      { type: "attachment", filename: "plàn.pdf" },
    );
  } finally {
    await server.shutdown();
  }
});

Deno.test("parseContentDisposition() never throws on random input", () => {
  let seed = 42;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const alphabet = [..."attachment; filename*=\"'\\%C3%A9UTF-8 \r\n\u0000é日"];
  for (let round = 0; round < 2000; round++) {
    let header = "";
    const length = Math.floor(random() * 60);
    for (let index = 0; index < length; index++) {
      header += alphabet[Math.floor(random() * alphabet.length)];
    }
    const result = parseContentDisposition(header);
    assert.match(result.type, /^[a-z0-9!#$%&'*+.^_`|~-]*$/);
    assert.ok(result.filename === undefined || result.filename !== "");
  }
});
