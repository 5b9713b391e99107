import fc from "fast-check";
import superjson from "superjson";
import { afterEach, expect, test, vi } from "vitest";

import { isoString, serializeOutput } from "./transformer";

afterEach(() => vi.restoreAllMocks());

const task = (index: number) => ({
  id: `00000000-0000-4000-8000-${String(index).padStart(12, "0")}`,
  title: `Task ${index}`,
  description: index % 2 ? null : "notes",
  completed: index % 3 === 0,
  dueAt: index % 4 ? null : new Date(Date.UTC(2026, 0, index + 1)),
  createdAt: new Date(Date.UTC(2026, 5, 1, 0, 0, index)),
  updatedAt: new Date(Date.UTC(2026, 5, 2, 0, 0, index)),
  version: index + 1,
});

test("a page of tasks is encoded exactly as superjson encodes it, without superjson's walker", () => {
  const page = { items: Array.from({ length: 50 }, (_, index) => task(index)), nextCursor: "abc" };
  const expected = JSON.stringify(superjson.serialize(page));
  const general = vi.spyOn(superjson, "serialize");
  const encoded = serializeOutput(page);
  expect(general).not.toHaveBeenCalled();
  expect(JSON.stringify(encoded)).toBe(expected);
  expect(superjson.deserialize(encoded)).toEqual(page);
});

test.each([
  ["an index leaf after a nested annotation", { first: [[undefined], new Date(0)], second: "" }],
  ["an index-like object key after a nested one", { "1": [undefined], "2": new Date(0), b: new Date(1) }],
  ["a leaf at the empty key and below it", { "": { "": new Date(0), a: undefined } }],
])("annotations come in superjson's order: %s", (_label, input) => {
  expect(JSON.stringify(serializeOutput(input))).toBe(JSON.stringify(superjson.serialize(input)));
});

// Values of every kind superjson knows, nested, with keys that need escaping and with
// objects shared between places (which superjson records as referential equalities).
const leaf = fc.oneof(
  fc.string(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.integer(),
  fc.double(),
  fc.date({ noInvalidDate: false }),
  fc.bigInt(),
  fc.constantFrom(new Map([[1, 2]]), new Set(["x"]), /re/g, new Error("boom"), new URL("https://example.com/")),
);
const key = fc.oneof(fc.string(), fc.constantFrom("a.b", "a\\b", "\\.", "0", "__proto__", "constructor"));
const { value } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: "small", withCrossShrink: true }, leaf, tie("array"), tie("object")),
  array: fc.array(tie("value"), { maxLength: 5 }),
  object: fc.dictionary(key, tie("value"), { maxKeys: 5 }),
}));
const withSharing = fc.tuple(value, value, fc.boolean()).map(([first, second, share]) => {
  const shared = { when: new Date(0) };
  return share ? { first, second, a: shared, b: shared } : { first, second };
});

test.each([
  ["any value", fc.oneof(value, withSharing)],
  ["any object or array at the top", fc.oneof(fc.array(value), fc.dictionary(key, value), withSharing)],
])("%s is encoded byte for byte as superjson encodes it, or refused alike", (_label, values) => {
  fc.assert(
    fc.property(values, (input) => {
      const encode = (serialize: (input: unknown) => unknown) => {
        try {
          return JSON.stringify(serialize(input));
        } catch (error) {
          return `throws ${(error as Error).message}`;
        }
      };
      expect(encode(serializeOutput)).toBe(encode((input) => superjson.serialize(input)));
    }),
    { numRuns: 2000 },
  );
});

// What the procedures return, with keys that need escaping: superjson's walker is never needed.
const plainLeaf = fc.oneof(fc.string(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.integer(), fc.date());
const refusedKeys = new Set(["__proto__", "constructor", "prototype"]); // superjson throws on these
const plainKey = fc.oneof(
  fc.string().filter((key) => !refusedKeys.has(key)),
  fc.constantFrom("a.b", "a\\b", "\\.", "createdAt"),
);
const { plain } = fc.letrec((tie) => ({
  plain: fc.oneof({ depthSize: "small", withCrossShrink: true }, plainLeaf, tie("plainArray"), tie("plainObject")),
  plainArray: fc.array(tie("plain"), { maxLength: 5 }),
  plainObject: fc.dictionary(plainKey, tie("plain"), { maxKeys: 5 }),
}));

test("plain data is encoded byte for byte as superjson encodes it, and the input is left as it was", () => {
  fc.assert(
    fc.property(fc.oneof(fc.array(plain), fc.dictionary(plainKey, plain)), (input) => {
      const before = superjson.stringify(input);
      expect(JSON.stringify(serializeOutput(input))).toBe(JSON.stringify(superjson.serialize(input)));
      expect(superjson.stringify(input)).toBe(before);
    }),
    { numRuns: 2000 },
  );
});

test("a date is written as toISOString writes it, over every year and at the edges", () => {
  const edges = [-62_167_219_200_001, -62_167_219_200_000, -1, 0, 951_782_399_999, 951_782_400_000, 253_402_300_799_999, 253_402_300_800_000, 8.64e15, -8.64e15];
  for (const time of edges) expect(isoString(new Date(time))).toBe(new Date(time).toISOString());
  fc.assert(
    fc.property(fc.date({ noInvalidDate: true }), (date) => {
      expect(isoString(date)).toBe(date.toISOString());
    }),
    { numRuns: 20_000 },
  );
});
