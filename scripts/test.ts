/**
 * `npm test`: every suite (typecheck, contracts on Hardhat, worker in workerd, end-to-end), each
 * streamed as it runs, then one line `N passed, N failed` over all of them. Exits non-zero when
 * anything failed or a suite's counts could not be read.
 */
import { spawn } from "node:child_process";
import { stripVTControlCharacters } from "node:util";
import { binPath, projectRoot } from "./lib/paths";
import { QUIET_ENV } from "./stack/processes";

type Counts = { passed: number; failed: number };
type Suite = { name: string; command: string; args: string[]; parse: (output: string) => Counts | undefined };

const count = (output: string, pattern: RegExp) => {
  const match = pattern.exec(output);
  return match?.[1] === undefined ? undefined : Number(match[1]);
};

function parseHardhatSummary(output: string): Counts | undefined {
  const passed = count(output, /(\d+) passing/);
  if (passed === undefined) return undefined;
  return { passed, failed: (count(output, /(\d+) failing/) ?? 0) + (count(output, /(\d+) skipped/) ?? 0) };
}

function parseNodeTestSummary(output: string): Counts | undefined {
  const passed = count(output, /ℹ pass (\d+)/);
  if (passed === undefined) return undefined;
  const notRun = (count(output, /ℹ cancelled (\d+)/) ?? 0) + (count(output, /ℹ skipped (\d+)/) ?? 0);
  return { passed, failed: (count(output, /ℹ fail (\d+)/) ?? 0) + notRun };
}

const suites: Suite[] = [
  {
    name: "typecheck",
    command: "npm",
    args: ["run", "-s", "typecheck"],
    parse: () => ({ passed: 1, failed: 0 }),
  },
  {
    // biome.json: formatting and lint rules, checked (never written) here; `npm run format` fixes.
    name: "format and lint (Biome)",
    command: binPath("biome"),
    args: ["check", "--error-on-warnings", "."],
    parse: (output) => {
      if (!/Checked \d+ files?/.test(output)) return undefined;
      return /Found \d+ errors?/.test(output) ? { passed: 0, failed: 1 } : { passed: 1, failed: 0 };
    },
  },
  {
    // .dependency-cruiser.cjs: features never import each other, the protocol core imports no HTTP,
    // shared modules sit below the features, only the features use the composition root.
    name: "architecture (dependency rules, dependency-cruiser)",
    command: binPath("depcruise"),
    args: ["worker/src", "sdk/src", "--config", ".dependency-cruiser.cjs"],
    parse: (output) => {
      const modules = count(output, /\((\d+) modules/);
      if (modules === undefined) return undefined;
      const violations = count(output, /(\d+) dependency violations/) ?? 0;
      return { passed: violations === 0 ? 1 : 0, failed: violations };
    },
  },
  {
    // test/architecture: source rules the dependency rules cannot see (who reads bindings, error names).
    name: "architecture (source rules, node:test)",
    command: binPath("tsx"),
    args: ["--test", "--test-reporter=spec", "test/architecture/**/*.test.ts"],
    parse: parseNodeTestSummary,
  },
  {
    name: "contracts: Solidity unit + fuzz tests (Hardhat EDR)",
    command: binPath("hardhat"),
    args: ["test", "solidity"],
    parse: parseHardhatSummary,
  },
  {
    name: "contracts: integration tests (Hardhat, node:test + viem)",
    command: binPath("hardhat"),
    args: ["test", "nodejs"],
    parse: parseHardhatSummary,
  },
  {
    name: "worker (vitest in workerd + D1)",
    command: binPath("vitest"),
    args: ["run", "--config", "worker/vitest.config.ts"],
    parse: (output) => {
      const line = /Tests\s+([^\n]*)/.exec(output)?.[1];
      if (!line) return undefined;
      // A skipped test did not run (we skip none on purpose; a failed setup skips a whole file).
      const notRun = count(line, /(\d+) skipped/) ?? 0;
      return { passed: count(line, /(\d+) passed/) ?? 0, failed: (count(line, /(\d+) failed/) ?? 0) + notRun };
    },
  },
  {
    name: "interop with dm3's libraries (Node, @dm3-org/dm3-lib-* 1.7.1)",
    command: binPath("tsx"),
    args: ["--test", "--test-reporter=spec", "test/interop/**/*.test.ts"],
    parse: parseNodeTestSummary,
  },
  {
    name: "end-to-end (chain + resolver + wrangler dev + viem CCIP-Read)",
    command: binPath("tsx"),
    // One file at a time: each starts its own stack, and two would fight for this machine's 2 cores.
    args: ["--test", "--test-concurrency=1", "--test-reporter=spec", "test/e2e/**/*.test.ts"],
    parse: parseNodeTestSummary,
  },
];

function runSuite(suite: Suite): Promise<{ output: string; exitCode: number }> {
  return new Promise((resolve) => {
    const child = spawn(suite.command, suite.args, {
      cwd: projectRoot,
      env: { ...process.env, ...QUIET_ENV, NO_COLOR: "1", FORCE_COLOR: "0" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const collect = (chunk: Buffer, stream: NodeJS.WriteStream) => {
      output += chunk.toString();
      stream.write(chunk);
    };
    child.stdout.on("data", (chunk: Buffer) => collect(chunk, process.stdout));
    child.stderr.on("data", (chunk: Buffer) => collect(chunk, process.stderr));
    child.on("close", (code) => resolve({ output, exitCode: code ?? 1 }));
  });
}

const stripAnsi = stripVTControlCharacters;
const total: Counts = { passed: 0, failed: 0 };
const summary: string[] = [];
for (const suite of suites) {
  console.log(`\n=== ${suite.name} ===`);
  const { output, exitCode } = await runSuite(suite);
  let counts = suite.parse(stripAnsi(output));
  if (suite.name === "typecheck") counts = exitCode === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 };
  // A suite that crashed or whose summary is missing counts as one failure, never as a pass.
  if (!counts) counts = { passed: 0, failed: 1 };
  else if (exitCode !== 0 && counts.failed === 0) counts = { ...counts, failed: 1 };
  total.passed += counts.passed;
  total.failed += counts.failed;
  summary.push(`  ${suite.name}: ${counts.passed} passed, ${counts.failed} failed`);
}
console.log(`\n${summary.join("\n")}`);
console.log(`${total.passed} passed, ${total.failed} failed`);
process.exit(total.failed === 0 ? 0 : 1);
