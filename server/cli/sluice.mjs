#!/usr/bin/env node
// The `sluice` bin. It loads the TypeScript CLI through tsx's loader (a dependency), so it works straight
// after `npm install`, from any directory, without a build step.
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";

register({ tsconfig: fileURLToPath(new URL("../../tsconfig.json", import.meta.url)) });
await import(new URL("./sluice/main.ts", import.meta.url).href);
