import { ESLint } from "eslint";
import { expect, test } from "vitest";

// The project's lint config is what keeps application code away from Better Auth's tables.
const eslint = new ESLint({ cwd: process.cwd() });

async function restrictedImportErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? [])
    .filter((message) => message.ruleId === "no-restricted-imports")
    .map((message) => message.message);
}

const importsAuthTables = 'import { session } from "@/server/db/schema/auth";\nexport const table = session;\n';
const importsAllTables = 'import { user } from "@/server/db/schema";\nexport const table = user;\n';

test.each([
  ["src/server/tasks/task-repository.ts", importsAuthTables],
  ["src/server/api/trpc.ts", importsAllTables],
  ["src/app/page.tsx", importsAuthTables],
])("lint refuses Better Auth's tables in application code (%s)", async (filePath, code) => {
  expect(await restrictedImportErrors(filePath, code)).toEqual([
    expect.stringContaining("Application code never touches Better Auth's tables"),
  ]);
});

test("lint lets the auth module use Better Auth's tables", async () => {
  expect(await restrictedImportErrors("src/server/auth/auth.ts", importsAuthTables)).toEqual([]);
});
