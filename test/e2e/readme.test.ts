/**
 * The README's shell examples, run as printed against a fresh local stack, in order, in one shell
 * session (as a reader would paste them into one terminal) — so the README cannot drift from what
 * the code does. Blocks that cannot run here carry a `<!-- README test: not run (…) -->` comment.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { projectRoot } from "../../scripts/lib/paths";
import { findFreePort } from "../../scripts/stack/processes";
import { type Stack, startStack } from "../../scripts/stack/startStack";

const run = promisify(execFile);
const README_PORT_URL = "http://127.0.0.1:8787";
const NOT_RUN = /<!-- README test: not run \((.+)\) -->\s*$/;
/** Files the examples write into the git-ignored .dev/; a developer's own copies are set aside. */
const EXAMPLE_OUTPUTS = ["acme.ndjson", "bob.json", "backup.sql"].map((file) => path.join(projectRoot, ".dev", file));

type Block = { code: string; line: number; skipReason?: string };

/** Every ```sh block of the README, with the reason it is not run where it says so. */
function shellBlocks(readme: string): Block[] {
  const blocks: Block[] = [];
  const lines = readme.split("\n");
  for (let index = 0; index < lines.length; index++) {
    if (lines[index] !== "```sh") continue;
    const end = lines.indexOf("```", index + 1);
    assert.ok(end > index, `unclosed block at README line ${index + 1}`);
    const skipReason = NOT_RUN.exec(lines[index - 1] ?? "")?.[1];
    blocks.push({ code: lines.slice(index + 1, end).join("\n"), line: index + 1, ...(skipReason && { skipReason }) });
    index = end;
  }
  return blocks;
}

let stack: Stack;
let stateDir: string;

before(async () => {
  stateDir = await mkdtemp(path.join(tmpdir(), "dm3-readme-"));
  stack = await startStack({
    rpcPort: await findFreePort(),
    workerPort: await findFreePort(),
    inspectorPort: await findFreePort(),
    stateDir,
  });
  // `npm start`, which the README's examples follow, leaves .dev/ behind; a fresh clone has none.
  await mkdir(path.join(projectRoot, ".dev"), { recursive: true });
  for (const file of EXAMPLE_OUTPUTS) await rename(file, `${file}.readme-aside`).catch(() => undefined);
});

after(async () => {
  await stack?.stop();
  for (const file of EXAMPLE_OUTPUTS) {
    await rm(file, { force: true });
    await rename(`${file}.readme-aside`, file).catch(() => undefined);
  }
  await rm(stateDir, { recursive: true, force: true });
});

describe("README", () => {
  it("runs every shell example as printed against the local stack", async () => {
    const blocks = shellBlocks(await readFile(path.join(projectRoot, "README.md"), "utf8"));
    const runnable = blocks.filter((block) => !block.skipReason);
    assert.ok(runnable.length >= 3, `only ${runnable.length} runnable blocks found`);
    assert.ok(blocks.length - runnable.length <= 1, "blocks not run must stay the exception");

    const stackFile = path.join(stateDir, "stack.json");
    await writeFile(stackFile, JSON.stringify(stack.info));
    // The one change: the stack under test listens on free ports, not the README's 8787.
    const script = ["set -euo pipefail", ...runnable.map((block) => `echo "### README line ${block.line}" >&2\n${block.code}`)]
      .join("\n")
      .replaceAll(README_PORT_URL, stack.info.gatewayUrl);
    const { DM3_API_KEY: _key, DM3_ADMIN_TOKEN: _token, DM3_REGISTRY_URL: _url, RPC_URL: _rpc, ...env } = process.env;
    const result = await run("bash", ["-c", script], {
      cwd: projectRoot,
      env: { ...env, DM3_STACK_FILE: stackFile },
      maxBuffer: 64 * 1024 * 1024,
      timeout: 15 * 60 * 1000,
    }).catch((error: { stdout?: string; stderr?: string; message: string }) => {
      const lastBlock = [...(error.stderr ?? "").matchAll(/### README line (\d+)/g)].at(-1)?.[1];
      assert.fail(`README example failed in the block at line ${lastBlock}: ${error.message}\n${(error.stderr ?? "").slice(-3000)}`);
    });

    // What the examples say they show, they show.
    const alice = stack.demoUsers[0]!;
    assert.match(result.stdout, new RegExp(`addr\\t${alice.address}`), "resolve alice.demo.eth prints her address");
    assert.match(result.stdout, /"status":"ok"/, "health answers");
    assert.match(result.stdout, /text:url\thttps:\/\/bob\.example/, "bob.acme.eth resolves through the chain");
    assert.match(result.stdout, /\{"name":"m[a-z2-7]{52}\.mail\.demo\.eth","alias":"erin\.mail\.demo\.eth","status":"active"\}/, "the email bridge's opt-in");
    assert.match(result.stdout, /"deliveryServices":\["ds\.demo\.eth"\]/, "the virtual user's profile resolves through the chain");
    assert.match(result.stdout, /email bridge on: names under mail\.demo\.eth/, "bridge status");
    const backup = await readFile(EXAMPLE_OUTPUTS[2]!, "utf8");
    for (const table of ["domains", "names", "text_records", "address_records", "audit_log"]) {
      assert.match(backup, new RegExp(`^INSERT INTO "${table}" `, "m"), `the backup holds ${table}`);
    }
    assert.match(backup, /bob\.acme\.eth/);
  });
});
