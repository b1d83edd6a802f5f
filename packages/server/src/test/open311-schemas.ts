import { readFileSync } from "node:fs";
import path from "node:path";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";

/**
 * The Open311 GeoReport v2 JSON Schemas (open311/schema-validation, copied under test-fixtures) in
 * one validator; `open311Errors(schema, data)` is empty when the data validates.
 */
const SCHEMAS = path.resolve(import.meta.dirname, "../../test-fixtures/open311-schemas");
const ajv = new Ajv({ strict: false, allErrors: true });
(addFormats as unknown as (a: Ajv) => void)(ajv);
for (const file of ["service.json", "services.json", "service-definition.json", "request.json", "requests.json"])
  ajv.addSchema(JSON.parse(readFileSync(path.join(SCHEMAS, file), "utf8")), file);

export function open311Errors(schema: string, data: unknown): string[] {
  const validate = ajv.getSchema(schema);
  if (!validate) throw new Error(`no schema ${schema}`);
  return validate(data) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}
