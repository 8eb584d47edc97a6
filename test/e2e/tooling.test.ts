/**
 * The toolchain guard: with a Node older than 22.13, `npm install` stops before installing
 * anything (engine-strict) and `npm start` / `npm test` stop with one line that says how to get
 * Node 22, instead of Hardhat's or wrangler's errors; `npm test` stops as fast, with the apt-get line,
 * when a system package its suites need is missing.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { promisify } from "node:util";
import { projectRoot } from "../../scripts/lib/paths";

const run = promisify(execFile);
const OLD_NODE_VERSION = "20.20.2";

const tooOld = (version: string) => {
  const [major = 0, minor = 0] = version.replace(/^v/, "").split(".").map(Number);
  return major < 22 || (major === 22 && minor < 13);
};

/** The directory of a real Node older than 22.13: the machine's own, or one from the npm registry. */
async function olderNodeDir(): Promise<string> {
  for (const candidate of ["/usr/bin/node", "/usr/local/bin/node"]) {
    const version = await run(candidate, ["--version"]).then(
      ({ stdout }) => stdout.trim(),
      () => undefined,
    );
    if (version && tooOld(version)) return path.dirname(candidate);
  }
  const prefix = path.join(homedir(), ".cache", "node20");
  await run("npm", ["install", "--prefix", prefix, "--no-audit", "--no-fund", `node@${OLD_NODE_VERSION}`]);
  return path.join(prefix, "node_modules", ".bin");
}

describe("a Node older than 22.13", () => {
  it("npm install stops at once and installs nothing", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "dm3-node-check-"));
    try {
      for (const file of ["package.json", "package-lock.json", ".npmrc"]) await copyFile(path.join(projectRoot, file), path.join(dir, file));
      // npm runs under the older Node (its `#!/usr/bin/env node` finds that one first).
      const env = { ...process.env, PATH: `${await olderNodeDir()}${path.delimiter}${process.env.PATH}` };
      await assert.rejects(
        run("npm", ["install", "--no-audit", "--no-fund", "--ignore-scripts"], { cwd: dir, env }),
        (error: { stderr?: string }) => /EBADENGINE/.test(error.stderr ?? "") && /Required: \{"node":">=22\.13"\}/.test(error.stderr ?? ""),
      );
      assert.deepEqual((await readdir(dir)).sort(), [".npmrc", "package-lock.json", "package.json"]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("npm start and npm test stop first with one line that says how to get Node 22", async () => {
    const scripts = (JSON.parse(await readFile(path.join(projectRoot, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
    assert.equal(scripts.prestart, "node scripts/checkNode.cjs");
    assert.match(scripts.pretest ?? "", /^node scripts\/checkNode\.cjs && /);
    await assert.rejects(run("node", ["scripts/checkNode.cjs", "v20.20.2"], { cwd: projectRoot }), (error: { code?: number; stderr?: string }) => {
      const lines = (error.stderr ?? "").trim().split("\n");
      return error.code === 1 && lines.length === 1 && /needs Node\.js >= 22\.13, this is v20\.20\.2: `nvm install`/.test(lines[0] ?? "");
    });
    await run("node", ["scripts/checkNode.cjs", "v22.13.0"], { cwd: projectRoot });
    assert.equal((await readFile(path.join(projectRoot, ".nvmrc"), "utf8")).trim().split(".")[0], "22");
  });

  it("npm test stops before any suite with the README's apt-get line when a system package is missing", async () => {
    const installLine = "sudo apt-get install -y --no-install-recommends curl jq chromium";
    assert.ok((await readFile(path.join(projectRoot, "README.md"), "utf8")).includes(installLine), "the Quick start names the same line");
    const refused = (missing: RegExp) => (error: { code?: number; stdout?: string; stderr?: string }) =>
      error.code !== 0 && missing.test(error.stderr ?? "") && (error.stderr ?? "").includes(installLine) && !/passed, \d+ failed/.test(error.stdout ?? "");
    // The real `npm test`, with Chromium looked for where there is none.
    await assert.rejects(
      run("npm", ["test"], { cwd: projectRoot, env: { ...process.env, CHROMIUM_PATH: "/nonexistent/chromium" } }),
      refused(/npm test needs chromium \(not found; Chromium looked for at \/nonexistent\/chromium/),
    );
    // curl and jq from PATH: a PATH that holds only node.
    await assert.rejects(
      run(process.execPath, ["scripts/checkTestPackages.cjs"], {
        cwd: projectRoot,
        env: { PATH: path.dirname(process.execPath), CHROMIUM_PATH: process.execPath },
      }),
      refused(/npm test needs curl, jq \(not found\)/),
    );
    const { stdout } = await run(process.execPath, ["scripts/checkTestPackages.cjs", "--missing"], {
      cwd: projectRoot,
      env: { PATH: path.dirname(process.execPath), CHROMIUM_PATH: "/nonexistent/chromium" },
    });
    assert.equal(stdout.trim(), "curl jq chromium", "--missing names the Debian packages .ci/run installs");
    await run(process.execPath, ["scripts/checkTestPackages.cjs"], { cwd: projectRoot });
  });
});

describe("deployment", () => {
  it("creates every queue wrangler.toml binds (producer, consumers, dead-letter) before a deploy", async () => {
    const { configuredQueues } = await import("../../scripts/lib/deployWorker");
    assert.deepEqual(await configuredQueues(), ["dm3-relay-work", "dm3-relay-work-dlq"]);
  });

  it("derives the lookup worker's config from wrangler.toml: its vars and D1, only the secrets a lookup reads, none of the rest", async () => {
    const { lookupWorkerConfig, LOOKUP_WORKER_MAIN } = await import("../../scripts/lib/lookupWorkerConfig");
    const dir = await mkdtemp(path.join(tmpdir(), "dm3-lookup-config-"));
    try {
      // A changed copy: what the generated config carries must come from the file, not from memory.
      const edited = (await readFile(path.join(projectRoot, "wrangler.toml"), "utf8"))
        .replace(/^SIGNATURE_TTL_SECONDS = "\d+"/m, 'SIGNATURE_TTL_SECONDS = "123"')
        .replace(/^name = "[^"]+"/m, 'name = "acme-gateway"');
      const copy = path.join(dir, "wrangler.toml");
      await writeFile(copy, edited);
      const config = lookupWorkerConfig(copy) as Record<string, unknown> & { vars: Record<string, string>; d1_databases: { binding: string }[] };
      assert.equal(config.name, "acme-gateway-lookup");
      assert.equal(config.main, LOOKUP_WORKER_MAIN);
      assert.equal(config.vars.SIGNATURE_TTL_SECONDS, "123");
      assert.equal(config.vars.DS_NAME, "ds.demo.eth");
      assert.deepEqual(
        config.d1_databases.map((database) => database.binding),
        ["DB"],
      );
      assert.deepEqual(config.secrets, { required: ["SIGNER_PRIVATE_KEY", "DS_SIGNING_KEY", "DS_ENCRYPTION_KEY"] });
      for (const absent of ["queues", "triggers", "send_email", "ratelimits", "assets"]) assert.equal(config[absent], undefined, absent);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("bundles the lookup worker without the registry, relay, bridges, pages or a query builder", async () => {
    const { writeLookupWorkerConfig } = await import("../../scripts/lib/lookupWorkerConfig");
    const { runWrangler } = await import("../../scripts/lib/wrangler");
    const dir = await mkdtemp(path.join(tmpdir(), "dm3-lookup-bundle-"));
    try {
      const config = await writeLookupWorkerConfig(dir);
      await runWrangler(["deploy", "--dry-run", "--config", config, "--outdir", path.join(dir, "out"), "--metafile"]);
      const meta = JSON.parse(await readFile(path.join(dir, "out", "bundle-meta.json"), "utf8")) as { inputs: Record<string, unknown> };
      const inputs = Object.keys(meta.inputs);
      assert.ok(
        inputs.some((input) => input.endsWith("worker/src/ccip/answerResolveCall.ts")),
        "the lookup itself is in the bundle",
      );
      const outside = inputs.filter((input) => /worker\/src\/(registry|relay|bridge|pages)\/|node_modules\/(postal-mime|drizzle-orm)\//.test(input));
      assert.deepEqual(outside, []);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
