/** Admin CLI: `npm run cli -- <command> --help`. Exit codes: 0 ok, 1 failed operation, 2 bad usage. */
import { type CommandDef, defineCommand, runCommand, showUsage } from "citty";
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

try {
  await runCommand(main, { rawArgs });
} catch (error) {
  const usage = error instanceof UsageError || (error instanceof Error && /Missing required|Unknown (argument|option|command)|Invalid value/i.test(error.message));
  const message = error instanceof Error ? ((error as { shortMessage?: string }).shortMessage ?? error.message) : String(error);
  console.error(`error: ${message.split("\n")[0]}`);
  process.exit(usage ? EXIT_USAGE : EXIT_FAILED);
}
