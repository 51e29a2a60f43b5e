/**
 * The README's Deploy section, followed literally: its `main.ts` run with
 * its `deno serve` command against a fake Webex; the example `main.ts`
 * with Deno KV; and what `server.ts` says when it cannot start.
 */
import assert from "node:assert/strict";
import { FakeWebex } from "../testing.ts";
import { frontDoor, Output } from "./_program.ts";
import { projectFolder, readmeCommand, readmeFile } from "./_readme.ts";

const SECRET = "test-secret-deploy";
const ROOT = new URL("../", import.meta.url).pathname;

/**
 * Runs `deno serve` with `args` in `cwd` against a fake Webex, and checks
 * that a message in the room gets the bot's answer.
 */
async function serveAndTalk(
  args: string[],
  cwd: string,
  env: Record<string, string>,
  answer: RegExp,
  envFile = `${cwd}/.env`,
  kill: Deno.Signal = "SIGTERM",
) {
  await using webex = await FakeWebex.start();
  const alice = webex.addUser({ email: "alice@acme.com" });
  const room = webex.addRoom({ title: "Ops", members: [alice] });
  const door = frontDoor();
  const api = watchPosts(webex.url);
  const settings: Record<string, string> = {
    WEBEX_API_URL: api.url,
    WEBEX_BOT_TOKEN: webex.bot.token,
    WEBEX_WEBHOOK_SECRET: SECRET,
    SPACE_ROOM: "Ops",
    SERVER_URL: door.url,
  };
  // The README puts the settings in .env, read with --env-file.
  await Deno.writeTextFile(
    envFile,
    Object.entries(settings).map(([k, v]) => `${k}=${v}`).join("\n") + "\n",
  );
  const child = new Deno.Command(Deno.execPath(), {
    args,
    cwd,
    env: { NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderr = new Output(child.stderr, "stderr of deno serve");
  const stdout = new Output(child.stdout, "stdout of deno serve");
  try {
    const [, address] = await stderr.waitFor(
      /Listening on (http:\/\/127\.0\.0\.1:\d+)\//,
    );
    door.forwardTo(address);
    const health = await fetch(`${door.url}/health`);
    assert.equal(health.status, 200);
    await health.body?.cancel();
    webex.simulateMessage({
      from: alice,
      roomId: room.id,
      text: "hello",
      mentions: [webex.bot],
    });
    await api.posted;
    // The delivery of the bot's own message, before the server goes.
    await webex.settled();
    assert.deepEqual(webex.postedByBot().length, 1);
    assert.match(webex.postedByBot()[0].text ?? "", answer);
    assert.ok(webex.deliveries.every((d) => d.ok && d.signature));
  } finally {
    child.kill(kill);
    await child.status;
    await Promise.all([stdout.done, stderr.done]);
    await door.close();
    await api.close();
  }
  assert.equal(stderr.text.includes(webex.bot.token), false);
  return { stdout: stdout.text, stderr: stderr.text };
}

/** The Webex API behind a proxy that tells when the bot posted a message. */
function watchPosts(target: string) {
  const posted = Promise.withResolvers<void>();
  const base = new URL(target);
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    async (request) => {
      const url = new URL(request.url);
      const response = await fetch(
        `${base.origin}${url.pathname}${url.search}`,
        {
          method: request.method,
          headers: request.headers,
          body: request.body,
        },
      );
      if (
        request.method === "POST" && url.pathname.endsWith("/messages") &&
        response.ok
      ) {
        // Resolved once the answer is on its way back to the bot.
        queueMicrotask(() => posted.resolve());
      }
      return response;
    },
  );
  return {
    url: `http://127.0.0.1:${server.addr.port}${base.pathname}`,
    posted: posted.promise,
    close: () => server.shutdown(),
  };
}

/** A README `deno serve` command, on a free port of 127.0.0.1. */
function onFreePort(command: string): string[] {
  const [deno, ...args] = command.replace(
    "--port 8000",
    "--port 0 --host 127.0.0.1",
  )
    .split(" ");
  assert.equal(deno, "deno");
  return args;
}

Deno.test("README Deploy: its main.ts, run with its deno serve command, answers through signed webhooks", async () => {
  const dir = await projectFolder();
  try {
    await Deno.writeTextFile(`${dir}/my_bot.ts`, readmeFile("my_bot.ts"));
    await Deno.writeTextFile(`${dir}/main.ts`, readmeFile("main.ts"));
    const command = readmeCommand(
      "deno serve -A --unstable-kv --env-file=.env --port 8000 main.ts",
    );
    await serveAndTalk(
      onFreePort(command),
      dir,
      {},
      /^You said: hello$/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("README Deploy: deno serve of server.ts runs the bot of SHELLBOT_BOT", async () => {
  const dir = await projectFolder();
  try {
    await Deno.writeTextFile(`${dir}/my_bot.ts`, readmeFile("my_bot.ts"));
    const command = readmeCommand("SHELLBOT_BOT=./my_bot.ts deno serve");
    const [setting, ...rest] = command.split(" ");
    // jsr:@shellbot/spaces/server is this checkout's server.ts here.
    const args = onFreePort(
      rest.join(" ").replace("jsr:@shellbot/spaces/server", `${ROOT}server.ts`),
    );
    const [name, value] = setting.split("=");
    await serveAndTalk(
      args,
      dir,
      { [name]: value },
      /^You said: hello$/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("examples/deploy_main.ts serves its bot with deno serve, through Deno KV", async () => {
  const dir = await Deno.makeTempDir({ prefix: "shellbot-deploy-" });
  try {
    await serveAndTalk(
      [
        "serve",
        "-A",
        `--env-file=${dir}/.env`,
        "--port",
        "0",
        "--host",
        "127.0.0.1",
        "examples/deploy_main.ts",
      ],
      ROOT,
      { DENO_KV_PATH: `${dir}/shellbot.kv` },
      /^You said: hello$/,
      `${dir}/.env`,
      // Known issue: deno serve with a KV queue listening does not exit on
      // SIGTERM or SIGINT (the queue keeps the isolate alive); not this test's.
      "SIGKILL",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

function passThrough(): Record<string, string> {
  const names = ["HOME", "PATH", "DENO_DIR", "XDG_CACHE_HOME"];
  return Object.fromEntries(
    names.flatMap((name) => {
      const value = Deno.env.get(name);
      return value === undefined ? [] : [[name, value]];
    }),
  );
}

/** Runs server.ts as `deno run -A server.ts` with only `env`. */
async function runServer(args: string[], env: Record<string, string>) {
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${ROOT}server.ts`, ...args],
    // Only what Deno needs to find its cache: no setting of the caller's.
    env: { NO_COLOR: "1", ...passThrough(), ...env },
    clearEnv: true,
    stdout: "null",
    stderr: "piped",
  }).output();
  return { code, stderr: new TextDecoder().decode(stderr) };
}

Deno.test("server.ts without SPACE_ROOM says to set it", async () => {
  await using webex = await FakeWebex.start();
  const { code, stderr } = await runServer([], {
    WEBEX_API_URL: webex.url,
    WEBEX_BOT_TOKEN: webex.bot.token,
  });
  assert.equal(code, 1);
  // (Deno itself may warn first that server.ts has a default export.)
  assert.match(stderr, /^Missing setting 'space\.room': set SPACE_ROOM /m);
  assert.equal(stderr.includes(webex.bot.token), false);
});

Deno.test("server.ts on a port in use names the port and the way out", async () => {
  await using webex = await FakeWebex.start();
  using taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = String((taken.addr as Deno.NetAddr).port);
  const { code, stderr } = await runServer(
    ["--hostname", "127.0.0.1", "--port", port],
    {
      WEBEX_API_URL: webex.url,
      WEBEX_BOT_TOKEN: webex.bot.token,
      SPACE_ROOM: "Ops",
    },
  );
  assert.equal(code, 1);
  assert.match(
    stderr,
    new RegExp(
      `^Port ${port} is in use: pass --port <n> or set SERVER_PORT$`,
      "m",
    ),
  );
});
