import { accessSync, constants, existsSync } from "node:fs";
import { dirname } from "node:path";
import type { Command } from "commander";
import type { GuruConfig } from "../../config/configSchema.js";
import { type EnvironmentSnapshot, readEnvironment } from "../../config/environment.js";
import { packageRoot } from "../../config/guruHome.js";
import type { LoadedConfig } from "../../config/loadConfig.js";
import { secretVariables, serverApiKey } from "../../config/secrets.js";
import { EmbeddedEngine } from "../../engine/embedded/embeddedEngine.js";
import { openLlamaBackend } from "../../engine/embedded/llamaBackend.js";
import { locateModel } from "../../engine/modelSource.js";
import { checkWithin } from "../../engine/servers/healthChecker.js";
import { configuredServers, serverBackendFactories } from "../../engine/servers/serverBackends.js";
import { isGuruError } from "../../errors.js";
import { silentLogger } from "../../log/logger.js";
import { redactionMarker } from "../../log/redactor.js";
import type { DoctorCheck as Check } from "../doctorCheck.js";
import { exitOutcomes } from "../exitStatus.js";
import { platformChecks } from "../platformChecks.js";
import { processRedactor } from "../redactedOutput.js";
import { type CommonFlags, loadFlaggedConfig } from "../runtime.js";

export function registerDoctor(program: Command): void {
  program
    .command("doctor")
    .description(
      "Check Guru's home, the config, the Slack and Discord credentials, the model and GPU (or each inference server) and the data folder, and say how to fix each problem (changes nothing on disk)",
    )
    .option("-m, --model <path-or-uri>", "check this model instead of the configured one")
    .action(async (flags: CommonFlags) => {
      const checks = await runChecks(flags);
      // Every line passes the redactor: a check may quote a value that is a token pasted by mistake.
      const redact = processRedactor();
      for (const check of checks) {
        process.stdout.write(redact(`${check.ok ? "ok  " : "FAIL"}  ${check.name}: ${check.detail}\n`));
        if (!check.ok && check.fix) process.stdout.write(redact(`      fix: ${check.fix}\n`));
      }
      const failed = checks.find((check) => !check.ok);
      if (failed) process.exitCode = exitOutcomes[failed.outcome].status;
    });
}

async function runChecks(flags: CommonFlags): Promise<Check[]> {
  const environment = readEnvironment();
  const home = homeCheck(environment);
  let loaded: LoadedConfig;
  try {
    loaded = loadFlaggedConfig(flags);
  } catch (error) {
    return [
      home,
      {
        name: "config",
        ok: false,
        detail: error instanceof Error ? error.message : String(error),
        fix: "correct the value named above in the config file, .env or environment",
        outcome: "configuration",
      },
    ];
  }
  const { config } = loaded;
  const checks: Check[] = [
    home,
    {
      name: "config",
      ok: true,
      detail: loaded.configFile ? `valid (${loaded.configFile})` : "valid (defaults)",
      outcome: "configuration",
    },
  ];
  const serverKeys = config.engine.servers.flatMap((server) => server.apiKeyEnv ?? []);
  checks.push(secretsCheck(environment, serverKeys), dataDirCheck(config.dataDir));
  checks.push(...(await platformChecks(config, loaded.secrets, process.stdin.isTTY === true)));
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
    outcome: "runtime",
  });
  const location = await locateModel(config.model, config.modelsDir);
  if (!location.path) {
    checks.push({
      name: "model",
      ok: false,
      detail: `${config.model} is not on this machine`,
      fix: "run `guru model pull`, or set GURU_MODEL to a GGUF file",
      outcome: "model",
    });
    return checks;
  }
  try {
    const engine = await EmbeddedEngine.open({
      modelPath: location.path,
      // Whether it loads, not how fast: no thread measurement.
      config: { ...config.engine, slots: 1, contextSize: 512, threads: 1 },
      logger: silentLogger,
      backend,
    });
    checks.push({
      name: "model",
      ok: true,
      detail: `${location.path} loads (chat template: ${engine.chatWrapperName})`,
      outcome: "model",
    });
    await engine.close();
  } catch (error) {
    checks.push({
      name: "model",
      ok: false,
      detail: isGuruError(error) ? error.message : String(error),
      fix: "download it again with `guru model pull`, or point GURU_MODEL at another GGUF file",
      outcome: "model",
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
    return [
      {
        name: "servers",
        ok: false,
        detail: isGuruError(error) ? error.message : String(error),
        outcome: "configuration",
      },
    ];
  }
  return Promise.all(
    servers.map(async ({ backend, slots }): Promise<Check> => {
      const name = `server ${backend.url} (${backend.kind})`;
      const { health, timedOut } = await checkWithin(backend, config.engine.healthCheckTimeoutMs);
      if (!health.healthy)
        return {
          name,
          ok: false,
          detail: health.reason,
          // Silence, unlike a refusal or an error status, means a stuck server or a dropped connection.
          fix: timedOut
            ? "if it stays silent, restart it (a stuck llama-server ends on a second Ctrl-C: see docs/servers.md), and check that no firewall drops the connection"
            : "start it (see docs/servers.md), check the URL, or remove it from GURU_SERVERS / engine.servers",
          outcome: "runtime",
        };
      const context =
        health.contextSize > 0 ? `${health.contextSize} tokens a slot` : "context size not reported";
      return {
        name,
        ok: true,
        detail: `reachable; model ${health.model}; ${slots ?? health.slots} slots; ${context}`,
        outcome: "runtime",
      };
    }),
  );
}

/** Which secrets (Guru's own, and the servers' API keys) are set and where from; never their values. */
function secretsCheck(environment: EnvironmentSnapshot, serverKeys: readonly string[]): Check {
  const set = [...new Set([...Object.values(secretVariables), ...serverKeys])]
    .filter((variable) => environment.variables[variable]?.trim())
    .map(
      (variable) =>
        `${variable} = ${redactionMarker} (from ${environment.fromEnvFile.has(variable) ? environment.envFile : "the environment"})`,
    );
  return {
    name: "secrets",
    ok: true,
    detail: set.length > 0 ? set.join(", ") : "none set",
    outcome: "configuration",
  };
}

/** Where Guru looks for `.env`, the config file, models and data, and why there. */
function homeCheck(environment: EnvironmentSnapshot): Check {
  const source = environment.home === packageRoot ? "the package folder; GURU_HOME moves it" : "GURU_HOME";
  const envFile = environment.envFile ? `${environment.envFile} read` : "no .env";
  return {
    name: "home",
    ok: true,
    detail: `${environment.home} (${source}; ${envFile})`,
    outcome: "configuration",
  };
}

/** Writable, or creatable where it is missing; looked at only: doctor changes nothing on disk. */
function dataDirCheck(dataDir: string): Check {
  let existing = dataDir;
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  const state = existing === dataDir ? "is writable" : "will be created at the first start";
  try {
    accessSync(existing, constants.W_OK);
    return { name: "data folder", ok: true, detail: `${dataDir} ${state}`, outcome: "runtime" };
  } catch (error) {
    return {
      name: "data folder",
      ok: false,
      detail: `${dataDir} cannot be written (${existing}: ${String(error)})`,
      fix: "set GURU_DATA_DIR to a folder you can write to",
      outcome: "configuration",
    };
  }
}
