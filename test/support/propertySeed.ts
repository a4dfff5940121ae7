import fc from "fast-check";

/**
 * Property tests explore new inputs on every developer run, but CI replays one fixed seed so a
 * submission's result does not depend on luck; set FC_SEED to replay a failure you saw.
 */
const seed = process.env.FC_SEED ?? (process.env.CI ? "20261126" : undefined);
if (seed !== undefined) fc.configureGlobal({ seed: Number(seed) });
