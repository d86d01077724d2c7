/** Writes schema/traitloom.schema.json from the zod schema (run by `npm run schema`; a test checks it is current). */
import { writeFileSync } from "node:fs";
import { configJsonSchema } from "../src/core/config.js";

writeFileSync(new URL("../schema/traitloom.schema.json", import.meta.url), `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
