// ESLint flat config for the whole monorepo: `pnpm lint` runs `eslint . --max-warnings 0`.
// - typescript-eslint `recommended`, plus the type-aware promise rules (a forgotten `await` in a
//   route or a transaction is a real bug), through the TypeScript project service;
// - React hooks rules for the console;
// - module boundaries (docs/architecture.md): what each layer may import.
import js from "@eslint/js";
import { defineConfig } from "eslint/config";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

// --- module boundaries -----------------------------------------------------------------------
// One rule instance per file (a later config replaces an earlier one's options), so each area
// gets its complete list of restrictions.

/** The database: the Prisma client and the generated code. */
const prismaClientPatterns = [
  {
    // The package root is the Prisma client; its other entry points (factories, passwords, migrate) are not.
    regex: "^@firebreak/db$",
    message:
      "Only apps/api/src/plugins/db.ts and *.repository.ts talk to the database (docs/conventions.md). Services take a transaction client from their caller.",
    allowTypeImports: true,
  },
  {
    group: ["**/generated/client", "**/generated/client/**"],
    message: "Import the Prisma client through @firebreak/db, in a repository or plugins/db.ts only.",
    allowTypeImports: true,
  },
  {
    group: ["@prisma/*"],
    message: "Prisma is reached through @firebreak/db, in a repository or plugins/db.ts only.",
    allowTypeImports: true,
  },
];

/** packages/domain is pure: zod and its own files, nothing else. */
const domainPatterns = [
  {
    regex: "^(?!zod(/|$)|\\.{1,2}/)",
    message:
      "packages/domain may import only zod and its own files: it is shared by the API, the console and the simulator.",
  },
  {
    regex: "(^|/)(apps|prisma)(/|$)",
    message: "packages/domain may not reach into apps/ or prisma/.",
  },
];

/** The console runs in the browser and talks to the API over HTTP only. */
const consolePatterns = [
  {
    group: ["@prisma/*", "prisma", "@firebreak/db", "@firebreak/db/*", "**/generated/client", "**/generated/client/**"],
    message: "The console never touches the database: call the API (src/api/client.ts).",
  },
  {
    group: ["fastify", "fastify-*", "@fastify/*"],
    message: "Fastify is server code; the console talks to the API over HTTP.",
  },
  {
    group: ["@firebreak/api", "@firebreak/api/*", "**/apps/api", "**/apps/api/**", "**/api/src/**"],
    message: "The console may not import the API's code; shared contracts live in @firebreak/domain.",
  },
];

/** The simulator stands in for an SMS site: it reaches the API over HTTP like any forwarder. */
const simulatorPatterns = [
  ...prismaClientPatterns.map(({ allowTypeImports: _, ...p }) => p),
  {
    group: ["@firebreak/api", "@firebreak/api/*", "@firebreak/console", "@firebreak/console/*", "**/apps/**"],
    message: "The simulator may import only @firebreak/domain (and Node): it talks to the API over HTTP.",
  },
  { group: ["react", "react-dom", "fastify", "@fastify/*"], message: "The simulator is plain TypeScript." },
];

const restrict = (patterns) => ({
  "no-restricted-imports": "off",
  "@typescript-eslint/no-restricted-imports": ["error", { patterns }],
});

/**
 * Files that may use the Prisma client: the DB plugin, repositories, prisma/ itself; the entry
 * points that open the database (server, CLI scripts, benchmarks); and the API's tests.
 */
const databaseFiles = [
  "prisma/**",
  "apps/api/src/plugins/db.ts",
  "apps/api/src/**/*.repository.ts",
  "apps/api/src/server.ts",
  "apps/api/src/scripts/**",
  "apps/api/bench/**",
  "apps/api/test/**",
  "apps/api/**/*.test.ts",
  "apps/api/vitest.config.ts",
];

export default defineConfig(
  {
    ignores: [
      "**/node_modules/",
      "**/dist/",
      "**/coverage/",
      "prisma/generated/",
      "**/generated/",
      ".tools/",
      ".test-output/",
      ".screenshots/",
      "data/",
      "**/test-results/",
      "**/playwright-report/",
    ],
  },
  {
    linterOptions: { reportUnusedDisableDirectives: "error" },
  },
  js.configs.recommended,
  tseslint.configs.recommended,

  // Type-aware promise rules on TypeScript files, through each workspace's tsconfig.
  {
    files: ["**/*.{ts,tsx,mts,cts}"],
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ["vitest.config.ts"] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { attributes: false } }],
      "@typescript-eslint/await-thenable": "error",
    },
  },

  // Shared rule choices.
  {
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_", ignoreRestSiblings: true },
      ],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      eqeqeq: ["error", "always", { null: "ignore" }],
      "no-console": "off",
    },
  },

  // Node scripts and config files.
  {
    files: [
      "**/*.{js,mjs,cjs}",
      "**/*.config.ts",
      "scripts/**",
      "prisma/**",
      "apps/api/**",
      "apps/e2e/**",
      "packages/simulator/**",
    ],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ["**/*.cjs"],
    languageOptions: { sourceType: "commonjs" },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },

  // The console: browser code with React hooks.
  {
    files: ["apps/console/**/*.{ts,tsx}"],
    ...reactHooks.configs.flat.recommended,
    languageOptions: { globals: { ...globals.browser } },
  },

  // Module boundaries. Everything: no Prisma outside the database layer.
  { files: ["**/*.{ts,tsx,mts,cts,js,mjs}"], rules: restrict(prismaClientPatterns) },
  {
    files: ["packages/domain/**"],
    ignores: ["**/*.test.ts", "packages/domain/vitest.config.ts"],
    rules: restrict(domainPatterns),
  },
  { files: ["apps/console/**"], rules: restrict(consolePatterns) },
  { files: ["packages/simulator/**"], rules: restrict(simulatorPatterns) },
  { files: databaseFiles, rules: { "@typescript-eslint/no-restricted-imports": "off" } },
);
