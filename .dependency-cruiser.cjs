/**
 * Import boundaries (STYLE.md): core is pure domain logic; web never reaches into the server; routes
 * never touch the database; web features stay independent. `npm run check:boundaries` fails on any
 * violation, and CI runs it.
 */
module.exports = {
  forbidden: [
    {
      name: "core-is-pure",
      comment:
        "packages/core holds rules only: no node:*, no database, HTTP, UI or logging library; zod is its one dependency",
      severity: "error",
      from: { path: "^packages/core/src", pathNot: "\\.test\\.ts$" },
      to: {
        pathNot: [
          "^packages/core/src",
          "node_modules/zod/",
          "node_modules/flatbush/",
          "node_modules/polygon-clipping/",
          "node_modules/robust-predicates/",
          "node_modules/splaytree/",
        ],
      },
    },
    {
      name: "core-tests-use-only-vitest",
      severity: "error",
      from: { path: "^packages/core/src/.*\\.test\\.ts$" },
      to: {
        pathNot: [
          "^packages/core/src",
          "node_modules/zod/",
          "node_modules/flatbush/",
          "node_modules/vitest/",
          "node_modules/@vitest/",
        ],
        dependencyTypesNot: ["core"],
      },
    },
    {
      name: "core-no-node-builtins",
      comment: "tests may use node:crypto as the digest they inject",
      severity: "error",
      from: { path: "^packages/core/src", pathNot: "\\.test\\.ts$" },
      to: { dependencyTypes: ["core"] },
    },
    {
      name: "web-not-server",
      comment: "the web apps talk to the server over HTTP only",
      severity: "error",
      from: { path: "^packages/web" },
      to: { path: "^packages/server" },
    },
    {
      name: "web-features-independent",
      comment: "features do not import each other; the app shells compose them",
      severity: "error",
      from: { path: "^packages/web/src/features/([^/]+)/" },
      to: { path: "^packages/web/src/features/", pathNot: "^packages/web/src/features/$1/" },
    },
    {
      name: "routes-never-touch-the-database",
      comment: "routes → service → queries; routes never import Kysely or queries",
      severity: "error",
      from: { path: "\\.routes\\.ts$" },
      to: {
        path: ["\\.queries\\.ts$", "node_modules/kysely/", "^packages/server/src/db/database\\.ts$"],
        dependencyTypesNot: ["type-only"],
      },
    },
    {
      name: "queries-do-not-call-up",
      severity: "error",
      from: { path: "\\.queries\\.ts$" },
      to: { path: ["\\.service\\.ts$", "\\.routes\\.ts$"] },
    },
    {
      name: "no-cross-module-queries",
      comment: "a module may call another module's service, never its queries",
      severity: "error",
      from: { path: "^packages/server/src/modules/([^/]+)/" },
      to: {
        path: "^packages/server/src/modules/[^/]+/.*\\.queries\\.ts$",
        pathNot: "^packages/server/src/modules/$1/",
      },
    },
    {
      name: "no-circular",
      severity: "error",
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: ["^packages/[^/]+/dist/"] },
    tsPreCompilationDeps: true,
    combinedDependencies: true,
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".tsx", ".js", ".mjs", ".json"],
    },
    tsConfig: { fileName: "tsconfig.base.json" },
  },
};
