import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";

import { ESLint } from "eslint";
import { beforeAll, expect, test } from "vitest";

const eslint = new ESLint({ cwd: process.cwd() });

// Type-aware linting loads the whole TypeScript project on its first file: minutes on a busy machine.
beforeAll(() => lintErrors("src/server/auth/auth.ts", "export {};\n", "none"), 300_000);

async function lintErrors(filePath: string, code: string, rule: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((message) => message.ruleId === rule).map((message) => message.message);
}

// The project's lint config is what keeps application code away from Better Auth's tables.
const importsAuthTables = 'import { session } from "@/server/db/schema/auth";\nexport const table = session;\n';
const importsAllTables = 'import { user } from "@/server/db/schema";\nexport const table = user;\n';

test.each([
  ["src/server/tasks/task-repository.ts", importsAuthTables],
  ["src/server/api/trpc.ts", importsAllTables],
  ["src/app/page.tsx", importsAuthTables],
])("lint refuses Better Auth's tables in application code (%s)", async (filePath, code) => {
  expect(await lintErrors(filePath, code, "no-restricted-imports")).toEqual([
    expect.stringContaining("Application code never touches Better Auth's tables"),
  ]);
});

test("lint lets the auth module use Better Auth's tables", async () => {
  expect(await lintErrors("src/server/auth/auth.ts", importsAuthTables, "no-restricted-imports")).toEqual([]);
});

// …and keeps every file, tests included, on the libraries' documented APIs.
test.each([
  ['import { defineRequestState } from "@better-auth/core/context";\nexport const state = defineRequestState;\n'],
  ['import { PostgresJsSession } from "drizzle-orm/postgres-js";\nexport const session = PostgresJsSession;\n'],
  ['import { PgDialect } from "drizzle-orm/pg-core";\nexport const dialect = new PgDialect();\n'],
])("lint refuses a library's internal module or private constructor: %s", async (code) => {
  for (const filePath of ["src/server/auth/auth.ts", "src/server/tasks/isolation.test.ts"]) {
    expect(await lintErrors(filePath, code, "@typescript-eslint/no-restricted-imports")).toHaveLength(1);
  }
});

test.each(["$context", "internalAdapter"])("lint refuses Better Auth's internal %s", async (member) => {
  const code = `export async function peek(auth: { ${member}: unknown }) {\n  return auth.${member};\n}\n`;
  expect(await lintErrors("src/server/auth/auth.ts", code, "no-restricted-syntax")).toHaveLength(1);
});

/** The project files `file` imports (relative and `@/` specifiers), as paths from the root. */
function projectImports(file: string): string[] {
  const source = readFileSync(file, "utf8");
  const specifiers = [...source.matchAll(/^import [^;]*?from "((?:\.|@\/)[^"]+)";/gms)].map((match) => match[1]!);
  return specifiers.map((specifier) => {
    const base = specifier.startsWith("@/") ? join("src", specifier.slice(2)) : join(dirname(file), specifier);
    const resolved = [".ts", ".tsx", "/index.ts"].map((extension) => base + extension).find((path) => existsSync(path));
    return relative(".", resolved ?? base);
  });
}

// What a newcomer reads to follow `task.list` from the route to the SQL, in order…
const REQUEST_PATH = [
  "src/app/api/trpc/[trpc]/route.ts",
  "src/server/api/http.ts",
  "src/server/api/trpc.ts",
  "src/server/api/root.ts",
  "src/server/tasks/task-router.ts",
  "src/server/tasks/task-repository.ts",
];
// …and the helpers it names on the way (the cursor format, the per-user write limit, the
// fan-out of task changes to subscribers).
const SIDE_MODULES = ["src/server/tasks/cursor.ts", "src/server/api/write-limiter.ts", "src/server/tasks/task-changes.ts"];

test("the API's request path is at most six files, from the route to the SQL", () => {
  expect(REQUEST_PATH.length).toBeLessThanOrEqual(6);
  const reached = new Set<string>();
  const visit = (file: string) => {
    if (reached.has(file)) return;
    reached.add(file);
    for (const imported of projectImports(file)) {
      if (/^src\/(app\/api\/trpc|server\/api|server\/tasks)\//.test(imported)) visit(imported);
    }
  };
  visit(REQUEST_PATH[0]!);
  expect([...reached].sort()).toEqual([...REQUEST_PATH, ...SIDE_MODULES].sort());
});

test("the repository never calls back up into the API layer", () => {
  expect(projectImports("src/server/tasks/task-repository.ts").filter((file) => /^src\/(app|server\/api)\//.test(file))).toEqual([]);
});
