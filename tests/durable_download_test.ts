import assert from "node:assert/strict";
import { Context, SpacesError, WebexSpace } from "../mod.ts";

/** A space whose API is `handler`, on 127.0.0.1 or injected. */
function spaceOn(fetcher: typeof fetch, apiUrl = "http://127.0.0.1:9") {
  return new WebexSpace({
    context: new Context({ space: { room: "Ops", token: "t0ken" } }, {
      env: () => undefined,
    }),
    apiUrl,
    fetch: fetcher,
    clientOptions: { maxAttempts: 1 },
  });
}

/** A chunked body of `chunks` × 64 KiB, with no Content-Length. */
function bomb(chunks: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent++ >= chunks) return controller.close();
      controller.enqueue(new Uint8Array(65_536));
    },
  });
}

async function filesIn(dir: string): Promise<string[]> {
  const names = [];
  for await (const entry of Deno.readDir(dir)) names.push(entry.name);
  return names;
}

Deno.test("a download over maxBytes (no Content-Length, as a size bomb sends it) is cut with a clear error, and nothing is left", async () => {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () =>
      new Response(bomb(64), {
        headers: { "content-disposition": 'attachment; filename="big.bin"' },
      }),
  );
  const dir = await Deno.makeTempDir({ prefix: "shellbot_bomb_" });
  try {
    const url = `http://127.0.0.1:${server.addr.port}/contents/C1`;
    const space = spaceOn(fetch, `http://127.0.0.1:${server.addr.port}`);
    await assert.rejects(
      () => space.downloadAttachment(url, { dir, maxBytes: 1_000_000 }),
      (error: Error) =>
        error instanceof SpacesError &&
        /over the limit of 1000000 bytes/.test(error.message),
    );
    assert.deepEqual(await filesIn(dir), []);
    const stream = await space.getAttachment(url, { maxBytes: 100_000 });
    await assert.rejects(
      () => new Response(stream).arrayBuffer(),
      /over the limit of 100000 bytes/,
    );
  } finally {
    await server.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("an announced size over maxBytes fails before reading; a stream longer than it announced is cut", async () => {
  const dir = await Deno.makeTempDir({ prefix: "shellbot_bomb_" });
  try {
    const announcing = spaceOn(() =>
      Promise.resolve(
        new Response(bomb(4), { headers: { "content-length": "262144" } }),
      )
    );
    await assert.rejects(
      () =>
        announcing.downloadAttachment("http://x/contents/C2", {
          dir,
          maxBytes: 1024,
        }),
      /is 262144 bytes, over the limit of 1024/,
    );
    // HTTP cannot carry it, but a proxy or a broken fetch can: more bytes
    // than the Content-Length said.
    const lying = spaceOn(() =>
      Promise.resolve(
        new Response(bomb(4), { headers: { "content-length": "1024" } }),
      )
    );
    await assert.rejects(
      () => lying.downloadAttachment("http://x/contents/C3", { dir }),
      /brought more than the 1024 bytes it announced/,
    );
    assert.deepEqual(await filesIn(dir), []);
    // Within the limits, the file is there, under its name only.
    const fine = spaceOn(() =>
      Promise.resolve(
        new Response(new Uint8Array(2048), {
          headers: {
            "content-length": "2048",
            "content-disposition": 'attachment; filename="ok.bin"',
          },
        }),
      )
    );
    const path = await fine.downloadAttachment("http://x/contents/C4", {
      dir,
    });
    assert.equal(path, `${dir}/ok.bin`);
    assert.equal((await Deno.stat(path)).size, 2048);
    assert.deepEqual(await filesIn(dir), ["ok.bin"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
