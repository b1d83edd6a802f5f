import { describe, expect, it } from "vitest";
import { ApiError } from "./api-client.ts";
import { fieldNameOf, placeFieldErrors, problemLines } from "./problem.ts";

describe("fieldNameOf", () => {
  it.each([
    ["body.description", {}, ["description"]],
    ["body.contact.phone", {}, ["contact", "phone"]],
    ["body.obligations.0.party", {}, ["obligations", 0, "party"]],
    ["body.lng", { "body.lng": "location", "body.lat": "location" }, ["location"]],
    ["body.attributes.streetlight_no", { "body.attributes": ["attrs"] }, ["attrs"]],
  ])("names the form field of %s", (path, aliases, name) => {
    expect(fieldNameOf(path, aliases)).toEqual(name);
  });
});

describe("placeFieldErrors", () => {
  it("puts each error on its field, once per field, and keeps those the form lacks", () => {
    const fields = new Set(["location", "description"]);
    const { placed, unplaced } = placeFieldErrors(
      [
        { path: "body.lng", message: "the point lies in no area of this deployment" },
        { path: "body.lat", message: "the point lies in no area of this deployment" },
        { path: "body.source", message: "invalid" },
      ],
      (name) => fields.has(name.join(".")),
      { "body.lng": "location", "body.lat": "location" },
    );
    expect(placed).toEqual([{ name: ["location"], message: "the point lies in no area of this deployment" }]);
    expect(unplaced).toEqual([{ path: "body.source", message: "invalid" }]);
  });
});

describe("problemLines", () => {
  const t = ((key: string) => `t(${key})`) as never;
  it("shows the translated code and what the server said", () => {
    const e = new ApiError("AUTH_FORBIDDEN", "you may not accept events of this area", 403);
    expect(problemLines(t, e)).toEqual(["t(errors.AUTH_FORBIDDEN)", "you may not accept events of this area"]);
  });
  it("adds the field errors no field shows", () => {
    const e = new ApiError("VALIDATION_FAILED", "bad", 400);
    expect(problemLines(t, e, [{ path: "body.source", message: "invalid" }])).toEqual([
      "t(errors.VALIDATION_FAILED)",
      "bad",
      "source: invalid",
    ]);
  });
});
