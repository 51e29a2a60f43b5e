import assert from "node:assert/strict";
import { socketFixture } from "./_socket_fixture.ts";

const fellBack = (logs: string[]) =>
  logs.filter((line) => line.includes("polling instead"));

Deno.test("socket: a 4000 'replaced' close makes the space poll, and the bot still answers", async () => {
  await using f = await socketFixture();
  await f.connected();
  f.webex.socket.closeAll(4000, "replaced");
  await f.logged(/polling instead/);
  f.say("still there?");
  assert.equal(await f.nextText(), "still there?");
  assert.equal(f.webex.socket.connects, 1);
  assert.equal(fellBack(f.logs).length, 1);
  assert.match(fellBack(f.logs)[0], /closed with 4000 'replaced'/);
  // Another connection took the device: it is left to it.
  await f.stop();
  assert.equal(f.webex.socket.devices().length, 1);
});

Deno.test("socket: when the region catalog fails the space polls, then takes the socket when it works again", async () => {
  await using f = await socketFixture({
    before: (webex) => webex.socket.failCatalog(503),
    socket: { retryAfter: 1_000 },
  });
  f.say("polled");
  assert.equal(await f.nextText(), "polled");
  assert.equal(f.webex.socket.connects, 0);
  assert.match(fellBack(f.logs)[0], /region or device step failed/);
  f.webex.socket.failCatalog(false);
  await f.connected();
  f.say("pushed");
  assert.equal(await f.nextText(), "pushed");
  assert.equal(f.ears.size, 0);
});

Deno.test("socket: a socket that never becomes ready makes the space poll", async () => {
  await using f = await socketFixture({
    before: (webex) => webex.socket.holdReady(),
    socket: { readyTimeout: 1_000, maxFailures: 2 },
  });
  f.say("anyone?");
  assert.equal(await f.nextText(), "anyone?");
  await f.webex.socket.waitFor(() => f.webex.socket.connects >= 2);
  await f.logged(/polling instead/);
  assert.match(
    fellBack(f.logs)[0],
    /not ready within 1000 ms', 2 times in a row/,
  );
  assert.equal(f.ears.size, 0);
});

Deno.test("socket: with a stale device URL it registers a new device and goes on", async () => {
  await using f = await socketFixture();
  await f.connected();
  const [first] = f.webex.socket.devices();
  f.webex.socket.expireDevices();
  await f.connected(2);
  const devices = f.webex.socket.devices();
  assert.equal(devices.length, 1);
  assert.notEqual(devices[0].id, first.id);
  f.say("new device");
  assert.equal(await f.nextText(), "new device");
  assert.equal(fellBack(f.logs).length, 0);
  assert.ok(f.logs.some((line) => line.includes("registering a new one")));
});

Deno.test("socket: 'excessive device registrations' deletes the oldest third and registers", async () => {
  await using f = await socketFixture({
    before: (webex) => {
      webex.socket.deviceLimit = 3;
      for (const name of ["phone", "laptop", "tablet"]) {
        webex.socket.registerDevice(webex.bot, name);
      }
    },
  });
  await f.connected();
  const names = f.webex.socket.devices().map((device) => device.name);
  assert.deepEqual(names, ["laptop", "tablet", "shellbot-spaces"]);
  f.say("room for me");
  assert.equal(await f.nextText(), "room for me");
});

Deno.test("socket: a device of the same name is reused, not registered again", async () => {
  await using f = await socketFixture({
    before: (webex) =>
      void webex.socket.registerDevice(webex.bot, "shellbot-spaces"),
  });
  await f.connected();
  assert.equal(f.webex.socket.devices().length, 1);
  assert.ok(
    !f.webex.socket.requests.some((request) => request.method === "POST"),
  );
  f.say("reused");
  assert.equal(await f.nextText(), "reused");
});
