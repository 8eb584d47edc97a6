/** Admin CLI: `npm run cli -- <command> --help`. Exit codes: 0 ok, 1 failed operation, 2 bad usage. */
import { type CommandDef, defineCommand, runCommand, showUsage } from "citty";
import { RegistryUnreachableError } from "../sdk/src/index";
import { EXIT_FAILED, EXIT_USAGE, UsageError } from "./lib/cliErrors";

const load = (loader: () => Promise<{ default: unknown }>) => () => loader().then((module) => module.default as CommandDef);

const main = defineCommand({
  meta: { name: "cli", description: "dm3 registry admin CLI" },
  subCommands: {
    domain: load(() => import("./commands/domain")),
    key: load(() => import("./commands/key")),
    name: load(() => import("./commands/name")),
    profile: load(() => import("./commands/profile")),
    import: load(() => import("./commands/import")),
    export: load(() => import("./commands/export")),
    ds: load(() => import("./commands/ds")),
    backup: load(() => import("./commands/backup")),
    resolve: load(() => import("./commands/resolve")),
    deploy: load(() => import("./commands/deploy")),
    signer: load(() => import("./commands/signer")),
    bridge: load(() => import("./commands/bridge")),
    message: load(() => import("./commands/message")),
  },
}) as CommandDef;

/** The deepest command named by the leading words of `args`, and its parent. */
async function findCommand(args: string[]): Promise<{ command: CommandDef; parent?: CommandDef; depth: number }> {
  let command = main;
  let parent: CommandDef | undefined;
  let depth = 0;
  for (const arg of args) {
    const subCommands = (await resolveValue(command.subCommands)) as Record<string, unknown> | undefined;
    const next = subCommands?.[arg];
    if (arg.startsWith("-") || !next) break;
    parent = command;
    command = (await resolveValue(next)) as CommandDef;
    depth++;
  }
  return parent ? { command, parent, depth } : { command, depth };
}

/**
 * Why a flag in `args` is not one `command` takes, naming the closest one — citty itself ignores
 * unknown flags, so `--dryrun` would silently run the write it was meant to rehearse.
 */
async function findUnknownFlag(command: CommandDef, args: string[]): Promise<string | undefined> {
  const definitions = ((await resolveValue(command.args)) ?? {}) as Record<string, { type?: string; alias?: string | string[] }>;
  const known = new Set(["help", "h"]);
  const booleans = new Set<string>();
  for (const [name, definition] of Object.entries(definitions)) {
    if (definition.type === "positional") continue;
    known.add(name);
    for (const alias of [definition.alias ?? []].flat()) known.add(alias);
    if (definition.type === "boolean") booleans.add(name);
  }
  for (const arg of args) {
    if (arg === "--") break;
    if (!arg.startsWith("-") || /^-\d/.test(arg)) continue;
    const flag = arg.replace(/^--?/, "").split("=")[0] ?? "";
    if (known.has(flag) || (flag.startsWith("no-") && booleans.has(flag.slice(3)))) continue;
    const candidates = [...known].filter((name) => name.length > 1);
    const closest = candidates.sort((a, b) => editDistance(flag, a) - editDistance(flag, b))[0];
    const hint = closest && editDistance(flag, closest) <= Math.max(2, Math.floor(closest.length / 3)) ? ` (did you mean --${closest}?)` : "";
    return `unknown flag ${arg.split("=")[0]}${hint}; see --help`;
  }
  return undefined;
}

/** Levenshtein distance, for "did you mean". */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

async function resolveValue(value: unknown): Promise<unknown> {
  return typeof value === "function" ? await (value as () => unknown)() : value;
}

const rawArgs = process.argv.slice(2);
const { command, parent, depth } = await findCommand(rawArgs);
const wantsHelp = rawArgs.includes("--help") || rawArgs.includes("-h");
const incomplete = command.subCommands !== undefined; // a command group without its sub-command
if (wantsHelp || incomplete) {
  await showUsage(command, parent);
  if (!wantsHelp) {
    const word = rawArgs[depth];
    console.error(word ? `error: unknown command "${word}"` : "error: no command given");
  }
  process.exit(wantsHelp ? 0 : EXIT_USAGE);
}

const unknownFlag = await findUnknownFlag(command, rawArgs.slice(depth));
if (unknownFlag) {
  console.error(`error: ${unknownFlag}`);
  process.exit(EXIT_USAGE);
}

try {
  await runCommand(main, { rawArgs });
} catch (error) {
  const usage =
    error instanceof UsageError || (error instanceof Error && /Missing required|Unknown (argument|option|command)|Invalid value/i.test(error.message));
  const hint = error instanceof RegistryUnreachableError ? " (start the local stack with `npm start`, or pass --url)" : "";
  const message = `${error instanceof Error ? ((error as { shortMessage?: string }).shortMessage ?? error.message) : String(error)}${hint}`;
  console.error(`error: ${message.split("\n")[0]}`);
  process.exit(usage ? EXIT_USAGE : EXIT_FAILED);
}
