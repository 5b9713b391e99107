import { afterEach, beforeEach } from "vitest";

import { assertNoConsoleErrors, trapConsoleErrors } from "./console";

// An unexpected console.error is a failure: it usually means a swallowed bug.
beforeEach(trapConsoleErrors);
afterEach(assertNoConsoleErrors);
