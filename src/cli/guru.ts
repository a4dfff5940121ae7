#!/usr/bin/env node
import { exportLibraryVariables, readEnvironment } from "../config/environment.js";

// Before anything imports node-llama-cpp: it reads HF_ENDPOINT, NODE_LLAMA_CPP_* and the like
// from process.env, some of them once as its module loads, so `.env` must be applied first.
exportLibraryVariables(readEnvironment());
const { runGuru } = await import("./guruProgram.js");
await runGuru(process.argv);
