// Run by `npm install` (postinstall). postgres.js 3.4.9 writes to a socket that a dropped
// connection has already set to null (porsager/postgres#1154, #1208; fixes proposed in #1168,
// #1176, #1209, none released): behind a pooler, a database restart threw
// `TypeError: Cannot read properties of null (reading 'write')` as an uncaught exception
// (`npm run cluster` saw three per run). This applies the guard proposed in #1209: the write's
// queries fail with CONNECTION_CLOSED, which the app answers 503. Remove once a release has it.
import { readFileSync, writeFileSync } from "node:fs";

const UNGUARDED = "  function nextWrite(fn) {\n    const x = socket.write(chunk, fn)";
const GUARDED =
  "  function nextWrite(fn) {\n    if (!socket) { // patched by patches/postgres-next-write.mjs (porsager/postgres#1209)\n" +
  "      nextWriteTimer !== null && clearImmediate(nextWriteTimer)\n      chunk = nextWriteTimer = null\n" +
  "      error(Errors.connection('CONNECTION_CLOSED', options))\n      return false\n    }\n    const x = socket.write(chunk, fn)";

const { version } = JSON.parse(readFileSync("node_modules/postgres/package.json", "utf8"));
if (version !== "3.4.9") {
  console.warn(`patches/postgres-next-write.mjs: postgres ${version} is not 3.4.9; check whether it still needs the nextWrite guard`);
} else {
  for (const file of ["src", "cjs/src", "cf/src"].map((dir) => `node_modules/postgres/${dir}/connection.js`)) {
    const source = readFileSync(file, "utf8");
    if (source.includes(GUARDED)) continue;
    if (!source.includes(UNGUARDED)) throw new Error(`${file}: nextWrite is not where the patch expects it`);
    writeFileSync(file, source.replace(UNGUARDED, GUARDED));
  }
}
