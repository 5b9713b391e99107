/**
 * `next` values known to turn a "send them back where they came from" parameter into an
 * open redirect, one of each kind: other origins written every way browsers and URL parsers
 * accept, dot segments that collapse into "//", encodings that decode into "/" or "\", and
 * control characters or spaces that parsers drop. The browser tests sign in with each.
 */
export const OPEN_REDIRECT_CORE_FORMS: readonly string[] = [
  "//evil.example",
  "///evil.example",
  "/\\evil.example",
  "/\\/evil.example",
  "\\\\evil.example",
  "/%2F%2Fevil.example",
  "%2F%2Fevil.example",
  "/%5Cevil.example",
  "/.//evil.example",
  "/..//evil.example",
  "/./%5Cevil.example",
  "/tasks/..//evil.example/x",
  "/tasks/../\\evil.example",
  "/%2e%2e//evil.example",
  "https://evil.example",
  "http:evil.example",
  "javascript:alert(1)",
  "//evil.example@app",
  "/\t/evil.example",
  "/%09/evil.example",
  "/%0d%0a//evil.example",
  " //evil.example",
];

/** The core forms and more variants of them: for the unit and server tests, where each costs little. */
export const OPEN_REDIRECT_FORMS: readonly string[] = [
  ...OPEN_REDIRECT_CORE_FORMS,
  "//evil.example/tasks",
  "////evil.example",
  "/%2f%2fevil.example",
  "/%5C%5Cevil.example",
  "/%252F%252Fevil.example",
  "/tasks/%2e%2e/%2e//evil.example",
  "/%2E//evil.example",
  "/..;//evil.example",
  "HTTPS://evil.example/tasks",
  "http:/evil.example",
  "data:text/html,<script>alert(1)</script>",
  "//app@evil.example",
  "/\n/evil.example",
  "/\r\n//evil.example",
  "/ /evil.example",
  "\u0000//evil.example",
  "//evil%E3%80%82example",
];
