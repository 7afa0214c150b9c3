// node validate.mjs <kind> <instance.json> <schema URL>...
// Fetches the published schemas over HTTP, registers each under its own $id (ajv resolves the
// relative $refs against it, nothing else is fetched), validates the instance against <kind>'s schema.
// Prints "valid" or the errors as JSON; exit 0 valid, 1 invalid, 2 usage or load error.
import { readFile } from "node:fs/promises";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const [kind, instancePath, ...urls] = process.argv.slice(2);
if (!kind || !instancePath || urls.length === 0) {
  console.error("usage: node validate.mjs <kind> <instance.json> <schema URL>...");
  process.exit(2);
}
try {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  let target = null;
  for (const url of urls) {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    const schema = await response.json();
    ajv.addSchema(schema);
    if (url.endsWith(`/${kind}.schema.json`)) target = schema.$id;
  }
  if (!target) throw new Error(`no schema for ${kind}`);
  const validate = ajv.getSchema(target);
  const instance = JSON.parse(await readFile(instancePath, "utf8"));
  if (validate(instance)) {
    console.log("valid");
    process.exit(0);
  }
  console.log(JSON.stringify(validate.errors));
  process.exit(1);
} catch (err) {
  console.error(String(err));
  process.exit(2);
}
