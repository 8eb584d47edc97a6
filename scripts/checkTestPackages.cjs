// Runs before `npm test` (plain CommonJS, no dependencies): the suites need a few system programs
// that npm cannot install — curl and jq (the README's examples run as printed) and Chromium (the
// pages' browser tests). When one is missing it stops at once with the exact install line, instead
// of failing ten minutes into the run. `--missing` prints the missing Debian packages (for .ci/run).
const { accessSync, constants } = require("node:fs");
const path = require("node:path");

const chromium = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const needs = [
  { pkg: "curl", found: () => onPath("curl") },
  { pkg: "jq", found: () => onPath("jq") },
  { pkg: "chromium", found: () => executable(chromium) },
];
const missing = needs.filter((need) => !need.found()).map((need) => need.pkg);

if (process.argv.includes("--missing")) {
  if (missing.length > 0) console.log(missing.join(" "));
} else if (missing.length > 0) {
  console.error(
    `npm test needs ${missing.join(", ")} (not found${missing.includes("chromium") ? `; Chromium looked for at ${chromium}, or set CHROMIUM_PATH` : ""}). ` +
      "On Debian or Ubuntu: sudo apt-get install -y --no-install-recommends curl jq chromium",
  );
  process.exit(1);
}

function onPath(program) {
  return (process.env.PATH || "").split(path.delimiter).some((dir) => dir && executable(path.join(dir, program)));
}

function executable(file) {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
