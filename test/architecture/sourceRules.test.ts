/**
 * Rules of the worker's source that the dependency rules (.dependency-cruiser.cjs) cannot see:
 * only the settings module reads the worker's bindings, every error class names itself, and the
 * runtime's `fetch` is called only where the outside policy decides where requests may go.
 */
import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { describe, it } from "node:test";
import { projectRoot } from "../../scripts/lib/paths";

const workerSource = path.join(projectRoot, "worker", "src");

/** Every non-test source file of the worker, relative to worker/src. */
async function sourceFiles(): Promise<{ file: string; text: string }[]> {
  const entries = await readdir(workerSource, { recursive: true });
  const files = entries.filter((entry) => /\.tsx?$/.test(entry) && !/\.test\.tsx?$/.test(entry));
  return Promise.all(files.map(async (file) => ({ file, text: await readFile(path.join(workerSource, file), "utf8") })));
}

// `env.X`, `env?.X`, `env["X"]`, `c.env.X` and `const { X } = env`: reading a binding.
const BINDING_READ = /\benv\s*(\?\.|\.|\[)\s*["'A-Za-z_]|\{[^}]*\}\s*=\s*(c\.)?env\b/;

// A call of the runtime's own `fetch` (not a method such as `app.fetch` or a handler's `async fetch(…)`).
const GLOBAL_FETCH_CALL = /(?<![.\w])(?<!async )fetch\(/;
/**
 * Where the worker may call `fetch` itself: the outside policy (net/outsideFetch.ts), the composition
 * root's transport for the admin's webhooks (checked by webhookTargetProblem before every attempt)
 * and profile fetches' default (the SDK's, in a browser: the worker passes its own), and the protocol
 * core's defaults for callers that pass none (the SDK; the worker always passes its transport).
 */
const MAY_CALL_FETCH = new Set(["net/outsideFetch.ts", "app/services.ts", "protocol/dm3/profileRecord.ts", "protocol/dm3/submitEnvelope.ts"]);

describe("the worker's source", () => {
  it("calls fetch only through the outside policy (every URL a stranger chose goes through net/outsideFetch.ts)", async () => {
    const files = await sourceFiles();
    const callers = files
      .filter(({ text }) => GLOBAL_FETCH_CALL.test(text.replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, "")))
      .map(({ file }) => file.split(path.sep).join("/"));
    assert.ok(callers.includes("net/outsideFetch.ts"), "the rule's pattern matches the policy's own call");
    assert.deepEqual(
      callers.filter((file) => !MAY_CALL_FETCH.has(file)),
      [],
      "call fetch through services.outside() (or the webhooks' transport), never directly",
    );
  });

  it("reads bindings only in settings/ (everything else gets typed, validated settings)", async () => {
    const files = await sourceFiles();
    assert.ok(
      files.some(({ file }) => file.startsWith(`settings${path.sep}`) && BINDING_READ.test(" env.DB")),
      "the rule's pattern matches a read",
    );
    const offenders = files.filter(({ file, text }) => !file.startsWith(`settings${path.sep}`) && BINDING_READ.test(text)).map(({ file }) => file);
    assert.deepEqual(offenders, []);
  });

  it("names every error class after itself (a minified bundle keeps no class names: `name` is what logs show)", async () => {
    const problems: string[] = [];
    let classes = 0;
    for (const { file, text } of await sourceFiles()) {
      for (const match of text.matchAll(/export (abstract )?class (\w+) extends (\w+)[^{]*\{([\s\S]*?)\n\}/g)) {
        const [, isAbstract, className, , body] = match;
        if (isAbstract || !/Error$/.test(className ?? "")) continue;
        classes++;
        const declared = /readonly name(?:: string)? = "(\w+)"/.exec(body ?? "")?.[1];
        if (declared !== className) problems.push(`${file}: ${className} is named ${declared ? `"${declared}"` : "after its parent"}`);
      }
    }
    assert.ok(classes > 30, `found only ${classes} error classes: the pattern no longer matches the source`);
    assert.deepEqual(problems, []);
  });
});
