import { describe, expect, it } from "vitest";
import { loadConfig } from "./config.ts";

describe("loadConfig", () => {
  it("defaults to PGlite in ./data on port 3000 in Asia/Shanghai", () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.database).toEqual({
      kind: "pglite",
      dataDir: expect.stringMatching(/\/data$/),
      sharedBuffers: "128MB",
    });
    expect(config.timezone).toBe("Asia/Shanghai");
    expect(config.defaultLocale).toBe("zh-CN");
  });

  it("uses PostgreSQL when DATABASE_URL is set", () => {
    const config = loadConfig({ DATABASE_URL: "postgres://u:p@127.0.0.1:5432/wangge", DATABASE_POOL_SIZE: "20" });
    expect(config.database).toEqual({ kind: "postgres", url: "postgres://u:p@127.0.0.1:5432/wangge", poolSize: 20 });
  });

  it("treats empty variables as unset", () => {
    expect(loadConfig({ PORT: "", DATABASE_URL: " " }).database.kind).toBe("pglite");
  });

  it("names every invalid variable in one CONFIG_INVALID error", () => {
    expect(() =>
      loadConfig({
        PORT: "eighty",
        DATABASE_URL: "mysql://x",
        WANGGE_TIMEZONE: "Mars/Olympus",
        WANGGE_TILE_URL: "ftp://tiles",
        WANGGE_MAP_CENTER: "north",
        WANGGE_PGLITE_SHARED_BUFFERS: "lots",
      }),
    ).toThrowError(
      expect.objectContaining({
        code: "CONFIG_INVALID",
        errors: expect.arrayContaining([
          expect.objectContaining({ path: "PORT" }),
          expect.objectContaining({ path: "DATABASE_URL" }),
          expect.objectContaining({ path: "WANGGE_TIMEZONE" }),
          expect.objectContaining({ path: "WANGGE_TILE_URL" }),
          expect.objectContaining({ path: "WANGGE_MAP_CENTER" }),
          expect.objectContaining({ path: "WANGGE_PGLITE_SHARED_BUFFERS" }),
        ]),
      }),
    );
  });

  it("refuses an admin password the password policy refuses, before anything opens the database", () => {
    // A start refused later, at the bootstrap, had already migrated the database and made its roles.
    const refusal = (() => {
      try {
        loadConfig({ WANGGE_ADMIN_PASSWORD: "Walk-Admin-2026!" });
      } catch (error) {
        return error as { code: string; message: string; errors: { path: string; message: string }[] };
      }
      return undefined;
    })();
    expect(refusal?.code).toBe("CONFIG_INVALID");
    expect(refusal?.errors).toEqual([{ path: "WANGGE_ADMIN_PASSWORD", message: expect.stringMatching(/username/) }]);
    // The refusal names the rule, never the password.
    expect(refusal?.message).not.toContain("Walk-Admin-2026!");
    expect(() => loadConfig({ WANGGE_ADMIN_PASSWORD: "short" })).toThrowError(/WANGGE_ADMIN_PASSWORD/);
    expect(loadConfig({ WANGGE_ADMIN_PASSWORD: "Grid-Head-Office-2026!" }).adminPassword).toBe(
      "Grid-Head-Office-2026!",
    );
  });

  it.each([
    ["true", true],
    ["1", 1],
    ["10.0.0.1, 10.0.0.0/8", ["10.0.0.1", "10.0.0.0/8"]],
    [undefined, false],
  ])("reads WANGGE_TRUST_PROXY=%s", (value, expected) => {
    expect(loadConfig(value === undefined ? {} : { WANGGE_TRUST_PROXY: value }).trustProxy).toEqual(expected);
  });

  it("accepts a GCJ-02 tile source with its attribution", () => {
    const config = loadConfig({
      WANGGE_TILE_URL: "https://tiles.example/{z}/{x}/{y}.png",
      WANGGE_TILE_COORDINATES: "gcj02",
      WANGGE_TILE_ATTRIBUTION: "© 示例地图",
    });
    expect(config.map).toMatchObject({ tileCoordinateSystem: "gcj02", tileAttribution: "© 示例地图" });
  });

  it("reads Tianditu's two layers (streets, then their names) from one WANGGE_TILE_URL, one space apart", () => {
    const vec =
      "https://t0.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=vec&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=abc123";
    const cva = vec.replace(/vec/g, "cva");
    const config = loadConfig({ WANGGE_TILE_URL: `  ${vec}\n\t${cva} ` });
    expect(config.map).toMatchObject({ tileUrl: `${vec} ${cva}`, tileCoordinateSystem: "wgs84" });
  });

  it.each([
    ["https://t0.tianditu.gov.cn/vec_w/wmts?TILEMATRIX={z}&TILEROW={y}&TILECOL={x}", /Tianditu URL without its key/],
    ["https://tiles.example/{z}/{x}.png", /lacks \{y\}/],
    ["https://a.example/{z}/{x}/{y} notaurl", /template 2 must be an http\(s\) URL/],
    ["https://exa[mple/{z}/{x}/{y}.png", /is not a URL$/],
  ])("refuses WANGGE_TILE_URL=%s, saying what is wrong", (value, message) => {
    expect(() => loadConfig({ WANGGE_TILE_URL: value })).toThrowError(
      expect.objectContaining({
        code: "CONFIG_INVALID",
        errors: [expect.objectContaining({ path: "WANGGE_TILE_URL", message: expect.stringMatching(message) })],
      }),
    );
  });

  it("shifts nothing without a tile server: the offline background is drawn in WGS-84 like the data", () => {
    expect(loadConfig({ WANGGE_TILE_COORDINATES: "gcj02" }).map).toMatchObject({
      tileUrl: null,
      tileCoordinateSystem: "wgs84",
    });
  });

  it("refuses a tile coordinate system other than wgs84 or gcj02", () => {
    expect(() => loadConfig({ WANGGE_TILE_COORDINATES: "bd09" })).toThrowError(
      expect.objectContaining({ errors: [expect.objectContaining({ path: "WANGGE_TILE_COORDINATES" })] }),
    );
  });

  it.each([
    [{}, "none"],
    [{ WANGGE_SMS_WEBHOOK_URL: "https://sms.example/send" }, "webhook"],
    [{ WANGGE_SMS_SENDER: "webhook", WANGGE_SMS_WEBHOOK_URL: "https://sms.example/send" }, "webhook"],
    [{ WANGGE_SMS_SENDER: "log" }, "log"],
  ])("chooses the SMS sender from %j: %s", (env, sender) => {
    expect(loadConfig(env).smsSender).toBe(sender);
  });

  it.each([
    [{ WANGGE_SMS_SENDER: "console" }],
    [{ WANGGE_SMS_SENDER: "webhook" }],
    [{ WANGGE_SMS_SENDER: "log", WANGGE_SMS_WEBHOOK_URL: "https://sms.example/send" }],
  ])("refuses WANGGE_SMS_SENDER in %j, naming it", (env) => {
    expect(() => loadConfig(env)).toThrow(expect.objectContaining({ code: "CONFIG_INVALID" }));
    try {
      loadConfig(env);
    } catch (error) {
      expect((error as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual(["WANGGE_SMS_SENDER"]);
    }
  });
});
