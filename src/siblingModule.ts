import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker, type WorkerOptions } from "node:worker_threads";

/*
 * Modules that run in a process or thread of their own, started from the module beside them: the
 * compiled `.js` in a build; from TypeScript sources (tsx, vitest) the `.ts` itself, tsx loaded first.
 */

/** What `fork` runs for `name`, the module beside the one at `here`. */
export function siblingProcess(here: string, name: string): { entry: string; execArgv: string[] } {
  if (!isTypeScript(here)) return { entry: fileURLToPath(new URL(`./${name}.js`, here)), execArgv: [] };
  const tsx = pathToFileURL(createRequire(here).resolve("tsx")).href;
  return { entry: fileURLToPath(new URL(`./${name}.ts`, here)), execArgv: ["--import", tsx] };
}

/** Runs `name`, the module beside the one at `here`, on a worker thread. */
export function siblingThread(here: string, name: string, options: WorkerOptions): Worker {
  if (!isTypeScript(here)) return new Worker(new URL(`./${name}.js`, here), options);
  // Node 20 ignores `--import` in a worker's execArgv: tsx is registered in the thread instead.
  const tsx = JSON.stringify(import.meta.resolve("tsx/esm/api"));
  const entry = JSON.stringify(new URL(`./${name}.ts`, here).href);
  return new Worker(`import(${tsx}).then((tsx) => { tsx.register(); return import(${entry}); });`, {
    ...options,
    eval: true,
  });
}

function isTypeScript(here: string): boolean {
  return here.endsWith(".ts");
}
