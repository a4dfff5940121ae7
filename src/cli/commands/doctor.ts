import { accessSync, constants, mkdirSync } from "node:fs";
import type { Command } from "commander";
import type { GuruConfig } from "../../config/configSchema.js";
import { type EnvironmentSnapshot, readEnvironment } from "../../config/environment.js";
import { loadConfig } from "../../config/loadConfig.js";
import { secretVariables, serverApiKey } from "../../config/secrets.js";
import { EmbeddedEngine } from "../../engine/embedded/embeddedEngine.js";
import { openLlamaBackend } from "../../engine/embedded/llamaBackend.js";
import { locateModel } from "../../engine/modelSource.js";
import { checkWithin } from "../../engine/servers/healthChecker.js";
import { configuredServers, serverBackendFactories } from "../../engine/servers/serverBackends.js";
import { isGuruError } from "../../errors.js";
import { silentLogger } from "../../log/logger.js";
import { redactionMarker } from "../../log/redactor.js";
import { processRedactor } from "../redactedOutput.js";

interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
  readonly fix?: string;
}

export function registerDoctor(program: Command): void {
  program
    .command("doctor")
    .description(
      "Check the config, the model and GPU (or each inference server), and the data folder, and say how to fix each problem",
    )
    .option("-m, --model <path-or-uri>", "check this model instead of the configured one")
    .action(async (flags: { model?: string }) => {
      const checks = await runChecks(flags.model);
      // Every line passes the redactor: a check may quote a value that is a token pasted by mistake.
      const redact = processRedactor();
      for (const check of checks) {
        process.stdout.write(redact(`${check.ok ? "ok  " : "FAIL"}  ${check.name}: ${check.detail}\n`));
        if (!check.ok && check.fix) process.stdout.write(redact(`      fix: ${check.fix}\n`));
      }
      if (checks.some((check) => !check.ok)) process.exitCode = 1;
    });
}

async function runChecks(model: string | undefined): Promise<Check[]> {
  let loaded: ReturnType<typeof loadConfig>;
  const environment = readEnvironment();
  try {
    loaded = loadConfig({ environment: environment.variables, overrides: { model } });
  } catch (error) {
    return [
      {
        name: "config",
        ok: false,
        detail: error instanceof Error ? error.message : String(error),
        fix: "correct the value named above in the config file, .env or environment",
      },
    ];
  }
  const { config } = loaded;
  const checks: Check[] = [
    {
      name: "config",
      ok: true,
      detail: loaded.configFile ? `valid (${loaded.configFile})` : "valid (defaults)",
    },
  ];
  checks.push(secretsCheck(environment), dataDirCheck(config.dataDir));
  if (config.engine.servers.length > 0) return [...checks, ...(await serverChecks(config, environment))];
  const backend = await openLlamaBackend(config.engine.gpu, silentLogger);
  const gpu =
    backend.info.kind === "cpu"
      ? "none: answers run on the CPU"
      : `${backend.info.kind} ${backend.info.deviceNames.join(", ")}`;
  checks.push({
    name: "gpu",
    ok: true,
    detail: `${gpu} (${backend.info.cpuMathCores} CPU math cores)`,
  });
  const location = await locateModel(config.model, config.modelsDir);
  if (!location.path) {
    checks.push({
      name: "model",
      ok: false,
      detail: `${config.model} is not on this machine`,
      fix: "run `guru model pull`, or set GURU_MODEL to a GGUF file",
    });
    return checks;
  }
  try {
    const engine = await EmbeddedEngine.open({
      modelPath: location.path,
      config: { ...config.engine, slots: 1, contextSize: 512 },
      logger: silentLogger,
      backend,
    });
    checks.push({
      name: "model",
      ok: true,
      detail: `${location.path} loads (chat template: ${engine.chatWrapperName})`,
    });
    await engine.close();
  } catch (error) {
    checks.push({
      name: "model",
      ok: false,
      detail: isGuruError(error) ? error.message : String(error),
      fix: "download it again with `guru model pull`, or point GURU_MODEL at another GGUF file",
    });
  }
  return checks;
}

/** With inference servers no model is loaded here: each server is asked what it serves instead. */
async function serverChecks(config: GuruConfig, environment: EnvironmentSnapshot): Promise<Check[]> {
  let servers: ReturnType<typeof configuredServers>;
  try {
    servers = configuredServers(config.engine.servers, serverBackendFactories, (variable) =>
      serverApiKey(environment.variables, variable),
    );
  } catch (error) {
    return [{ name: "servers", ok: false, detail: isGuruError(error) ? error.message : String(error) }];
  }
  return Promise.all(
    servers.map(async ({ backend, slots }): Promise<Check> => {
      const name = `server ${backend.url} (${backend.kind})`;
      const health = await checkWithin(backend, config.engine.healthCheckTimeoutMs);
      if (!health.healthy)
        return {
          name,
          ok: false,
          detail: health.reason,
          fix: "start it (see docs/servers.md), check the URL, or remove it from GURU_SERVERS / engine.servers",
        };
      const context =
        health.contextSize > 0 ? `${health.contextSize} tokens a slot` : "context size not reported";
      return {
        name,
        ok: true,
        detail: `reachable; model ${health.model}; ${slots ?? health.slots} slots; ${context}`,
      };
    }),
  );
}

/** Which secrets are set and where from; never their values. */
function secretsCheck(environment: EnvironmentSnapshot): Check {
  const set = Object.values(secretVariables)
    .filter((variable) => environment.variables[variable]?.trim())
    .map(
      (variable) =>
        `${variable} = ${redactionMarker} (from ${environment.fromEnvFile.has(variable) ? environment.envFile : "the environment"})`,
    );
  return { name: "secrets", ok: true, detail: set.length > 0 ? set.join(", ") : "none set" };
}

function dataDirCheck(dataDir: string): Check {
  try {
    mkdirSync(dataDir, { recursive: true });
    accessSync(dataDir, constants.W_OK);
    return { name: "data folder", ok: true, detail: `${dataDir} is writable` };
  } catch (error) {
    return {
      name: "data folder",
      ok: false,
      detail: `${dataDir} is not writable (${String(error)})`,
      fix: "set GURU_DATA_DIR to a folder you can write to",
    };
  }
}
