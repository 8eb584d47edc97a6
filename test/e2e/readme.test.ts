/**
 * The shell examples of the README and of the reference pages in docs/, run as printed against a
 * fresh local stack, in order (the README, then the pages in the order docs/README.md lists them),
 * in one shell session (as a reader would paste them into one terminal) — so the documentation
 * cannot drift from what the code does. Blocks that cannot run here carry a
 * `<!-- README test: not run (…) -->` comment. Every link between the pages must reach a file and,
 * where it names one, a heading.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { access, mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { demoKeysFile, projectRoot } from "../../scripts/lib/paths";
import { writeDemoKeys } from "../../scripts/stack/seedDemo";
import { findFreePort } from "../../scripts/stack/processes";
import { type Stack, startStack } from "../../scripts/stack/startStack";

const run = promisify(execFile);
const README_PORT_URL = "http://127.0.0.1:8787";
const NOT_RUN = /<!-- README test: not run \((.+)\) -->\s*$/;
/** Files the examples write into the git-ignored .dev/; a developer's own copies are set aside. */
const EXAMPLE_OUTPUTS = ["acme.ndjson", "bob.json", "backup.sql", "demo-keys.json", "namestone-names.json"].map((file) => path.join(projectRoot, ".dev", file));

type Block = { code: string; file: string; line: number; skipReason?: string };
type Page = { file: string; text: string };

/** The README, then every reference page in the order docs/README.md lists them. */
async function documentationPages(): Promise<Page[]> {
  const read = async (file: string) => ({ file, text: await readFile(path.join(projectRoot, file), "utf8") });
  const index = await read("docs/README.md");
  const listed = [...index.text.matchAll(/^\| \[[^\]]+\]\(([a-z-]+\.md)\)/gm)].map((match) => `docs/${match[1]}`);
  const onDisk = (await readdir(path.join(projectRoot, "docs"))).filter((file) => file.endsWith(".md") && file !== "README.md");
  assert.deepEqual([...listed].sort(), onDisk.map((file) => `docs/${file}`).sort(), "docs/README.md lists every page in docs/ once");
  return [await read("README.md"), index, ...(await Promise.all(listed.map(read)))];
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
function anchorOf(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, "")
    .replace(/ /g, "-");
}

/** Every ```sh block of a page, with the reason it is not run where it says so. */
function shellBlocks({ file, text }: Page): Block[] {
  const blocks: Block[] = [];
  const lines = text.split("\n");
  for (let index = 0; index < lines.length; index++) {
    if (lines[index] !== "```sh") continue;
    const end = lines.indexOf("```", index + 1);
    assert.ok(end > index, `unclosed block at ${file} line ${index + 1}`);
    const skipReason = NOT_RUN.exec(lines[index - 1] ?? "")?.[1];
    blocks.push({ code: lines.slice(index + 1, end).join("\n"), file, line: index + 1, ...(skipReason && { skipReason }) });
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
  await writeDemoKeys(demoKeysFile, stack.demoUsers);
});

after(async () => {
  await stack?.stop();
  for (const file of EXAMPLE_OUTPUTS) {
    await rm(file, { force: true });
    await rename(`${file}.readme-aside`, file).catch(() => undefined);
  }
  await rm(stateDir, { recursive: true, force: true });
});

describe("README and docs", () => {
  it("links only to pages and headings that exist", async () => {
    const pages = await documentationPages();
    const anchors = new Map(pages.map((page) => [page.file, new Set([...page.text.matchAll(/^#+ (.+)$/gm)].map((match) => anchorOf(match[1] as string)))]));
    let links = 0;
    for (const page of pages) {
      for (const [, target] of page.text.matchAll(/\]\(((?!https?:|mailto:)[^)\s]+)\)/g)) {
        const [file, anchor] = (target as string).split("#");
        const resolved = file ? path.posix.normalize(path.posix.join(path.posix.dirname(page.file), file)) : page.file;
        await access(path.join(projectRoot, resolved)).catch(() => assert.fail(`${page.file} links to ${target}: no such file`));
        if (anchor) assert.ok(anchors.get(resolved)?.has(anchor), `${page.file} links to ${target}: no such heading in ${resolved}`);
        links++;
      }
    }
    assert.ok(links >= 20, `only ${links} links found`);
  });

  it("runs every shell example as printed against the local stack", async () => {
    const blocks = (await documentationPages()).flatMap(shellBlocks);
    const runnable = blocks.filter((block) => !block.skipReason);
    assert.ok(runnable.length >= 3, `only ${runnable.length} runnable blocks found`);
    assert.ok(blocks.length - runnable.length <= 1, "blocks not run must stay the exception");

    const stackFile = path.join(stateDir, "stack.json");
    await writeFile(stackFile, JSON.stringify(stack.info));
    // The one change: the stack under test listens on free ports, not the README's 8787.
    const script = ["set -euo pipefail", ...runnable.map((block) => `echo "### ${block.file} line ${block.line}" >&2\n${block.code}`)]
      .join("\n")
      .replaceAll(README_PORT_URL, stack.info.gatewayUrl);
    const { DM3_API_KEY: _key, DM3_ADMIN_TOKEN: _token, DM3_REGISTRY_URL: _url, RPC_URL: _rpc, ...env } = process.env;
    const result = await run("bash", ["-c", script], {
      cwd: projectRoot,
      env: { ...env, DM3_STACK_FILE: stackFile },
      maxBuffer: 64 * 1024 * 1024,
      timeout: 15 * 60 * 1000,
    }).catch((error: { stdout?: string; stderr?: string; message: string }) => {
      const lastBlock = [...(error.stderr ?? "").matchAll(/### (\S+ line \d+)/g)].at(-1)?.[1];
      assert.fail(`example failed in the block at ${lastBlock}: ${error.message}\n${(error.stderr ?? "").slice(-3000)}`);
    });

    // What the examples say they show, they show.
    const alice = stack.demoUsers[0]!;
    assert.match(result.stdout, new RegExp(`addr\\t${alice.address}`), "resolve alice.demo.eth prints her address");
    assert.match(result.stdout, /"status":"ok"/, "health answers");
    assert.match(result.stdout, /text:url\thttps:\/\/bob\.example/, "bob.acme.eth resolves through the chain");
    assert.match(
      result.stdout,
      /"deliveryServices":\["ds\.demo\.eth"\]\n[\s\S]*alice\.demo\.eth\tsigned\tHi Bob, it's Alice\n/,
      "Bob's profile resolves, and he reads Alice's signed message",
    );
    assert.match(result.stdout, /bob\.acme\.eth\tsigned\tHello Alice\n/, "Alice reads Bob's signed answer");
    assert.match(result.stdout, /text:url\thttps:\/\/carol\.example/, "a name imported from a NameStone dump resolves through the chain");
    assert.match(result.stdout, /"from":"alice\.demo\.eth","text":"Welcome back","sentAtMs":\d+,"signatureValid":true/, "message read --json");
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
