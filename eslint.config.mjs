import nextVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";
import drizzle from "eslint-plugin-drizzle";
import { defineConfig, globalIgnores } from "eslint/config";
import tseslint from "typescript-eslint";

// Only Better Auth's own module and the db layer (schema, migrations) may see Better Auth's tables.
const authSchemaImport = {
  regex: "(^|/)db/schema(/auth|/index)?$",
  message:
    "Application code never touches Better Auth's tables: import app tables from @/server/db/schema/tasks, identity from @/server/auth.",
};

// Documented, public library APIs only: these reach into internals an upgrade may change silently.
const libraryInternals = {
  paths: [
    { name: "drizzle-orm/postgres-js", importNames: ["PostgresJsSession", "PostgresJsPreparedQuery"], message: "Private drizzle constructors: use drizzle's query builders." },
    { name: "drizzle-orm/pglite", importNames: ["PgliteSession", "PglitePreparedQuery"], message: "Private drizzle constructors: use drizzle's query builders." },
    { name: "drizzle-orm/pg-core", importNames: ["PgDialect", "PgSession"], message: "Private drizzle constructors: use drizzle's query builders." },
  ],
  patterns: [
    { group: ["@better-auth/core", "@better-auth/core/*"], message: "Better Auth's internals: use betterAuth's options, plugins, hooks and auth.api." },
    { group: ["better-auth/dist/*", "drizzle-orm/*/session", "@trpc/server/unstable-core-do-not-import*", "superjson/dist/*"], message: "A library's internal module: use its documented entry points." },
  ],
};
const internalMembers = ["$context", "internalAdapter"].map((name) => ({
  selector: `MemberExpression[property.name='${name}']`,
  message: `\`${name}\` is Better Auth's internal context: use auth.api and the documented options instead.`,
}));

export default defineConfig([
  globalIgnores([".next/**", "node_modules/**", "next-env.d.ts", ".data/**", "drizzle/**"]),
  ...nextVitals,
  ...nextTypescript,
  {
    files: ["**/*.ts", "**/*.tsx"],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { drizzle, "@typescript-eslint": tseslint.plugin },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/await-thenable": "error",
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "drizzle/enforce-delete-with-where": ["error", { drizzleObjectName: ["db", "tx"] }],
      "drizzle/enforce-update-with-where": ["error", { drizzleObjectName: ["db", "tx"] }],
      "no-restricted-imports": ["error", { patterns: [authSchemaImport] }],
      "@typescript-eslint/no-restricted-imports": ["error", libraryInternals],
      "no-restricted-syntax": ["error", ...internalMembers],
    },
  },
  {
    files: ["src/server/auth/**", "src/server/db/**", "src/test/**", "**/*.test.ts"],
    rules: { "no-restricted-imports": "off" },
  },
]);
