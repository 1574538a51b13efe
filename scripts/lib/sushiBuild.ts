/**
 * The SushiSwap venue, built from the Solidity sources that @sushiswap/core 1.4.2 ships (its npm package carries
 * ABIs but no bytecode): SushiSwap's UniswapV2Factory, UniswapV2Pair and UniswapV2Router02, SushiToken and
 * MasterChef, compiled with solc 0.6.12 (the `solc-0.6.12` npm alias of solc-js, no download) into Hardhat-format
 * artifacts in `artifacts-sushi/` (git-ignored), loadable with `ethers.getContractFactoryFromArtifact`.
 *
 * - The sources are read from node_modules as shipped. Their `@openzeppelin/contracts/...` imports (written for
 *   OpenZeppelin 3.x) resolve to the `@openzeppelin/contracts-v3` alias through a solc remapping, so the project's
 *   OpenZeppelin 5 stays what the 0.8 contracts import.
 * - One literal is substituted in the compiler's input, never in a file: the pair init code hash in
 *   `uniswapv2/libraries/UniswapV2Library.sol`, which the router uses to compute a pair's CREATE2 address without
 *   asking the factory. The shipped value (`SHIPPED_INIT_CODE_HASH`) is the hash of the bytecode Sushi deployed on
 *   Ethereum in 2020, which no solc 0.6.12 setting reproduces from these sources (the metadata hash at the end of
 *   the bytecode depends on how that build named its files). The build compiles the pair first, replaces that one
 *   literal (exactly one occurrence, or the build fails) by keccak256 of the pair's creation code, and records the
 *   substitution in `build-info.json`; `UniswapV2Factory.pairCodeHash()` returns the same value on chain. Every
 *   other source is byte for byte the shipped file (their keccak256 are recorded too).
 * - Cached by content: the key covers the builder, the compiler version, the settings and every source read; a warm
 *   build re-hashes those files (a few milliseconds) and compiles nothing.
 *
 * It imports neither `hardhat` nor the compiler at load time, so `hardhat.config.ts` can hook it into
 * `hardhat compile` (after the 0.8 contracts), and the compiler loads only when something has to be built.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { keccak256 } from "ethers";
import type { Artifact } from "hardhat/types";

/** The contracts the venue deploys, by contract name, with their source inside @sushiswap/core/contracts. */
export const SUSHI_CONTRACTS = {
  UniswapV2Factory: "uniswapv2/UniswapV2Factory.sol",
  UniswapV2Pair: "uniswapv2/UniswapV2Pair.sol",
  UniswapV2Router02: "uniswapv2/UniswapV2Router02.sol",
  SushiToken: "SushiToken.sol",
  MasterChef: "MasterChef.sol",
} as const;
export type SushiContractName = keyof typeof SUSHI_CONTRACTS;

/** Ethereum mainnet's SushiSwap pair init code hash, as written in the shipped UniswapV2Library.sol. */
export const SHIPPED_INIT_CODE_HASH = "0xe18a34eb0e04b04f7a0ac29a6e80748dca96319b42c54d679cb821dca90c6303";

const ROOT = path.resolve(__dirname, "..", "..");
export const SUSHI_ARTIFACTS_DIR = path.join(ROOT, "artifacts-sushi");
const BUILD_INFO = path.join(SUSHI_ARTIFACTS_DIR, "build-info.json");
/** The compiler's warnings on the shipped sources go here, not to the terminal (beside hardhat's compile-output.log). */
const WARNINGS_LOG = path.join(ROOT, "cache", "sushi-compile-output.log");

const SUSHI_PACKAGE = "@sushiswap/core";
const OPENZEPPELIN_V3_PACKAGE = "@openzeppelin/contracts-v3";
const COMPILER_PACKAGE = "solc-0.6.12";
const SOURCE_PREFIX = `${SUSHI_PACKAGE}/contracts/`;
const ROUTER_LIBRARY = `${SOURCE_PREFIX}uniswapv2/libraries/UniswapV2Library.sol`;

/** solc 0.6.12's own default EVM (istanbul) and the optimizer at 200 runs; Hardhat's network runs it as is. */
const SETTINGS = {
  optimizer: { enabled: true, runs: 200 },
  evmVersion: "istanbul",
  remappings: [`@openzeppelin/contracts/=${OPENZEPPELIN_V3_PACKAGE}/`],
  outputSelection: {
    "*": { "*": ["abi", "evm.bytecode.object", "evm.bytecode.linkReferences", "evm.deployedBytecode.object", "evm.deployedBytecode.linkReferences"] },
  },
};

/** What `build-info.json` records: enough to rebuild the same bytes and to see what was compiled from where. */
export interface SushiBuildInfo {
  key: string;
  compiler: string;
  packages: Record<string, string>;
  settings: typeof SETTINGS;
  /** keccak256 of every source unit as compiled (after the substitution), by source unit name. */
  sources: Record<string, string>;
  substitutions: { source: string; from: string; to: string }[];
  pairInitCodeHash: string;
  contracts: Record<SushiContractName, string>;
}

function packageDirectory(name: string): string {
  return path.dirname(require.resolve(`${name}/package.json`, { paths: [ROOT] }));
}

function packageVersion(name: string): string {
  return (JSON.parse(fs.readFileSync(path.join(packageDirectory(name), "package.json"), "utf8")) as { version: string }).version;
}

/** A source unit name (`@sushiswap/core/contracts/...`, `@openzeppelin/contracts-v3/...`) to its file; nothing else. */
export function sushiSourceFile(unitName: string): string {
  for (const name of [SUSHI_PACKAGE, OPENZEPPELIN_V3_PACKAGE]) {
    if (unitName.startsWith(`${name}/`)) return path.join(packageDirectory(name), unitName.slice(name.length + 1));
  }
  throw new Error(`SushiSwap build: no package provides ${unitName}`);
}

function sha256(text: string): string {
  return crypto.createHash("sha256").update(text).digest("hex");
}

/** The cache key: the builder itself, the compiler, the settings and the content of every source it read. */
function buildKey(sources: Record<string, string>): string {
  return sha256(
    JSON.stringify({
      builder: fs.readFileSync(__filename, "utf8"),
      compiler: packageVersion(COMPILER_PACKAGE),
      settings: SETTINGS,
      contracts: SUSHI_CONTRACTS,
      sources: Object.keys(sources).sort().map((unit) => [unit, sources[unit]]),
    }),
  );
}

function readBuildInfo(): SushiBuildInfo | undefined {
  try {
    return JSON.parse(fs.readFileSync(BUILD_INFO, "utf8")) as SushiBuildInfo;
  } catch {
    return undefined;
  }
}

/** True when the artifacts on disk were built from exactly the files now in node_modules, by this builder. */
function upToDate(info: SushiBuildInfo | undefined): boolean {
  if (!info) return false;
  const shipped: Record<string, string> = {};
  try {
    for (const unit of Object.keys(info.sources)) shipped[unit] = keccak256(fs.readFileSync(sushiSourceFile(unit)));
    for (const name of Object.keys(SUSHI_CONTRACTS)) if (!fs.existsSync(path.join(SUSHI_ARTIFACTS_DIR, `${name}.json`))) return false;
  } catch {
    return false;
  }
  // The key was computed over the shipped files; the substituted library is recorded by its compiled content.
  return buildKey(shipped) === info.key;
}

interface SolcOutput {
  errors?: { severity: string; formattedMessage: string }[];
  contracts?: Record<string, Record<string, SolcContract>>;
}
interface SolcContract {
  abi: unknown[];
  evm: {
    bytecode: { object: string; linkReferences: Artifact["linkReferences"] };
    deployedBytecode: { object: string; linkReferences: Artifact["deployedLinkReferences"] };
  };
}
interface Solc {
  version(): string;
  compile(input: string, callbacks: { import: (unit: string) => { contents: string } | { error: string } }): string;
}

/** One solc-js run over `targets`; every file it reads is recorded in `read` (unit name -> content). */
function compile(solc: Solc, targets: string[], read: Map<string, string>, overrides: Map<string, string>): { output: SolcOutput; warnings: string[] } {
  const load = (unit: string): string => {
    const content = overrides.get(unit) ?? fs.readFileSync(sushiSourceFile(unit), "utf8");
    read.set(unit, content);
    return content;
  };
  const input = {
    language: "Solidity",
    sources: Object.fromEntries(targets.map((unit) => [unit, { content: load(unit) }])),
    settings: SETTINGS,
  };
  const output = JSON.parse(
    solc.compile(JSON.stringify(input), {
      import: (unit) => {
        try {
          return { contents: load(unit) };
        } catch (error) {
          return { error: (error as Error).message };
        }
      },
    }),
  ) as SolcOutput;
  const errors = (output.errors ?? []).filter((entry) => entry.severity === "error");
  if (errors.length > 0) throw new Error(`SushiSwap build failed:\n${errors.map((entry) => entry.formattedMessage).join("\n")}`);
  return { output, warnings: (output.errors ?? []).map((entry) => entry.formattedMessage) };
}

function toArtifact(name: SushiContractName, output: SolcOutput): Artifact {
  const sourceName = SOURCE_PREFIX + SUSHI_CONTRACTS[name];
  const contract = output.contracts?.[sourceName]?.[name];
  if (!contract) throw new Error(`SushiSwap build: ${name} missing from the compiler output of ${sourceName}`);
  return {
    _format: "hh-sol-artifact-1",
    contractName: name,
    sourceName,
    abi: contract.abi as Artifact["abi"],
    bytecode: `0x${contract.evm.bytecode.object}`,
    deployedBytecode: `0x${contract.evm.deployedBytecode.object}`,
    linkReferences: contract.evm.bytecode.linkReferences,
    deployedLinkReferences: contract.evm.deployedBytecode.linkReferences,
  };
}

function writeAtomically(file: string, content: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, content);
  fs.renameSync(temporary, file);
}

/**
 * Builds the venue's artifacts unless the ones on disk are from the same sources, compiler and settings. Synchronous
 * (solc-js compiles synchronously): cold about 10 s on 2 cores, warm a few milliseconds. Prints one line when it
 * starts and one when it is done, or (unless `quiet`) one saying the artifacts are up to date.
 */
export function buildSushiVenue(options: { quiet?: boolean; log?: (line: string) => void } = {}): SushiBuildInfo {
  const log = options.log ?? ((line: string) => console.log(line));
  const existing = readBuildInfo();
  if (existing && upToDate(existing)) {
    if (!options.quiet) log(`SushiSwap venue: artifacts up to date (${path.relative(ROOT, SUSHI_ARTIFACTS_DIR)}/)`);
    return existing;
  }
  const started = Date.now();
  const names = Object.keys(SUSHI_CONTRACTS) as SushiContractName[];
  log(`SushiSwap venue: compiling ${names.join(", ")} from ${SUSHI_PACKAGE} ${packageVersion(SUSHI_PACKAGE)} with solc-js ${packageVersion(COMPILER_PACKAGE)}`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const solc = require(COMPILER_PACKAGE) as Solc;

  // Pass 1: everything but the router; the pair's creation code gives the init code hash the router needs.
  const read = new Map<string, string>();
  const first = compile(solc, names.filter((name) => name !== "UniswapV2Router02").map((name) => SOURCE_PREFIX + SUSHI_CONTRACTS[name]), read, new Map());
  const pair = toArtifact("UniswapV2Pair", first.output);
  const pairInitCodeHash = keccak256(pair.bytecode);

  // Pass 2: the router, with the one literal replaced in the library it computes pair addresses with.
  const shippedLibrary = fs.readFileSync(sushiSourceFile(ROUTER_LIBRARY), "utf8");
  const literal = SHIPPED_INIT_CODE_HASH.slice(2);
  const occurrences = shippedLibrary.split(literal).length - 1;
  if (occurrences !== 1) throw new Error(`SushiSwap build: expected the init code hash ${literal} once in ${ROUTER_LIBRARY}, found it ${occurrences} times`);
  const library = shippedLibrary.replace(literal, pairInitCodeHash.slice(2));
  const second = compile(solc, [SOURCE_PREFIX + SUSHI_CONTRACTS.UniswapV2Router02], read, new Map([[ROUTER_LIBRARY, library]]));

  const artifacts = names.map((name) => toArtifact(name, name === "UniswapV2Router02" ? second.output : first.output));
  fs.mkdirSync(SUSHI_ARTIFACTS_DIR, { recursive: true });
  for (const artifact of artifacts) writeAtomically(path.join(SUSHI_ARTIFACTS_DIR, `${artifact.contractName}.json`), `${JSON.stringify(artifact, null, 2)}\n`);

  const shipped: Record<string, string> = {};
  const compiled: Record<string, string> = {};
  for (const [unit, content] of read) {
    shipped[unit] = keccak256(fs.readFileSync(sushiSourceFile(unit)));
    compiled[unit] = keccak256(Buffer.from(content, "utf8"));
  }
  const info: SushiBuildInfo = {
    key: buildKey(shipped),
    compiler: solc.version(),
    packages: Object.fromEntries([SUSHI_PACKAGE, OPENZEPPELIN_V3_PACKAGE, COMPILER_PACKAGE].map((name) => [name, packageVersion(name)])),
    settings: SETTINGS,
    sources: Object.fromEntries(Object.entries(compiled).sort(([a], [b]) => a.localeCompare(b))),
    substitutions: [{ source: ROUTER_LIBRARY, from: SHIPPED_INIT_CODE_HASH, to: pairInitCodeHash }],
    pairInitCodeHash,
    contracts: Object.fromEntries(names.map((name) => [name, SOURCE_PREFIX + SUSHI_CONTRACTS[name]])) as Record<SushiContractName, string>,
  };
  writeAtomically(BUILD_INFO, `${JSON.stringify(info, null, 2)}\n`);
  const warnings = [...first.warnings, ...second.warnings];
  fs.mkdirSync(path.dirname(WARNINGS_LOG), { recursive: true });
  fs.writeFileSync(WARNINGS_LOG, warnings.join("\n"));
  log(
    `SushiSwap venue: built ${names.length} contracts from ${read.size} sources in ${((Date.now() - started) / 1000).toFixed(1)} s` +
      `${warnings.length > 0 ? ` (${warnings.length} compiler warnings in the shipped sources, ${path.relative(ROOT, WARNINGS_LOG)})` : ""}; pair init code hash ${pairInitCodeHash}; ${path.relative(ROOT, SUSHI_ARTIFACTS_DIR)}/`,
  );
  return info;
}

/** A venue contract's Hardhat artifact, built first if needed (warm: a few milliseconds). */
export function sushiArtifact(name: SushiContractName): Artifact {
  buildSushiVenue({ quiet: true });
  return JSON.parse(fs.readFileSync(path.join(SUSHI_ARTIFACTS_DIR, `${name}.json`), "utf8")) as Artifact;
}

/** What the last build recorded (sources, substitution, init code hash), built first if needed. */
export function sushiBuildInfo(): SushiBuildInfo {
  return buildSushiVenue({ quiet: true });
}
