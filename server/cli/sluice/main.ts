/** Entry of the `sluice` bin (started by server/cli/sluice.mjs): runs one command and exits with its code. */
import { runCli } from "./run-cli";

process.exitCode = await runCli(process.argv.slice(2), process.env);
