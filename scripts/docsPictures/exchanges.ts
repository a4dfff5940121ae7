import type { ModelAnalysis } from "../../src/service/cognitiveAnalysis.js";

/**
 * What the pictures show: a question with its answer, then an analysis, as a team would ask them.
 * The model's side is scripted (a random-weight test model writes gibberish); everything between
 * the question and the pixels is Guru's own code.
 */
export const question = "Why does our CI cache miss after every dependency bump?";

export const answer = [
  "The cache key hashes `package-lock.json`, so **any** dependency bump changes the key and the whole cache is rebuilt from scratch.",
  "",
  "Two changes keep most of the hits:",
  "",
  "1. Keep the exact key, but add a *prefix* restore key, so a near match still warms the cache.",
  "2. Cache `~/.npm` instead of `node_modules`: `npm ci` then downloads only what changed.",
  "",
  "```yaml",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, not a template.
  "key: deps-${{ hashFiles('package-lock.json') }}",
  "restore-keys: deps-",
  "```",
].join("\n");

export const analysisQuestion = "Why did three of this week's deploys fail?";

/** What the model writes for the analysis (the confidence is computed from it, not written). */
export const modelAnalysis: ModelAnalysis = {
  summary: "The failed deploys all ran database migrations while the old version was still serving traffic.",
  reasoning_steps: [
    "All three failures happened during the migration step, none during the build.",
    "Each one followed a migration that renamed or dropped a column the old code still reads.",
    "Rolling back the application without the migration fixed every one of them.",
  ],
  quantitative_insights: ["3 of 14 deploys failed (21%)", "All 3 were among the 4 deploys with migrations"],
  patterns: [
    {
      name: "Breaking migrations",
      evidence: "Each failure dropped or renamed a column that the running version still queried",
      confidence: 0.8,
    },
  ],
  recommendations: [
    { kind: "process", action: "Split schema changes: add first, deploy, then drop in a later release." },
    { kind: "practical", action: "Run migrations against a copy of production in CI before deploying." },
  ],
  self_confidence: 0.7,
};

/** How sure the sampler was of each token it chose freely (their geometric mean shows as a percentage). */
export const tokenConfidences: readonly number[] = Array.from({ length: 160 }, (_, i) =>
  i % 2 ? 0.64 : 0.8,
);
