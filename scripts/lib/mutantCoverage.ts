/**
 * Which test files cover a source file, for `npm run mutants`: found from imports, never from a hand-kept list (two
 * mutants of the last audit were killed only by tests outside the lists the harness had).
 *
 * - A TypeScript file is covered by every test file whose import closure (relative imports and the `@/` alias,
 *   followed transitively) contains it: vitest files under test/unit, Hardhat files under test/contracts.
 * - A Solidity file is covered by every Hardhat test file whose import closure names a contract that is built from it:
 *   a contract, library or interface defined in the file or in any Solidity file that imports it (transitively),
 *   named in TypeScript as a string ("VaultLens"), a typechain factory (VaultLens__factory) or a type. A vault module
 *   reaches the tests through scripts/lib/deployLocal.ts, which names every contract it deploys.
 *
 * test/e2e (a browser and a whole stack) and test/contracts/operations (their own Hardhat nodes on fixed ports and
 * fresh checkouts, which a temporary copy without .git cannot give) are left out: they test the deploy and the app,
 * not a mutated comparison, and in the copy they would fail whatever the mutant.
 */
import fs from "node:fs";
import path from "node:path";

const TEST_ROOTS = ["test/contracts", "test/unit"];
const EXCLUDED = ["test/e2e/", "test/contracts/operations/"];
const TS_EXTENSIONS = [".ts", ".tsx", "/index.ts", "/index.tsx"];

function walk(root: string, directory: string, keep: (file: string) => boolean, out: string[] = []): string[] {
  const full = path.join(root, directory);
  if (!fs.existsSync(full)) return out;
  for (const entry of fs.readdirSync(full, { withFileTypes: true })) {
    const relative = path.posix.join(directory, entry.name);
    if (entry.isDirectory()) walk(root, relative, keep, out);
    else if (keep(relative)) out.push(relative);
  }
  return out;
}

/** The repository's test files the harness may run, sorted. */
export function testFiles(root: string): string[] {
  return TEST_ROOTS.flatMap((directory) => walk(root, directory, (file) => /\.test\.tsx?$/.test(file)))
    .filter((file) => !EXCLUDED.some((prefix) => file.startsWith(prefix)))
    .sort();
}

const IMPORT_PATTERN = /(?:import|export)\s[^;]*?from\s*["']([^"']+)["']|import\s*\(\s*["']([^"']+)["']\s*\)|require\s*\(\s*["']([^"']+)["']\s*\)|import\s+["']([^"']+)["']/g;

/** The repository files a TypeScript file imports (relative and `@/` specifiers; packages are not followed). */
function tsImports(root: string, file: string, text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(IMPORT_PATTERN)) {
    const specifier = match[1] ?? match[2] ?? match[3] ?? match[4];
    if (!specifier) continue;
    let base: string;
    if (specifier.startsWith(".")) base = path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier));
    else if (specifier.startsWith("@/")) base = specifier.slice(2);
    else continue;
    // typechain-types is generated, names every contract, and its files import each other: it would make every
    // test cover every contract. The test's own source names the factories it uses, which is what counts.
    if (base.startsWith("typechain-types")) continue;
    const candidates = [base, ...TS_EXTENSIONS.map((extension) => `${base}${extension}`)];
    const resolved = candidates.find((candidate) => /\.(ts|tsx)$/.test(candidate) && fs.existsSync(path.join(root, candidate)));
    if (resolved) found.push(resolved);
  }
  return found;
}

export interface CoverageMap {
  /** Every test file considered. */
  tests: string[];
  /** Test file -> the repository TypeScript files in its import closure (itself included). */
  closures: Map<string, Set<string>>;
  /** Test file -> the text of its closure, for finding contract names. */
  closureText: Map<string, string>;
}

export function buildCoverageMap(root: string): CoverageMap {
  const textOf = new Map<string, string>();
  const read = (file: string) => {
    let text = textOf.get(file);
    if (text === undefined) {
      text = fs.readFileSync(path.join(root, file), "utf8");
      textOf.set(file, text);
    }
    return text;
  };
  const importsOf = new Map<string, string[]>();
  const tests = testFiles(root);
  const closures = new Map<string, Set<string>>();
  const closureText = new Map<string, string>();
  for (const test of tests) {
    const seen = new Set<string>([test]);
    const queue = [test];
    while (queue.length > 0) {
      const file = queue.pop()!;
      let imports = importsOf.get(file);
      if (!imports) {
        imports = tsImports(root, file, read(file));
        importsOf.set(file, imports);
      }
      for (const next of imports) {
        if (!seen.has(next)) {
          seen.add(next);
          queue.push(next);
        }
      }
    }
    closures.set(test, seen);
    closureText.set(test, [...seen].map(read).join("\n"));
  }
  return { tests, closures, closureText };
}

const SOLIDITY_IMPORT = /import\s+(?:[^"';]*from\s+)?["']([^"']+)["']/g;
const SOLIDITY_DEFINITION = /^\s*(?:abstract\s+)?(?:contract|library|interface)\s+([A-Za-z_][A-Za-z0-9_]*)/gm;

/** The contract, library and interface names built from `solidityFile` (its own and its importers', transitively). */
export function contractsBuiltFrom(root: string, solidityFile: string): Set<string> {
  const files = walk(root, "contracts", (file) => file.endsWith(".sol"));
  const importers = new Map<string, string[]>();
  const definitions = new Map<string, string[]>();
  for (const file of files) {
    const text = fs.readFileSync(path.join(root, file), "utf8");
    definitions.set(file, [...text.matchAll(SOLIDITY_DEFINITION)].map((match) => match[1]));
    for (const match of text.matchAll(SOLIDITY_IMPORT)) {
      if (!match[1].startsWith(".")) continue; // packages (OpenZeppelin, Uniswap) are not mutated
      const imported = path.posix.normalize(path.posix.join(path.posix.dirname(file), match[1]));
      importers.set(imported, [...(importers.get(imported) ?? []), file]);
    }
  }
  if (!definitions.has(solidityFile)) throw new Error(`No Solidity file ${solidityFile} under contracts/`);
  const names = new Set<string>();
  const seen = new Set<string>([solidityFile]);
  const queue = [solidityFile];
  while (queue.length > 0) {
    const file = queue.pop()!;
    for (const name of definitions.get(file) ?? []) names.add(name);
    for (const importer of importers.get(file) ?? []) {
      if (!seen.has(importer)) {
        seen.add(importer);
        queue.push(importer);
      }
    }
  }
  return names;
}

/** Every test file that covers `file` (see the top of this file), sorted. */
export function coveringTests(root: string, file: string, map: CoverageMap = buildCoverageMap(root)): string[] {
  if (file.endsWith(".sol")) {
    const names = [...contractsBuiltFrom(root, file)];
    // Whole names only ("LendingPool" is not found inside "LendingPoolMath"); a test contract that inherits the
    // file's contract (LendingPoolV2Test) is in `names` itself, being built from it.
    const pattern = new RegExp(`(?<![A-Za-z0-9_])(?:${names.map((name) => name.replace(/[$]/g, "\\$")).join("|")})(?:__factory)?(?![A-Za-z0-9_])`);
    return map.tests.filter((test) => test.startsWith("test/contracts/") && pattern.test(map.closureText.get(test)!));
  }
  return map.tests.filter((test) => map.closures.get(test)!.has(file));
}
