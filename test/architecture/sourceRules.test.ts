/**
 * Rules of the worker's source that the dependency rules (.dependency-cruiser.cjs) cannot see:
 * only the settings module reads the worker's bindings, and every error class names itself.
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

describe("the worker's source", () => {
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
