import assert from "node:assert/strict";
import { ApiError, NetworkError } from "../spaces/errors.ts";
import {
  abortable,
  abortableSleep,
  backoffDelay,
  isPermanentRefusal,
  isRetryableStatus,
  isTransient,
  MAX_RETRY_DELAY,
  parseRetryAfter,
  retryDelay,
  retrying,
  sleep,
} from "../spaces/retry.ts";

const apiError = (status: number, retryAfter?: number) =>
  new ApiError({ status, method: "GET", path: "/x", retryAfter });
const networkError = () =>
  new NetworkError({ method: "GET", path: "/x", cause: new TypeError("no") });

Deno.test("isRetryableStatus retries 429 always, 423/502/503/504 when idempotent", () => {
  for (const method of ["GET", "HEAD", "PUT", "DELETE", "OPTIONS", "POST"]) {
    assert.equal(isRetryableStatus(method, 429), true, method);
  }
  for (const status of [423, 502, 503, 504]) {
    assert.equal(isRetryableStatus("GET", status), true, `GET ${status}`);
    assert.equal(isRetryableStatus("get", status), true, `get ${status}`);
    assert.equal(isRetryableStatus("PUT", status), true, `PUT ${status}`);
    assert.equal(isRetryableStatus("POST", status), false, `POST ${status}`);
    assert.equal(isRetryableStatus("PATCH", status), false, `PATCH ${status}`);
  }
  for (const status of [400, 401, 404, 408, 409, 410, 500, 501]) {
    assert.equal(isRetryableStatus("GET", status), false, String(status));
  }
});

Deno.test("isTransient: one request follows the method, a whole operation does not", () => {
  assert.equal(isTransient(networkError(), "GET"), true);
  assert.equal(isTransient(networkError(), "POST"), false);
  assert.equal(isTransient(apiError(503), "POST"), false);
  assert.equal(isTransient(apiError(429), "POST"), true);
  assert.equal(isTransient(apiError(500), "GET"), false);
  // A handler that runs again decides afresh what to send.
  for (const status of [423, 429, 500, 502, 503, 504, 599]) {
    assert.equal(isTransient(apiError(status)), true, String(status));
  }
  assert.equal(isTransient(networkError()), true);
  for (const status of [400, 401, 403, 404, 408, 410]) {
    assert.equal(isTransient(apiError(status)), false, String(status));
  }
  assert.equal(isTransient(new TypeError("a bug")), false);
  assert.equal(isTransient(new TypeError("a bug"), "GET"), false);
});

Deno.test("isPermanentRefusal: a 4xx other than 408 and the transient ones", () => {
  for (const status of [400, 401, 403, 404, 409, 410, 415]) {
    assert.equal(isPermanentRefusal(apiError(status)), true, String(status));
  }
  for (const status of [408, 423, 429, 500, 503]) {
    assert.equal(isPermanentRefusal(apiError(status)), false, String(status));
  }
  assert.equal(isPermanentRefusal(networkError()), false);
  assert.equal(isPermanentRefusal(new Error("404")), false);
});

Deno.test("parseRetryAfter reads seconds and HTTP dates, in ms", () => {
  const now = Date.parse("Wed, 21 Oct 2015 07:28:00 GMT");
  assert.equal(parseRetryAfter(null, { now }), undefined);
  assert.equal(parseRetryAfter(undefined, { now }), undefined);
  assert.equal(parseRetryAfter("25", { now }), 25_000);
  assert.equal(parseRetryAfter(" 0 ", { now }), 0);
  assert.equal(
    parseRetryAfter("Wed, 21 Oct 2015 07:28:30 GMT", { now }),
    30_000,
  );
  assert.equal(parseRetryAfter("Wed, 21 Oct 2015 07:27:00 GMT", { now }), 0);
  assert.equal(parseRetryAfter("1.5", { now }), undefined);
  assert.equal(parseRetryAfter("-3", { now }), undefined);
  assert.equal(parseRetryAfter("soon", { now }), undefined);
});

Deno.test("parseRetryAfter caps the wait when asked", () => {
  const now = Date.parse("Wed, 21 Oct 2015 07:28:00 GMT");
  assert.equal(parseRetryAfter("3600", { max: MAX_RETRY_DELAY }), 60_000);
  assert.equal(parseRetryAfter("30", { max: MAX_RETRY_DELAY }), 30_000);
  assert.equal(
    parseRetryAfter("Thu, 22 Oct 2015 07:28:00 GMT", { now, max: 5_000 }),
    5_000,
  );
  assert.equal(parseRetryAfter("3600"), 3_600_000, "no cap unless asked");
});

Deno.test("backoffDelay grows, is capped, and keeps a random half", () => {
  const backoff = { base: 500, max: 30_000 };
  assert.equal(backoffDelay(1, backoff, () => 0), 250);
  assert.equal(backoffDelay(1, backoff, () => 1), 500);
  assert.equal(backoffDelay(3, backoff, () => 1), 2_000);
  assert.equal(backoffDelay(20, backoff, () => 1), 30_000);
  assert.equal(backoffDelay(20, backoff, () => 0), 15_000);
  assert.equal(backoffDelay(3, { ...backoff, factor: 3 }, () => 1), 4_500);
});

Deno.test("backoffDelay's jitter stays within half the ceiling and the ceiling", () => {
  const backoff = { base: 100, max: 10_000 };
  for (let retry = 1; retry <= 12; retry++) {
    const ceiling = Math.min(10_000, 100 * 2 ** (retry - 1));
    for (let draw = 0; draw < 50; draw++) {
      const delay = backoffDelay(retry, backoff);
      assert.ok(
        delay >= ceiling / 2 && delay <= ceiling,
        `retry ${retry}: ${delay} outside [${ceiling / 2}, ${ceiling}]`,
      );
    }
  }
});

Deno.test("retryDelay takes the server's wait, capped, else the backoff", () => {
  const backoff = { base: 1_000, max: 8_000 };
  const one = () => 1;
  assert.equal(retryDelay(apiError(429, 2_000), 1, backoff), 2_000);
  assert.equal(retryDelay(apiError(429, 0), 5, backoff), 0);
  assert.equal(retryDelay(apiError(429, 3_600_000), 1, backoff), 60_000);
  assert.equal(
    retryDelay(apiError(429, 3_600_000), 1, backoff, { maxRetryAfter: 5 }),
    5,
  );
  assert.equal(retryDelay(apiError(503), 2, backoff, { random: one }), 2_000);
  assert.equal(retryDelay(networkError(), 9, backoff, { random: one }), 8_000);
});

Deno.test("retrying tries again while the rule allows, then throws the last error", async () => {
  let calls = 0;
  const waits: number[] = [];
  const failing = () => {
    calls++;
    throw apiError(429, 0);
  };
  await assert.rejects(
    retrying(failing, {
      attempts: 4,
      when: (error) => isTransient(error),
      backoff: { base: 1, max: 1 },
      onRetry: (_error, wait) => waits.push(wait),
    }),
    (error) => error instanceof ApiError && error.status === 429,
  );
  assert.equal(calls, 4);
  assert.deepEqual(waits, [0, 0, 0]);

  calls = 0;
  await assert.rejects(
    retrying(() => {
      calls++;
      throw new TypeError("a bug");
    }, {
      attempts: 4,
      when: (error) => isTransient(error),
      backoff: { base: 1, max: 1 },
    }),
    TypeError,
  );
  assert.equal(calls, 1, "a bug is not tried again");
});

Deno.test("retrying ends its wait on abort and throws the operation's error", async () => {
  const controller = new AbortController();
  let calls = 0;
  const failure = apiError(503);
  await assert.rejects(
    retrying(() => {
      calls++;
      throw failure;
    }, {
      attempts: 5,
      when: () => true,
      // An hour: only the abort can end this wait.
      backoff: { base: 3_600_000, max: 3_600_000 },
      onRetry: () => controller.abort(new Error("stopping")),
      signal: controller.signal,
    }),
    (error) => error === failure,
  );
  assert.equal(calls, 1);
});

Deno.test("abortableSleep rejects with the signal's reason, at once or later", async () => {
  const reason = new Error("stop");
  await assert.rejects(
    abortableSleep(3_600_000, AbortSignal.abort(reason)),
    (error) => error === reason,
  );
  const controller = new AbortController();
  const waiting = abortableSleep(3_600_000, controller.signal);
  controller.abort(reason);
  await assert.rejects(waiting, (error) => error === reason);
  await abortableSleep(0);
});

Deno.test("sleep tells an elapsed wait from an aborted one", async () => {
  assert.equal(await sleep(0), true);
  assert.equal(await sleep(3_600_000, AbortSignal.abort()), false);
  const controller = new AbortController();
  const waiting = sleep(3_600_000, controller.signal);
  controller.abort();
  assert.equal(await waiting, false);
});

Deno.test("abortable ends a wait on abort, by rejecting or with onAbort's value; the promise goes on", async () => {
  const pending = Promise.withResolvers<string>();
  const controller = new AbortController();
  const reason = new Error("stop");
  const waiting = abortable(pending.promise, controller.signal);
  const racing = abortable(pending.promise, controller.signal, () => undefined);
  controller.abort(reason);
  await assert.rejects(waiting, (error) => error === reason);
  assert.equal(await racing, undefined);
  pending.resolve("later");
  assert.equal(await pending.promise, "later");

  assert.equal(await abortable(Promise.resolve(1)), 1);
  assert.equal(
    await abortable(
      Promise.resolve(2),
      new AbortController().signal,
      () => undefined,
    ),
    2,
  );
  await assert.rejects(
    abortable(
      Promise.reject(new Error("own")),
      new AbortController().signal,
      () => undefined,
    ),
    /own/,
  );
  assert.equal(
    await abortable(pending.promise, controller.signal, String),
    "Error: stop",
  );
});
