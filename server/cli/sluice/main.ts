/** Entry of the `sluice` bin (started by server/cli/sluice.mjs): runs one command and exits with its code. */
import { runCli } from "./run-cli";

// A reader that stops early (`sluice rollouts | head`) is not a failure of the command.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error;
});
process.exitCode = await runCli(process.argv.slice(2), process.env);
