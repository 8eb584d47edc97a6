/** Admin CLI: `npm run cli -- <command> --help`. */
import { type CommandDef, defineCommand, runCommand, showUsage } from "citty";
import { EXIT_FAILED, EXIT_USAGE, UsageError } from "./lib/cliErrors";

const subCommands: Record<string, () => Promise<CommandDef>> = {
  resolve: () => import("./commands/resolve").then((module) => module.default as CommandDef),
};

const main = defineCommand({
  meta: { name: "cli", description: "dm3 registry admin CLI" },
  subCommands,
});

const rawArgs = process.argv.slice(2);
const [commandName] = rawArgs;
const loadCommand = commandName ? subCommands[commandName] : undefined;

if (rawArgs.includes("--help") || rawArgs.includes("-h") || !loadCommand) {
  if (loadCommand) await showUsage(await loadCommand(), main);
  else await showUsage(main);
  const asked = rawArgs.includes("--help") || rawArgs.includes("-h");
  if (!asked) console.error(commandName ? `error: unknown command "${commandName}"` : "error: no command given");
  process.exit(asked ? 0 : EXIT_USAGE);
}

try {
  await runCommand(main, { rawArgs });
} catch (error) {
  const usage = error instanceof UsageError || (error instanceof Error && /Missing required|Unknown (argument|option)/i.test(error.message));
  const message = error instanceof Error ? ((error as { shortMessage?: string }).shortMessage ?? error.message) : String(error);
  console.error(`error: ${message}`);
  process.exit(usage ? EXIT_USAGE : EXIT_FAILED);
}
