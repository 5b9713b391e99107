import { expect, test } from "vitest";

import { describeAuthError, describeCodeError, isAppCode, retryAfterSeconds, tryAgainIn } from "./auth-form-errors";

test("a throttled sign-in says how long to wait, from Retry-After, not “a few seconds”", () => {
  expect(describeAuthError({ status: 429, code: "TOO_MANY_REQUESTS" }, 8)).toEqual({ message: "Too many attempts. Try again in 8 seconds." });
  expect(describeAuthError({ status: 429 }, 1).message).toBe("Too many attempts. Try again in 1 second.");
  expect(describeAuthError({ status: 429, code: "ACCOUNT_THROTTLED", message: "Try again in 8 s." }, 8).message).toBe(
    "Too many failed sign-ins for this account. Try again in 8 seconds.",
  );
});

test("without a Retry-After the throttled message stays true and vague", () => {
  expect(describeAuthError({ status: 429 }).message).toBe("Too many attempts. Wait a moment, then try again.");
  const message = "Too many failed sign-ins for this account. Try again in 5 s.";
  expect(describeAuthError({ status: 429, code: "ACCOUNT_THROTTLED", message }).message).toBe(message);
});

test("waits read as seconds, then minutes, then hours, rounded up", () => {
  expect(tryAgainIn(0)).toBe("Try again in 1 second.");
  expect(tryAgainIn(2)).toBe("Try again in 2 seconds.");
  expect(tryAgainIn(90)).toBe("Try again in 90 seconds.");
  expect(tryAgainIn(91)).toBe("Try again in 2 minutes.");
  expect(tryAgainIn(3600)).toBe("Try again in 60 minutes.");
  expect(tryAgainIn(5401)).toBe("Try again in 2 hours.");
  expect(tryAgainIn(null)).toBe("Wait a moment, then try again.");
});

test("Retry-After is read as seconds or as an HTTP date; anything else is no answer", () => {
  const now = Date.parse("2026-12-02T10:00:00Z");
  expect(retryAfterSeconds("8", now)).toBe(8);
  expect(retryAfterSeconds(" 120 ", now)).toBe(120);
  expect(retryAfterSeconds("Wed, 02 Dec 2026 10:00:07 GMT", now)).toBe(7);
  expect(retryAfterSeconds("Wed, 02 Dec 2026 09:59:00 GMT", now)).toBe(0);
  for (const header of [null, undefined, "", "-1", "1.5", "soon"]) expect(retryAfterSeconds(header, now), String(header)).toBeNull();
});

test("six digits go to the authenticator check; anything else is a backup code", () => {
  expect(isAppCode("012345")).toBe(true);
  for (const code of ["12345", "1234567", "abcde-12345", "12 3456"]) expect(isAppCode(code), code).toBe(false);
});

test("a refused code says what went wrong; an expired sign-in asks to start again", () => {
  expect(describeCodeError({ status: 401, code: "INVALID_CODE" }, null)).toEqual({ message: "That code isn’t right. Check the app and try again." });
  expect(describeCodeError({ status: 401, code: "INVALID_BACKUP_CODE" }, null).message).toContain("works only once");
  expect(describeCodeError({ status: 429, code: "ACCOUNT_THROTTLED" }, 4).message).toBe("Too many failed attempts for this account. Try again in 4 seconds.");
  expect(describeCodeError({ status: 401, code: "INVALID_TWO_FACTOR_COOKIE" }, null)).toMatchObject({ restart: true });
  expect(describeCodeError({ status: 400, code: "TOO_MANY_ATTEMPTS_REQUEST_NEW_CODE" }, null)).toMatchObject({ restart: true });
});
